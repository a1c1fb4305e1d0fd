"""The SQLite state on a real file: created on first run, versioned, minimal, erasable; the
hand-off's tickets keep nothing that identifies a user once they are closed."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from bot.store import SqliteStore, StoreError
from bot.store.sqlite import MIGRATIONS
from bot.store.tickets import CLOSED_KEPT_SECONDS, WRITING_SECONDS

USER, CHAT = 987654321, 987654321  # in a private chat the chat id is the user id


class Clock:
    """A settable clock for the store's times."""

    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


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
        # sqlite_sequence is SQLite's own: it keeps ticket numbers from ever being reused.
        assert tables == {
            "user_language",
            "feedback",
            "ticket",
            "handoff_writing",
            "sqlite_sequence",
            "usage_count",
            "sent_question",
            "handled_update",
        }
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


def test_a_ticket_survives_a_restart_and_closing_erases_who_it_was(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    store = SqliteStore(path)
    store.set_writing(USER, True)
    assert store.handoff_state(USER) == (None, True)
    ticket, created = store.open_ticket(USER, CHAT, "uk")
    assert created
    assert (ticket.number, ticket.state, ticket.lang, ticket.chat_id) == (1, "open", "uk", CHAT)
    store.place_ticket(ticket.number, 77, 5001)
    again, created = store.open_ticket(USER, CHAT, "en")
    assert not created, "one open ticket per user"
    assert again.number == ticket.number
    store.close()

    reopened = SqliteStore(path)
    found, writing = reopened.handoff_state(USER)
    assert not writing, "opening the ticket ended the request"
    assert found is not None
    place = (found.number, found.chat_id, found.topic_id, found.root_message_id)
    assert place == (1, CHAT, 77, 5001)
    assert reopened.ticket_in_topic(77) == found
    assert reopened.handoff_state(123) == (None, False), "nobody else reaches it"
    with sqlite3.connect(path) as db:
        user_key, chat_ref = db.execute("SELECT user_key, chat_ref FROM ticket").fetchone()
    assert len(user_key) == 64
    assert chat_ref != CHAT, "the chat id is sealed with the key file"

    closed = reopened.close_ticket(found.number)
    assert closed is not None
    assert closed.chat_id == CHAT, "returned as it was, so the user can be told"
    assert reopened.close_ticket(found.number) is None
    assert reopened.handoff_state(USER) == (None, False)
    after = reopened.ticket(found.number)
    assert after is not None
    assert (after.state, after.chat_id, after.topic_id) == ("closed", None, 77)
    with sqlite3.connect(path) as db:
        row = db.execute("SELECT user_key, chat_ref FROM ticket").fetchone()
    assert row == (None, None)
    second, created = reopened.open_ticket(USER, CHAT, "en")
    assert created
    assert second.number == 2
    reopened.close()


def test_the_ticket_table_holds_only_the_documented_columns(tmp_path: Path) -> None:
    """The README's list: one keyed hash and one sealed chat id identify a user, and only
    while the ticket is open; the rest is the ticket's own."""
    store = SqliteStore(tmp_path / "bot.sqlite3")
    store.close()
    with sqlite3.connect(tmp_path / "bot.sqlite3") as db:
        ticket = [row[1] for row in db.execute("PRAGMA table_info(ticket)")]
        writing = [row[1] for row in db.execute("PRAGMA table_info(handoff_writing)")]
    assert ticket == [
        "number",
        "user_key",
        "chat_ref",
        "state",
        "lang",
        "opened_at",
        "closed_at",
        "topic_id",
        "root_message_id",
    ]
    assert writing == ["user_key", "since"]


def test_forget_erases_the_open_ticket_and_the_request(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "bot.sqlite3")
    ticket, _ = store.open_ticket(USER, CHAT, "ar")
    store.set_writing(555, True)
    assert store.forget(USER) is True
    assert store.ticket(ticket.number) is None
    assert store.handoff_state(USER) == (None, False)
    assert store.forget(555) is True
    assert store.handoff_state(555) == (None, False)
    assert store.forget(USER) is False
    store.close()


def test_requests_expire_and_closed_tickets_go_after_a_while(tmp_path: Path) -> None:
    clock = Clock()
    store = SqliteStore(tmp_path / "bot.sqlite3", clock=clock)
    store.set_writing(USER, True)
    clock.now += WRITING_SECONDS + 1
    assert store.handoff_state(USER) == (None, False)
    old, _ = store.open_ticket(USER, CHAT, "en")
    store.close_ticket(old.number)
    clock.now += CLOSED_KEPT_SECONDS + 1
    recent, _ = store.open_ticket(USER, CHAT, "en")
    store.close_ticket(recent.number)
    assert store.ticket(old.number) is None
    assert store.ticket(recent.number) is not None
    store.close()


def test_a_version_1_file_is_upgraded_and_keeps_its_data(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    with sqlite3.connect(path) as db:
        db.executescript(MIGRATIONS[0])
        db.execute("INSERT INTO feedback VALUES ('iceland-work', 3, 1)")
        db.execute("PRAGMA user_version=1")
    store = SqliteStore(path)
    assert store.schema_version == len(MIGRATIONS) == 4
    assert store.feedback() == {"iceland-work": (3, 1)}
    assert store.open_ticket(USER, CHAT, "en")[0].number == 1
    store.close()


def _backup(database: Path, target: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "BOT_"))}
    return subprocess.run(
        [sys.executable, "-m", "bot", "backup", str(target)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**env, "BOT_DATABASE_PATH": str(database)},
        timeout=60,
        check=False,
    )


def test_backup_copies_the_state_while_the_bot_runs_and_leaves_the_key_out(
    tmp_path: Path,
) -> None:
    database = tmp_path / "state" / "bot.sqlite3"
    running = SqliteStore(database)  # the bot, still running during the backup
    running.set_language(1001, "ar")
    running.add_feedback("iom-what", 1)
    target = tmp_path / "backups" / "monday.sqlite3"
    target.parent.mkdir()
    result = _backup(database, target, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "is not included" in result.stdout
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert list(target.parent.iterdir()) == [target], "no key file next to the backup"
    copy = sqlite3.connect(target)
    assert copy.execute("SELECT lang FROM user_language").fetchall() == [("ar",)]
    copy.close()
    # Restored next to the original key, the copy serves the same users.
    restored = tmp_path / "restored" / "bot.sqlite3"
    restored.parent.mkdir()
    restored.write_bytes(target.read_bytes())
    (restored.parent / "bot.sqlite3.key").write_bytes(
        (database.parent / "bot.sqlite3.key").read_bytes()
    )
    again = SqliteStore(restored)
    assert again.get_language(1001) == "ar"
    assert again.feedback() == running.feedback()
    again.close()
    running.close()


def test_backup_never_overwrites_and_says_what_is_missing(tmp_path: Path) -> None:
    database = tmp_path / "bot.sqlite3"
    missing = _backup(database, tmp_path / "b.sqlite3", tmp_path)
    assert missing.returncode == 1
    assert f"no database at {database}" in missing.stderr
    SqliteStore(database).close()
    existing = tmp_path / "b.sqlite3"
    existing.write_text("keep me")
    refused = _backup(database, existing, tmp_path)
    assert refused.returncode == 1
    assert "exists: choose a new file" in refused.stderr
    assert existing.read_text() == "keep me"
    assert "Traceback" not in refused.stderr + missing.stderr
