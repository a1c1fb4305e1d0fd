"""The real `python -m bot run` as a separate process, talking to a `FakeBotApi` of this one.

For what only a process can show: a kill -9 in the middle of work, the log it writes.
"""

from __future__ import annotations

import os
import subprocess
import sys
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
