"""Replies lost and replies doubled on a faulty network, with the shipped retry rule and with
the old one (repeat everything, the library's 5 s read time-out).

The shipped rule repeats a send after an error answer, a connection never made or dropped
mid-way, but not after 30 s without an answer (bot/channels/telegram/ratelimit.py).

The real Application on the shipped knowledge, long polling the fake Bot API, which fails 10 %
of sendMessage calls at random, an equal share of each: a 502 (not carried out), a 429, a
proxy's HTML 502 page, a 10-second stall (carried out late), a connection dropped before the
call was carried out, and one dropped after. 250 users each send four questions at once (1,000
in all). Counted once everything settled: questions with no reply (lost), with two or more
(doubled), chats whose answers came in another order than the questions, and log lines with a
traceback.

    python benchmarks/bench_faults.py [--users 250]
"""

from __future__ import annotations

import argparse
import asyncio
import html
import io
import logging
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

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


PER_USER = 4


def questions(live: LiveKnowledge) -> list[tuple[str, str]]:
    """Four entries' own questions and titles: each answer names the question it answers."""
    kb = live.current.kb
    chosen = [e for e in kb.entries if not e.contacts][:: max(1, len(kb.entries) // 8)]
    return [(e.questions.get("en")[0], e.title("en", "en")) for e in chosen[:PER_USER]]


def title_of(text: str) -> str:
    return re.sub(r"<[^>]+>", "", html.unescape(text.split("\n", 1)[0]))


async def run(users: int, old_rule: bool, live: LiveKnowledge) -> tuple[int, int, int, int, float]:
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
        asked = questions(live)
        started = time.perf_counter()
        for n in range(users):
            for question, _ in asked:
                api.push(updates.text(question, uid=50_000 + n, lang="en"))
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
    titles = [title for _, title in asked]
    per_chat: dict[int, list[str]] = {}
    for params in api.sent():
        per_chat.setdefault(int(params["chat_id"]), []).append(title_of(params["text"]))
    lost = doubled = disordered = 0
    for user in range(50_000, 50_000 + users):
        got = per_chat.get(user, [])
        counts = Counter(got)
        lost += sum(1 for t in titles if not counts[t])
        doubled += sum(1 for t in titles if counts[t] > 1)
        # In order: each question's first answer comes after the previous question's.
        firsts = [got.index(t) for t in titles if t in got]
        disordered += firsts != sorted(firsts)
    tracebacks = log.getvalue().count("Traceback")
    return lost, doubled, disordered, tracebacks, took


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=250)
    args = parser.parse_args()
    live = LiveKnowledge(ROOT / "knowledge", None)
    print(f"{args.users * PER_USER} questions from {args.users} users, 10 % of sends failing "
          f"({', '.join(KINDS)})")  # fmt: skip
    print(f"{'rule':<44}{'lost':>6}{'doubled':>9}{'out of order':>14}{'tracebacks':>12}"
          f"{'seconds':>9}")  # fmt: skip
    for old_rule, name in ((True, "old: repeat everything, 5 s read time-out"),
                           (False, "shipped: no repeat after 30 s of silence")):  # fmt: skip
        lost, doubled, disordered, tracebacks, took = await run(args.users, old_rule, live)
        print(f"{name:<44}{lost:>6}{doubled:>9}{disordered:>14}{tracebacks:>12}{took:>9.0f}")


if __name__ == "__main__":
    asyncio.run(main())
