"""CPU per question and memory of the real bot process, with and without the semantic signal.

The bot runs as `python -m bot run` on the shipped knowledge against the fake Bot API (long
polling), and answers a steady stream of questions from the project's held-out sets, one chat
each, a few at a time. Measured from /proc: the process's CPU seconds (user + system) over the
stream, divided by the questions, and its resident memory after the stream. Linux only.

    python benchmarks/bench_process.py [--questions 300]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests import botprocess, updates  # noqa: E402
from tests.fakebotapi import FakeBotApi  # noqa: E402

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawX"
TICK = os.sysconf("SC_CLK_TCK")


def questions() -> list[tuple[str, str]]:
    cases = yaml.safe_load((ROOT / "benchmarks/data/scope_heldout.yaml").read_text("utf-8"))
    return [(c["q"], c.get("lang", "en")) for c in cases["cases"]]


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def run(semantic: str, count: int) -> tuple[float, float, float, str]:
    api = FakeBotApi(TOKEN)
    await api.start()
    pool = questions()
    with tempfile.TemporaryDirectory() as folder:
        log = Path(folder) / "bot.log"
        bot = botprocess.start(api, Path(folder), log, ROOT / "knowledge",
                               BOT_SEMANTIC=semantic, BOT_LOG_LEVEL="WARNING")  # fmt: skip
        # Warm: the first question after start-up is answered.
        api.push(updates.text("What is IOM?", uid=1))
        await api.wait_for("sendMessage", 1, within=120)
        mode = "on" if semantic == "on" else "off"
        before = cpu_seconds(bot.pid)
        started = time.perf_counter()
        for n in range(count):
            question, lang = pool[n % len(pool)]
            api.push(updates.text(question, uid=100 + n, lang=lang))
            if n % 5 == 4:
                await api.wait_for("sendMessage", 2 + n, within=120)
        await api.wait_for("sendMessage", 1 + count, within=120)
        wall = time.perf_counter() - started
        used = cpu_seconds(bot.pid) - before
        memory = rss_mb(bot.pid)
        bot.send_signal(signal.SIGTERM)
        bot.wait()
    await api.stop()
    return used * 1000 / count, memory, wall, mode


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=300)
    args = parser.parse_args()
    print(f"{'semantic signal':<18}{'CPU ms/question':>16}{'RSS MB':>9}{'wall s':>9}")
    for semantic in ("off", "on"):
        per_question, memory, wall, mode = await run(semantic, args.questions)
        print(f"{mode:<18}{per_question:>16.1f}{memory:>9.0f}{wall:>9.1f}")


if __name__ == "__main__":
    asyncio.run(main())
