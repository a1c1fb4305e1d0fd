"""The SQLite state on a real file: created on first run, versioned, minimal, erasable."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

import pytest

from bot.store import SqliteStore, StoreError
from bot.store.sqlite import MIGRATIONS


def test_language_survives_a_restart_and_can_be_erased(tmp_path: Path) -> None:
    path = tmp_path / "data" / "bot.sqlite3"
    store = SqliteStore(path)
    store.set_language(123456789, "uk")
    store.set_language(123456789, "ar")
    store.close()
    reopened = SqliteStore(path)
    assert reopened.get_language(123456789) == "ar"
    assert reopened.forget(123456789) is True
    assert reopened.get_language(123456789) is None
    assert reopened.forget(123456789) is False
    reopened.close()


def test_the_file_holds_no_user_id(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    store = SqliteStore(path)
    store.set_language(987654321, "fi")
    store.add_feedback("iceland-work", 1)
    store.add_feedback("iceland-work", -1)
    store.add_feedback("iceland-work", 1)
    store.close()
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir())
    assert b"987654321" not in raw
    with sqlite3.connect(path) as db:
        keys = [row[0] for row in db.execute("SELECT user_key FROM user_language")]
        assert len(keys) == 1
        assert len(keys[0]) == 64
        assert db.execute("SELECT * FROM feedback").fetchall() == [("iceland-work", 2, 1)]
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert tables == {"user_language", "feedback"}
    key_file = path.with_name("bot.sqlite3.key")
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_schema_is_versioned_and_a_newer_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    store = SqliteStore(path)
    assert store.schema_version == len(MIGRATIONS)
    store.close()
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version={len(MIGRATIONS) + 1}")
    with pytest.raises(StoreError, match="newer than this bot"):
        SqliteStore(path)


def test_an_unusable_path_gives_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(StoreError, match="cannot open the database"):
        SqliteStore(blocker / "bot.sqlite3")
