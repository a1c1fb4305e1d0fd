"""Round-trip latency of the hand-off to a person, over the fake Bot API.

    python benchmarks/bench_handoff.py [--rounds 100]

The real Application (long polling, the shipped knowledge, SQLite on disk) runs against the
fake Bot API of the tests, with a staff group that is a plain group, then a forum. Each round
is one user: "/human", a first message (which opens a ticket: a forum topic, or a first message
in the plain group), the staff's answer, a second message and a second answer. A leg is timed
from the moment the update is queued at the fake server to the moment the bot's message to the
other side arrives there; the staff answer the instant a message reaches the group.

Telegram allows a bot about 30 messages a second in all and 20 a minute in one group, and
the bot's rate limiter waits for both. They cap how many messages a minute get through, not
how fast one does, so they are switched off here: rounds back to back would otherwise measure
the limiter's wait (a steady 33 ms a message once 30 have gone in a second). Network time to
Telegram's servers comes on top of these figures in production.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# This checkout's bot and tests, before any installed copy of the package.
sys.path.insert(0, str(ROOT))

from bot.channels.telegram.app import build_application, handoff_options  # noqa: E402
from bot.channels.telegram.ratelimit import PatientRateLimiter  # noqa: E402
from bot.dialog import DialogOptions  # noqa: E402
from bot.kb import load_knowledge  # noqa: E402
from bot.live import LiveKnowledge, Served  # noqa: E402
from bot.store import SqliteStore  # noqa: E402
from tests import updates  # noqa: E402
from tests.conftest import TOKEN, settings_for  # noqa: E402
from tests.fakebotapi import BOT_ID, Call, FakeBotApi  # noqa: E402

STAFF = updates.STAFF_ID
LEGS = (
    "user → staff, first message (opens the ticket)",
    "staff → user, answer",
    "user → staff, next message",
    "round trip (next message, answer)",
)


async def until(calls: Callable[[], list[Call]], count: int, within: float = 30.0) -> Call:
    """The `count`-th call of the list, once it has arrived."""
    deadline = time.perf_counter() + within
    while len(calls()) < count:
        if time.perf_counter() > deadline:
            raise TimeoutError("the bot did not answer in time")
        await asyncio.sleep(0.0005)
    return calls()[count - 1]


def messages(api: FakeBotApi, chat_id: int) -> Callable[[], list[Call]]:
    def sent() -> list[Call]:
        return [c for c in api.to_chat(chat_id) if c.method == "sendMessage"]

    return sent


def answer(api: FakeBotApi, ticket: Call, text: str) -> dict[str, Any]:
    if api.groups[STAFF]["is_forum"]:
        return updates.staff(text, thread=ticket.params["message_thread_id"], forum=True)
    root = ticket.result
    replied = updates.bot_message(STAFF, root["text"], root["message_id"], BOT_ID)
    return updates.staff(text, reply_to=replied)


async def leg(api: FakeBotApi, update: dict[str, Any], chat_id: int) -> tuple[Call, float]:
    """Queue an update; the bot's next message to `chat_id` and the milliseconds it took."""
    sent = messages(api, chat_id)
    count = len(sent()) + 1
    start = time.perf_counter()
    api.push(update)
    call = await until(sent, count)
    return call, (call.at - start) * 1000


async def run(forum: bool, rounds: int, served: Served, state: Path) -> dict[str, list[float]]:
    api = FakeBotApi(TOKEN)
    await api.start()
    api.add_group(STAFF, forum=forum)
    settings = settings_for(api, state, BOT_MODERATOR_CHAT_ID=str(STAFF))
    options = DialogOptions(handoff=handoff_options(settings))
    live = LiveKnowledge(served.kb.root, served=served, options=options)
    store = SqliteStore(settings.database_path)
    limiter = PatientRateLimiter(overall_max_rate=0, group_max_rate=0)
    app = build_application(settings, live, store, limiter)
    times: dict[str, list[float]] = {name: [] for name in LEGS}
    try:
        await app.initialize()
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0, timeout=1)
        for n in range(rounds):
            uid = 50_000_000 + n
            await leg(api, updates.command("/human", uid=uid), uid)
            question = "Can I study in Iceland? I need help with my residence permit"
            ticket, first = await leg(api, updates.identified(question, uid), STAFF)
            __, back = await leg(api, answer(api, ticket, "Yes. Which country issued it?"), uid)
            ___, there = await leg(api, updates.identified("Finland, in 2023", uid), STAFF)
            ____, again = await leg(api, answer(api, ticket, "Thank you, we check."), uid)
            times[LEGS[0]].append(first)
            times[LEGS[1]].extend((back, again))
            times[LEGS[2]].append(there)
            times[LEGS[3]].append(there + again)
    finally:
        assert app.updater is not None
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
        store.close()
        await api.stop()
    return times


def row(mode: str, name: str, values: list[float]) -> str:
    ordered = sorted(values)

    def pick(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(len(ordered) * q))]

    return (
        f"| {mode} | {name} | {len(values)} | {statistics.median(values):.1f} | "
        f"{pick(0.9):.1f} | {pick(0.99):.1f} | {max(values):.1f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=100, help="users per staff group kind")
    args = parser.parse_args()
    served = Served.build(load_knowledge(ROOT / "knowledge"))
    print("| staff group | leg | n | median ms | p90 ms | p99 ms | max ms |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for forum in (False, True):
        with tempfile.TemporaryDirectory() as state:
            times = asyncio.run(run(forum, args.rounds, served, Path(state)))
        mode = "forum (topics)" if forum else "plain (reply threads)"
        for name in LEGS:
            print(row(mode, name, times[name]))


if __name__ == "__main__":
    main()
