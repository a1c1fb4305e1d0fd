"""The real `python -m bot run` as a separate process, talking to a `FakeBotApi` of this one.

For what only a process can show: a kill -9 in the middle of work, the log it writes.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from tests.fakebotapi import FakeBotApi

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "knowledge"


def start(
    api: FakeBotApi, folder: Path, log: Path, knowledge: Path = FIXTURE, **env: str
) -> subprocess.Popen[bytes]:
    """Start the bot on `knowledge` with its state in `folder`, its log in `log`."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "BOT_"))}
    settings = {
        "TELEGRAM_BOT_TOKEN": api.token,
        "TELEGRAM_API_BASE_URL": api.base_url,
        "BOT_DATABASE_PATH": str(folder / "bot.sqlite3"),
        "BOT_KNOWLEDGE_DIR": str(knowledge),
        "BOT_SEMANTIC": "off",
        "BOT_RELOAD_SECONDS": "0",
        "BOT_LOG_LEVEL": "DEBUG",
        **env,
    }
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "bot", "run"],
            cwd=folder,
            env={**clean, "PYTHONPATH": str(ROOT), **settings},
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


async def answered(api: FakeBotApi, users: list[int], within: float) -> Counter[int]:
    """Wait until every user got a reply (or time runs out); replies per user."""
    deadline = time.monotonic() + within
    while True:
        replies = Counter(int(p["chat_id"]) for p in api.sent() if int(p["chat_id"]) in users)
        if all(replies[u] for u in users) or time.monotonic() > deadline:
            return replies
        await asyncio.sleep(0.05)
