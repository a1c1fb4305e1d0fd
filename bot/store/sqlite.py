"""The bot's state in one SQLite file, created on first run, with a versioned schema.

Stored, and nothing else (the privacy notice says the same):
- per user, the language chosen with /language, keyed by a keyed hash (HMAC-SHA256) of the
  Telegram user id, never the id itself; /forget deletes the row;
- per FAQ entry, how many 👍 and 👎 it got, with no trace of who voted.

The HMAC key lives in a separate file next to the database (`<db>.key`, mode 600), so a
leaked database alone does not reveal which Telegram accounts used the bot.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import sqlite3
import threading
from pathlib import Path
from typing import Protocol

# Each step upgrades the schema by one version; the file's `user_version` says where it is.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE user_language (
        user_key TEXT PRIMARY KEY,
        lang TEXT NOT NULL
    );
    CREATE TABLE feedback (
        entry_id TEXT PRIMARY KEY,
        up INTEGER NOT NULL DEFAULT 0,
        down INTEGER NOT NULL DEFAULT 0
    );
    """,
)


class StoreError(Exception):
    """The database cannot be opened or used; the message says which file and why."""


class Store(Protocol):
    def get_language(self, user_id: int) -> str | None: ...

    def set_language(self, user_id: int, lang: str) -> None: ...

    def forget(self, user_id: int) -> bool: ...

    def add_feedback(self, entry_id: str, vote: int) -> None: ...

    def feedback(self) -> dict[str, tuple[int, int]]: ...


class MemoryStore:
    """The same behaviour without a file: for the console chat and tests."""

    def __init__(self) -> None:
        self._languages: dict[int, str] = {}
        self._feedback: dict[str, tuple[int, int]] = {}

    def get_language(self, user_id: int) -> str | None:
        return self._languages.get(user_id)

    def set_language(self, user_id: int, lang: str) -> None:
        self._languages[user_id] = lang

    def forget(self, user_id: int) -> bool:
        return self._languages.pop(user_id, None) is not None

    def add_feedback(self, entry_id: str, vote: int) -> None:
        up, down = self._feedback.get(entry_id, (0, 0))
        self._feedback[entry_id] = (up + (vote > 0), down + (vote < 0))

    def feedback(self) -> dict[str, tuple[int, int]]:
        return dict(self._feedback)


class SqliteStore:
    """`Store` on a SQLite file. Safe to share between threads."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._key = _load_key(path.with_name(path.name + ".key"))
            self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA busy_timeout=5000")
            self._lock = threading.Lock()
            self._migrate()
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"cannot open the database {path}: {exc}") from exc

    @property
    def schema_version(self) -> int:
        row = self._db.execute("PRAGMA user_version").fetchone()
        return int(row[0])

    def _migrate(self) -> None:
        version = self.schema_version
        if version > len(MIGRATIONS):
            raise StoreError(
                f"{self.path} has schema version {version}, newer than this bot "
                f"({len(MIGRATIONS)}); upgrade the bot or use another BOT_DATABASE_PATH"
            )
        for number in range(version, len(MIGRATIONS)):
            with self._lock:
                self._db.execute("BEGIN")
                try:
                    for statement in _statements(MIGRATIONS[number]):
                        self._db.execute(statement)
                    self._db.execute(f"PRAGMA user_version={number + 1}")
                    self._db.execute("COMMIT")
                except sqlite3.Error:
                    self._db.execute("ROLLBACK")
                    raise

    def _user_key(self, user_id: int) -> str:
        return hmac.new(self._key, str(user_id).encode(), hashlib.sha256).hexdigest()

    def get_language(self, user_id: int) -> str | None:
        with self._lock:
            row = self._db.execute(
                "SELECT lang FROM user_language WHERE user_key = ?", (self._user_key(user_id),)
            ).fetchone()
        return str(row[0]) if row else None

    def set_language(self, user_id: int, lang: str) -> None:
        with self._lock:
            self._db.execute(
                "INSERT INTO user_language (user_key, lang) VALUES (?, ?) "
                "ON CONFLICT(user_key) DO UPDATE SET lang = excluded.lang",
                (self._user_key(user_id), lang),
            )

    def forget(self, user_id: int) -> bool:
        with self._lock:
            cursor = self._db.execute(
                "DELETE FROM user_language WHERE user_key = ?", (self._user_key(user_id),)
            )
        return cursor.rowcount > 0

    def add_feedback(self, entry_id: str, vote: int) -> None:
        up, down = (1, 0) if vote > 0 else (0, 1)
        with self._lock:
            self._db.execute(
                "INSERT INTO feedback (entry_id, up, down) VALUES (?, ?, ?) "
                "ON CONFLICT(entry_id) DO UPDATE SET up = up + excluded.up, "
                "down = down + excluded.down",
                (entry_id, up, down),
            )

    def feedback(self) -> dict[str, tuple[int, int]]:
        with self._lock:
            rows = self._db.execute("SELECT entry_id, up, down FROM feedback").fetchall()
        return {str(e): (int(u), int(d)) for e, u, d in rows}

    def close(self) -> None:
        with self._lock:
            self._db.close()


def _statements(script: str) -> list[str]:
    return [part.strip() for part in script.split(";") if part.strip()]


def _load_key(path: Path) -> bytes:
    """The HMAC key, created with mode 600 on first use."""
    if path.exists():
        key = path.read_bytes()
        if len(key) >= 32:
            return key
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    key = secrets.token_bytes(32)
    with os.fdopen(fd, "wb") as handle:
        handle.write(key)
    return key
