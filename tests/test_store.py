"""The SQLite state on a real file: created on first run, versioned, minimal, erasable; the
hand-off's tickets keep nothing that identifies a user once they are closed."""

from __future__ import annotations

import sqlite3
import stat
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
    assert store.schema_version == len(MIGRATIONS) == 2
    assert store.feedback() == {"iceland-work": (3, 1)}
    assert store.open_ticket(USER, CHAT, "en")[0].number == 1
    store.close()
