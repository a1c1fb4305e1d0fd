"""Replies lost and replies doubled on a faulty network, with the shipped retry rule and with
the old one (repeat everything, the library's 5 s read time-out).

The shipped rule repeats a send after an error answer, a connection never made or dropped
mid-way, but not after 30 s without an answer (bot/channels/telegram/ratelimit.py).

The real Application on the shipped knowledge, long polling the fake Bot API, which fails 10 %
of sendMessage calls at random, an equal share of each: a 502 (not carried out), a 429, a
proxy's HTML 502 page, a 10-second stall (carried out late), a connection dropped before the
call was carried out, and one dropped after. 300 users ask one question each. Counted once
everything settled: users with no reply (lost), with two or more (doubled), and the log lines
with a traceback.

    python benchmarks/bench_faults.py [--users 300]
"""

from __future__ import annotations

import argparse
import asyncio
import io
import logging
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from telegram import Update  # noqa: E402

from bot.channels.telegram.app import build_application  # noqa: E402
from bot.channels.telegram.ratelimit import PatientRateLimiter  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.live import LiveKnowledge  # noqa: E402
from bot.logs import configure  # noqa: E402
from tests import updates  # noqa: E402
from tests.fakebotapi import FakeBotApi  # noqa: E402

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawX"
KINDS = ("server_error", "retry_after", "html_502", "stall", "drop_before", "drop_after")


def questions() -> list[tuple[str, str]]:
    cases = yaml.safe_load((ROOT / "benchmarks/data/scope_heldout.yaml").read_text("utf-8"))
    return [(c["q"], c.get("lang", "en")) for c in cases["cases"]]


async def run(users: int, old_rule: bool, live: LiveKnowledge) -> tuple[int, int, int, float]:
    api = FakeBotApi(TOKEN)
    api.chaos["sendMessage"] = (0.10, KINDS)
    await api.start()
    log = io.StringIO()
    handler = logging.StreamHandler(log)
    logging.getLogger().addHandler(handler)
    configure("INFO", [TOKEN])
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings.model_validate({
            "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": api.base_url,
            "BOT_DATABASE_PATH": str(Path(folder) / "bot.sqlite3"), "BOT_RELOAD_SECONDS": 0,
        })  # fmt: skip
        limiter = PatientRateLimiter(first_delay=0.2, overall_max_rate=0, group_max_rate=0,
                                     repeat_unanswered=old_rule)  # fmt: skip
        store = settings.open_store()
        app = build_application(settings, live, store, limiter,
                                read_timeout=5.0 if old_rule else 30.0)  # fmt: skip
        await app.initialize()
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(timeout=1, allowed_updates=Update.ALL_TYPES)
        pool = questions()
        started = time.perf_counter()
        for n in range(users):
            question, lang = pool[n % len(pool)]
            api.push(updates.text(question, uid=50_000 + n, lang=lang))
        # Settled: every user answered and nothing new for 15 s (a stall takes 10).
        last, seen = time.monotonic(), 0
        while time.monotonic() - last < 15:
            await asyncio.sleep(0.5)
            if len(api.sent()) != seen:
                seen, last = len(api.sent()), time.monotonic()
        took = time.perf_counter() - started
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
        store.close()
    await api.stop()
    logging.getLogger().removeHandler(handler)
    replies = Counter(int(p["chat_id"]) for p in api.sent())
    ids = range(50_000, 50_000 + users)
    lost = sum(1 for u in ids if not replies[u])
    doubled = sum(1 for u in ids if replies[u] > 1)
    tracebacks = log.getvalue().count("Traceback")
    return lost, doubled, tracebacks, took


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=300)
    args = parser.parse_args()
    live = LiveKnowledge(ROOT / "knowledge", None)
    print(f"{args.users} users, 10 % of sends failing ({', '.join(KINDS)})")
    print(f"{'rule':<46}{'lost':>6}{'doubled':>9}{'tracebacks':>12}{'seconds':>9}")
    for old_rule, name in ((True, "old: repeat everything, 5 s read time-out"),
                           (False, "shipped: no repeat after 30 s of silence")):  # fmt: skip
        lost, doubled, tracebacks, took = await run(args.users, old_rule, live)
        print(f"{name:<46}{lost:>6}{doubled:>9}{tracebacks:>12}{took:>9.0f}")


if __name__ == "__main__":
    asyncio.run(main())
