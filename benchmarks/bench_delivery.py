"""Delivery under a crash and a poison update, measured from outside the real bot process.

1. kill -9 with 200 questions queued (200 users), once 40 answers went out (as in the review),
   then a restart; `--runs` times (the kill races the send under way, so one run says little).
   Counted: questions never answered, answered twice, and of those answered twice, how many
   had been recorded as handled (must be 0: the others are sends that were under way at the
   kill, which the bot cannot know reached Telegram).
2. One update the library cannot read (an old-shaped poll, from a user with marker name and
   text), then 5 questions from other users: seconds until all 5 are answered, log bytes, and
   whether the log holds the marker text, username or id.

    python benchmarks/bench_delivery.py [--runs 5]
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests import botprocess, updates  # noqa: E402
from tests.fakebotapi import FakeBotApi  # noqa: E402

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawX"


async def crash(folder: Path, queued: int) -> tuple[int, int, int, int]:
    api = FakeBotApi(TOKEN)
    await api.start()
    users = list(range(10_000, 10_000 + queued))
    update_of = {api.push(updates.text("What is IOM?", uid=u)): u for u in users}
    log = folder / "crash.log"
    first = botprocess.start(api, folder, log)
    # As in the review: killed once 40 answers went out.
    await api.wait_for("sendMessage", 40, within=60)
    first.send_signal(signal.SIGKILL)
    first.wait()
    answered_first = len({p["chat_id"] for p in api.sent()})
    with sqlite3.connect(folder / "bot.sqlite3") as db:
        recorded = {update_of[r[0]] for r in db.execute("SELECT update_id FROM handled_update")}
    second = botprocess.start(api, folder, log)
    replies = await botprocess.answered(api, users, within=120)
    second.send_signal(signal.SIGTERM)
    second.wait()
    await api.stop()
    lost = sum(1 for u in users if not replies[u])
    doubled = sum(1 for u in users if replies[u] > 1)
    doubled_recorded = sum(1 for u in recorded if replies[u] > 1)
    return answered_first, lost, doubled, doubled_recorded


async def poison(folder: Path) -> tuple[float, int, int, bool]:
    api = FakeBotApi(TOKEN)
    await api.start()
    bad = updates.text("SECRET-MARKER-TEXT", uid=777001)
    bad["message"]["from"]["username"] = "secret_marker_user"
    bad["message"]["poll"] = {"id": "1"}
    api.push(bad)
    users = [20_001, 20_002, 20_003, 20_004, 20_005]
    for user in users:
        api.push(updates.text("What is IOM?", uid=user))
    log = folder / "poison.log"
    started = time.monotonic()
    bot = botprocess.start(api, folder, log)
    replies = await botprocess.answered(api, users, within=60)
    took = time.monotonic() - started
    await asyncio.sleep(2)  # would the poison update be fetched again and again?
    bot.send_signal(signal.SIGTERM)
    bot.wait()
    await api.stop()
    text = log.read_text(encoding="utf-8")
    leaked = any(s in text for s in ("SECRET-MARKER-TEXT", "secret_marker_user", "777001"))
    return took, sum(1 for u in users if replies[u]), len(text.encode()), leaked


async def main(runs: int) -> None:
    results = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as folder:
            results.append(await crash(Path(folder), 200))
    print(f"kill -9 with 200 questions queued, then a restart ({runs} runs, each run's count)")
    rows = ["answered before the kill", "never answered", "answered twice"]
    rows.append("  of them recorded as handled")
    for n, label in enumerate(rows):
        print(f"{label:<34}" + " ".join(f"{r[n]:>4}" for r in results))
    with tempfile.TemporaryDirectory() as second:
        took, answered, size, leaked = await poison(Path(second))
        print()
        print("an unreadable update, then 5 questions from other users (log at DEBUG)")
        print(f"{'answered':<34}{answered:>6} of 5")
        print(f"{'seconds from start to the last':<34}{took:>6.1f}")
        print(f"{'log bytes (start-up included)':<34}{size:>6,}")
        print(f"{'user data in the log':<34}{'yes' if leaked else 'no':>6}")


if __name__ == "__main__":
    # --help says what the script measures, before it runs anything.
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    asyncio.run(main(parser.parse_args().runs))
