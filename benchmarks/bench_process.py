"""CPU per question and memory of the real bot process, with and without the semantic signal.

The bot runs as `python -m bot run` on the shipped knowledge against the fake Bot API (long
polling), and answers a steady stream of questions from the project's held-out sets, one chat
each, a few at a time. Measured from /proc: the process's CPU seconds (user + system) over the
stream, divided by the questions; its resident memory after the stream; its peak (VmHWM, which
start-up sets); and its resident memory after one and after `--reloads` knowledge reloads (a
maintainer's edit and /reload; the folder is a copy), each followed by a third as many
questions. Linux only.

    python benchmarks/bench_process.py [--questions 300] [--reloads 3]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
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
ADMIN = 42


def questions() -> list[tuple[str, str]]:
    cases = yaml.safe_load((ROOT / "benchmarks/data/scope_heldout.yaml").read_text("utf-8"))
    return [(c["q"], c.get("lang", "en")) for c in cases["cases"]]


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def memory_mb(pid: int, field: str = "VmRSS") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def stream(api: FakeBotApi, pool: list[tuple[str, str]], count: int, first: int) -> None:
    """`count` questions from `pool`, one new chat each, five at a time."""
    sent = len(api.sent())
    for n in range(count):
        question, lang = pool[n % len(pool)]
        api.push(updates.text(question, uid=first + n, lang=lang))
        if n % 5 == 4:
            await api.wait_for("sendMessage", sent + n + 1, within=120)
    await api.wait_for("sendMessage", sent + count, within=120)


async def run(semantic: str, count: int, reloads: int) -> dict[str, float]:
    api = FakeBotApi(TOKEN)
    await api.start()
    pool = questions()
    with tempfile.TemporaryDirectory() as folder:
        log = Path(folder) / "bot.log"
        knowledge = Path(folder) / "knowledge"
        shutil.copytree(ROOT / "knowledge", knowledge)
        bot = botprocess.start(api, Path(folder), log, knowledge, BOT_SEMANTIC=semantic,
                               BOT_LOG_LEVEL="WARNING", BOT_ADMIN_IDS=str(ADMIN))  # fmt: skip
        # Warm: the first question after start-up is answered.
        api.push(updates.text("What is IOM?", uid=1))
        await api.wait_for("sendMessage", 1, within=120)
        before = cpu_seconds(bot.pid)
        started = time.perf_counter()
        await stream(api, pool, count, first=100)
        wall = time.perf_counter() - started
        used = cpu_seconds(bot.pid) - before
        result = {"cpu": used * 1000 / count, "rss": memory_mb(bot.pid), "wall": wall}
        result["peak"] = memory_mb(bot.pid, "VmHWM")
        config = knowledge / "config.yaml"
        for reload in range(1, reloads + 1):
            # A maintainer's edit, then /reload from an admin (answered once it is done).
            config.write_text(config.read_text("utf-8") + "\n# edited\n", "utf-8")
            replies = len(api.sent())
            api.push(updates.command("/reload", uid=ADMIN))
            await api.wait_for("sendMessage", replies + 1, within=120)
            await stream(api, pool, count // 3, first=100 + reload * count)
            result[f"reload {reload}"] = memory_mb(bot.pid)
        bot.send_signal(signal.SIGTERM)
        bot.wait()
    await api.stop()
    return result


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=300)
    parser.add_argument("--reloads", type=int, default=3)
    args = parser.parse_args()
    print(
        f"{'semantic signal':<18}{'CPU ms/question':>16}{'RSS MB':>9}{'peak MB':>9}"
        f"{'1 reload MB':>13}{f'{args.reloads} reloads MB':>15}{'wall s':>9}"
    )
    for semantic in ("off", "on"):
        r = await run(semantic, args.questions, max(1, args.reloads))
        print(
            f"{semantic:<18}{r['cpu']:>16.1f}{r['rss']:>9.0f}{r['peak']:>9.0f}"
            f"{r['reload 1']:>13.0f}{r[f'reload {max(1, args.reloads)}']:>15.0f}{r['wall']:>9.1f}"
        )


if __name__ == "__main__":
    asyncio.run(main())
