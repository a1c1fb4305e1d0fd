"""The bot's state in one SQLite file, created on first run, with a versioned schema: the
embedded default, for one instance (`sql` says what is stored).

The HMAC key lives in a separate file next to the database (`<db>.key`, mode 600), or comes
from `BOT_USER_KEY`, so a leaked database alone does not reveal which Telegram accounts used
the bot.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from bot.store.base import StoreError
from bot.store.sql import SqlStore, statements
from bot.store.usage import DEFAULT_RETENTION_DAYS

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
    # 2: the hand-off to a person. user_key and chat_ref are NULL once a ticket is closed.
    """
    CREATE TABLE ticket (
        number INTEGER PRIMARY KEY AUTOINCREMENT,
        user_key TEXT UNIQUE,
        chat_ref INTEGER,
        state TEXT NOT NULL CHECK (state IN ('open', 'closed')),
        lang TEXT NOT NULL,
        opened_at INTEGER NOT NULL,
        closed_at INTEGER,
        topic_id INTEGER,
        root_message_id INTEGER
    );
    CREATE INDEX ticket_topic ON ticket (topic_id);
    CREATE TABLE handoff_writing (
        user_key TEXT PRIMARY KEY,
        since INTEGER NOT NULL
    );
    """,
    # 3: what maintainers learn from use: counts, and the questions users chose to send.
    """
    CREATE TABLE usage_count (
        day TEXT NOT NULL,
        lang TEXT NOT NULL,
        status TEXT NOT NULL,
        entry_id TEXT NOT NULL DEFAULT '',
        n INTEGER NOT NULL,
        PRIMARY KEY (day, lang, status, entry_id)
    );
    CREATE TABLE sent_question (
        number INTEGER PRIMARY KEY,
        day TEXT NOT NULL,
        lang TEXT NOT NULL,
        text TEXT NOT NULL,
        nearest TEXT NOT NULL
    );
    CREATE INDEX sent_question_day ON sent_question (day);
    """,
    # 4: the ids of the Telegram updates already handled, for a day (see delivery.py).
    """
    CREATE TABLE handled_update (
        update_id INTEGER PRIMARY KEY,
        at INTEGER NOT NULL
    );
    CREATE INDEX handled_update_at ON handled_update (at);
    """,
)


class SqliteDatabase:
    """`Database` on one SQLite connection, shared between threads under a lock."""

    def __init__(self, path: Path) -> None:
        self.connection = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.connection.execute("PRAGMA journal_mode=WAL")
        self.connection.execute("PRAGMA busy_timeout=5000")
        self.lock = threading.RLock()

    def query(self, sql: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        with self.lock:
            return self.connection.execute(sql, params).fetchall()

    def execute(self, sql: str, params: Sequence[object] = ()) -> int:
        with self.lock:
            return self.connection.execute(sql, params).rowcount

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        with self.lock:
            self.connection.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                self.connection.execute("ROLLBACK")
                raise
            self.connection.execute("COMMIT")


class SqliteStore(SqlStore):
    """`BotStore` on a SQLite file. Safe to share between threads."""

    def __init__(
        self,
        path: Path,
        clock: Callable[[], float] = time.time,
        retention_days: int = DEFAULT_RETENTION_DAYS,
        key: bytes | None = None,
    ) -> None:
        """`key`: the user key from BOT_USER_KEY; without it, `<path>.key` (made if missing)."""
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            key = key or _load_key(path.with_name(path.name + ".key"))
            self._sqlite = SqliteDatabase(path)
            super().__init__(self._sqlite, key, clock, retention_days)
            self._migrate()
            self.purge()
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"cannot open the database {path}: {exc}") from exc

    @property
    def schema_version(self) -> int:
        return int(self.db.query("PRAGMA user_version")[0][0])

    def _migrate(self) -> None:
        version = self.schema_version
        if version > len(MIGRATIONS):
            raise StoreError(
                f"{self.path} has schema version {version}, newer than this bot "
                f"({len(MIGRATIONS)}); upgrade the bot or use another BOT_DATABASE_PATH"
            )
        for number in range(version, len(MIGRATIONS)):
            with self.db.transaction():
                for statement in statements(MIGRATIONS[number]):
                    self.db.execute(statement)
                self.db.execute(f"PRAGMA user_version={number + 1}")

    def backup(self, target: Path) -> None:
        """Copy the database to `target` (a new file, mode 600) while the bot may be running.

        SQLite's online backup copies a consistent snapshot. The key file is deliberately left
        out: kept apart, a stolen backup does not reveal who used the bot.
        """
        try:
            descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            raise StoreError(f"{target} exists: choose a new file for the backup") from None
        except OSError as exc:
            raise StoreError(f"cannot write the backup {target}: {exc.strerror}") from None
        os.close(descriptor)
        copy = sqlite3.connect(target)
        try:
            with self._sqlite.lock:
                self._sqlite.connection.backup(copy)
        except sqlite3.Error as exc:
            copy.close()
            target.unlink(missing_ok=True)
            raise StoreError(f"the backup failed: {exc}") from exc
        copy.close()

    def close(self) -> None:
        with self._sqlite.lock:
            self._sqlite.connection.close()


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
