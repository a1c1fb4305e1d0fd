"""Shared fixtures: the shipped knowledge base, the small test one, copies to break, and a
running bot.

Tests of code (dialog, channels, validator, reload) run on `tests/fixtures/knowledge`, so
rewording the shipped `knowledge/` turns only content tests red; content, matching and
evaluation tests run on `knowledge/`.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from telegram import Update
from telegram.ext import Application

from bot.channels.telegram.app import build_application, handoff_options
from bot.channels.telegram.ratelimit import PatientRateLimiter
from bot.config import Settings
from bot.dialog import DialogOptions
from bot.dialog.texts import TextKey
from bot.kb import KnowledgeBase, load_knowledge
from bot.live import LiveKnowledge, Served
from bot.matching import Matcher
from bot.store import BotStore
from tests.fakebotapi import FakeBotApi

# The throw-away PostgreSQL server's fixtures (postgres_url, fresh_postgres).
pytest_plugins = ["tests.postgres"]

ROOT = Path(__file__).resolve().parents[1]
KNOWLEDGE = ROOT / "knowledge"
FIXTURE = ROOT / "tests" / "fixtures" / "knowledge"
# sources.md, eval/ and benchmarks/ live next to the project; a user's clone has no such folder.
SHARED = Path(os.environ.get("BOT_SHARED_DIR") or ROOT.parent / "shared")
TOKEN = "123456789:" + "AAH" + "x" * 32


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return load_knowledge(KNOWLEDGE)


@pytest.fixture(scope="session")
def matcher(kb: KnowledgeBase) -> Matcher:
    return Matcher(kb)


def needs_shared(relative: str) -> pytest.MarkDecorator:
    """Skip the test, saying why, when the shared folder lacks `relative`."""
    path = SHARED / relative
    return pytest.mark.skipif(
        not path.exists(),
        reason=f"needs {path}: the project's shared folder, which a plain clone lacks "
        "(set BOT_SHARED_DIR to its path)",
    )


@pytest.fixture(scope="session")
def served() -> Served:
    """The fixture knowledge with its matcher and dialog, built once: all of it is immutable."""
    return Served.build(load_knowledge(FIXTURE))


@pytest.fixture
def fixture_copy(tmp_path: Path) -> Path:
    """A private copy of the fixture knowledge folder that a test may edit or break."""
    target = tmp_path / "knowledge"
    shutil.copytree(FIXTURE, target)
    return target


@pytest.fixture
def knowledge_copy(tmp_path: Path) -> Path:
    """A private copy of the shipped knowledge folder that a test may break (for the rules
    that only the real content exercises: contacts, cues, every language)."""
    target = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, target)
    return target


def settings_for(api: FakeBotApi, tmp_path: Path, **extra: object) -> Settings:
    values: dict[str, object] = {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": api.base_url,
        "BOT_DATABASE_PATH": str(tmp_path / "state" / "bot.sqlite3"),
        "BOT_RELOAD_SECONDS": 0,
        **extra,
    }
    # model_validate reads neither the environment nor .env: tests see only these values.
    return Settings.model_validate(values)


@pytest.fixture
async def fake_api() -> AsyncIterator[FakeBotApi]:
    api = FakeBotApi(TOKEN)
    await api.start()
    yield api
    await api.stop()


def says(kb: KnowledgeBase, lang: str, key: TextKey, **values: str) -> str:
    """The interface text `key` of `lang` as its locale file writes it (placeholders filled)."""
    template = kb.locale(lang).strings[key]
    return template.format(**values) if values else template


@dataclass
class RunningBot:
    app: Application  # type: ignore[type-arg]
    api: FakeBotApi
    store: BotStore
    live: LiveKnowledge

    @property
    def kb(self) -> KnowledgeBase:
        return self.live.current.kb


async def start_bot(api: FakeBotApi, tmp_path: Path, served: Served, **extra: object) -> RunningBot:
    """Start the real Application as `run_polling` does: initialize, post_init, start, poll."""
    settings = settings_for(api, tmp_path, **extra)
    options = DialogOptions(handoff=handoff_options(settings))
    live = LiveKnowledge(served.kb.root, served=served, options=options)
    # SQLite at BOT_DATABASE_PATH, or PostgreSQL when the test sets BOT_DATABASE_URL.
    store = settings.open_store()
    app = build_application(settings, live, store, PatientRateLimiter(first_delay=0.05))
    await app.initialize()
    if app.post_init is not None:
        await app.post_init(app)
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0.0, timeout=1, allowed_updates=Update.ALL_TYPES)
    return RunningBot(app, api, store, live)


async def stop_bot(bot: RunningBot) -> None:
    assert bot.app.updater is not None
    await bot.app.updater.stop()
    await bot.app.stop()
    await bot.app.shutdown()
    bot.store.close()


@pytest.fixture
async def running_bot(
    fake_api: FakeBotApi, tmp_path: Path, served: Served
) -> AsyncIterator[RunningBot]:
    """The bot on the fixture knowledge, polling the fake Bot API; user 999 is an admin."""
    bot = await start_bot(fake_api, tmp_path, served, BOT_ADMIN_IDS="999")
    yield bot
    await stop_bot(bot)
