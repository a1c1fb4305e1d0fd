"""The bot's state in one SQLite file, created on first run, with a versioned schema.

Stored, and nothing else (the privacy notice says the same):
- per user, the language chosen with /language, keyed by a keyed hash (HMAC-SHA256) of the
  Telegram user id, never the id itself; /forget deletes the row;
- per FAQ entry, how many 👍 and 👎 it got, with no trace of who voted;
- with the hand-off to a person on, each ticket (number, state, language, times, where it is
  in the staff group) and, only while it is open, the user's keyed hash and their chat id
  sealed with the key (see `tickets`); a user who pressed "Talk to a person" is remembered by
  the keyed hash for an hour. /forget erases the user's ticket;
- the ids of the Telegram updates handled in the last day (numbers Telegram gives each
  update, not users), so that a restart answers nothing twice;
- counts per day, language, status and entry, and the questions users chose to send to the
  team, scrubbed, without any user id, for `retention_days` (see `usage`). No other message
  text, ever.

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
import time
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from bot.store.tickets import (
    CLOSED_KEPT_SECONDS,
    WRITING_SECONDS,
    Ticket,
    TicketStore,
    seal_chat,
    unseal_chat,
)
from bot.store.usage import (
    DEFAULT_RETENTION_DAYS,
    Count,
    SentQuestion,
    days_before,
    today,
)

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
_TICKET_COLUMNS = (
    "number, state, lang, opened_at, closed_at, user_key, chat_ref, topic_id, root_message_id"
)


class StoreError(Exception):
    """The database cannot be opened or used; the message says which file and why."""


class Store(Protocol):
    def get_language(self, user_id: int) -> str | None: ...

    def set_language(self, user_id: int, lang: str) -> None: ...

    def forget(self, user_id: int) -> bool: ...

    def add_feedback(self, entry_id: str, vote: int) -> None: ...

    def feedback(self) -> dict[str, tuple[int, int]]: ...

    def count(self, lang: str, status: str, entry: str = "") -> None:
        """One more of `status` today in `lang` (for `entry`)."""
        ...

    def counts(self, since: str, until: str) -> list[Count]:
        """The counts of the days from `since` to `until` (ISO dates, both included)."""
        ...

    def add_sent_question(self, lang: str, text: str, nearest: tuple[str, ...]) -> None:
        """Keep a question the user chose to send (`text` already scrubbed), dated today."""
        ...

    def sent_questions(self, since: str, until: str) -> list[SentQuestion]: ...

    def purge(self) -> int:
        """Delete the sent questions older than the retention period; how many went."""
        ...


class BotStore(Store, TicketStore, Protocol):
    """What the Telegram channel needs: the user state, for the hand-off tickets, and the
    updates already handled (at-least-once delivery)."""

    def mark_handled(self, update_id: int) -> None: ...

    def handled_since(self, seconds: float) -> set[int]: ...

    def reachable(self) -> bool:
        """The database answers (the health check)."""
        ...


class MemoryStore:
    """The same behaviour without a file: for the console chat and tests."""

    def __init__(
        self,
        clock: Callable[[], float] = time.time,
        retention_days: int = DEFAULT_RETENTION_DAYS,
    ) -> None:
        self.clock = clock
        self.retention_days = retention_days
        self._languages: dict[int, str] = {}
        self._feedback: dict[str, tuple[int, int]] = {}
        self._counts: dict[tuple[str, str, str, str], int] = {}
        self._sent: list[SentQuestion] = []

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

    def count(self, lang: str, status: str, entry: str = "") -> None:
        key = (today(self.clock()), lang, status, entry)
        self._counts[key] = self._counts.get(key, 0) + 1

    def counts(self, since: str, until: str) -> list[Count]:
        return [Count(*key, n) for key, n in sorted(self._counts.items())
                if since <= key[0] <= until]  # fmt: skip

    def add_sent_question(self, lang: str, text: str, nearest: tuple[str, ...]) -> None:
        self.purge()
        self._sent.append(SentQuestion(today(self.clock()), lang, text, nearest))

    def sent_questions(self, since: str, until: str) -> list[SentQuestion]:
        return [q for q in self._sent if since <= q.day <= until]

    def purge(self) -> int:
        oldest = days_before(today(self.clock()), self.retention_days)
        kept = [q for q in self._sent if q.day >= oldest]
        gone = len(self._sent) - len(kept)
        self._sent = kept
        return gone


class SqliteStore:
    """`Store` and `TicketStore` on a SQLite file. Safe to share between threads."""

    def __init__(
        self,
        path: Path,
        clock: Callable[[], float] = time.time,
        retention_days: int = DEFAULT_RETENTION_DAYS,
    ) -> None:
        self.path = path
        self.clock = clock
        self.retention_days = retention_days
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._key = _load_key(path.with_name(path.name + ".key"))
            self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA busy_timeout=5000")
            self._lock = threading.Lock()
            self._migrate()
            self.purge()
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
        """Erase the language choice, the open ticket and the request to talk to a person."""
        key = self._user_key(user_id)
        erased = 0
        with self._lock:
            for table in ("user_language", "ticket", "handoff_writing"):
                cursor = self._db.execute(f"DELETE FROM {table} WHERE user_key = ?", (key,))
                erased += cursor.rowcount
        return erased > 0

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

    # ---- what use teaches (counts and sent questions, see `usage`) -------------------------

    def count(self, lang: str, status: str, entry: str = "") -> None:
        with self._lock:
            self._db.execute(
                "INSERT INTO usage_count (day, lang, status, entry_id, n) VALUES (?, ?, ?, ?, 1) "
                "ON CONFLICT(day, lang, status, entry_id) DO UPDATE SET n = n + 1",
                (today(self.clock()), lang, status, entry),
            )

    def counts(self, since: str, until: str) -> list[Count]:
        with self._lock:
            rows = self._db.execute(
                "SELECT day, lang, status, entry_id, n FROM usage_count "
                "WHERE day BETWEEN ? AND ? ORDER BY day, lang, status, entry_id",
                (since, until),
            ).fetchall()
        return [Count(str(d), str(lang), str(s), str(e), int(n)) for d, lang, s, e, n in rows]

    def add_sent_question(self, lang: str, text: str, nearest: tuple[str, ...]) -> None:
        day = today(self.clock())
        with self._lock:
            self._db.execute(
                "INSERT INTO sent_question (day, lang, text, nearest) VALUES (?, ?, ?, ?)",
                (day, lang, text, " ".join(nearest)),
            )
            self._db.execute(
                "DELETE FROM sent_question WHERE day < ?",
                (days_before(day, self.retention_days),),
            )

    def sent_questions(self, since: str, until: str) -> list[SentQuestion]:
        with self._lock:
            rows = self._db.execute(
                "SELECT day, lang, text, nearest FROM sent_question "
                "WHERE day BETWEEN ? AND ? ORDER BY number",
                (since, until),
            ).fetchall()
        return [
            SentQuestion(str(d), str(lang), str(t), tuple(str(n).split())) for d, lang, t, n in rows
        ]

    def purge(self) -> int:
        oldest = days_before(today(self.clock()), self.retention_days)
        with self._lock:
            cursor = self._db.execute("DELETE FROM sent_question WHERE day < ?", (oldest,))
        return cursor.rowcount

    def reachable(self) -> bool:
        try:
            with self._lock:
                self._db.execute("SELECT 1").fetchone()
        except sqlite3.Error:
            return False
        return True

    # ---- updates already handled (bot/channels/telegram/delivery.py) -----------------------

    def mark_handled(self, update_id: int) -> None:
        now = self._now()
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO handled_update (update_id, at) VALUES (?, ?)",
                (update_id, now),
            )
            if update_id % 1000 == 0:
                # Telegram keeps an update a day at most: older ids are never seen again.
                self._db.execute("DELETE FROM handled_update WHERE at < ?", (now - 86400,))

    def handled_since(self, seconds: float) -> set[int]:
        with self._lock:
            rows = self._db.execute(
                "SELECT update_id FROM handled_update WHERE at >= ?", (self._now() - seconds,)
            ).fetchall()
        return {int(row[0]) for row in rows}

    # ---- tickets (TicketStore) ------------------------------------------------------------

    def handoff_state(self, user_id: int) -> tuple[Ticket | None, bool]:
        key = self._user_key(user_id)
        with self._lock:
            row = self._db.execute(
                f"SELECT {_TICKET_COLUMNS} FROM ticket WHERE user_key = ?", (key,)
            ).fetchone()
            since = self._db.execute(
                "SELECT since FROM handoff_writing WHERE user_key = ?", (key,)
            ).fetchone()
        writing = since is not None and self._now() - int(since[0]) < WRITING_SECONDS
        return (self._ticket(row) if row else None), writing

    def set_writing(self, user_id: int, writing: bool) -> None:
        key = self._user_key(user_id)
        now = self._now()
        with self._lock:
            # Requests nobody followed up are dropped whenever another one comes or goes.
            self._db.execute(
                "DELETE FROM handoff_writing WHERE user_key = ? OR since < ?",
                (key, now - WRITING_SECONDS),
            )
            if writing:
                self._db.execute(
                    "INSERT INTO handoff_writing (user_key, since) VALUES (?, ?)", (key, now)
                )

    def open_ticket(self, user_id: int, chat_id: int, lang: str) -> tuple[Ticket, bool]:
        key = self._user_key(user_id)
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.execute("DELETE FROM handoff_writing WHERE user_key = ?", (key,))
                row = self._db.execute(
                    f"SELECT {_TICKET_COLUMNS} FROM ticket WHERE user_key = ?", (key,)
                ).fetchone()
                created = row is None
                if created:
                    cursor = self._db.execute(
                        "INSERT INTO ticket (user_key, chat_ref, state, lang, opened_at) "
                        "VALUES (?, ?, 'open', ?, ?)",
                        (key, seal_chat(self._key, key, chat_id), lang, self._now()),
                    )
                    row = self._db.execute(
                        f"SELECT {_TICKET_COLUMNS} FROM ticket WHERE number = ?",
                        (cursor.lastrowid,),
                    ).fetchone()
                self._db.execute("COMMIT")
            except sqlite3.Error:
                self._db.execute("ROLLBACK")
                raise
        return self._ticket(row), created

    def place_ticket(self, number: int, topic_id: int | None, root_message_id: int) -> None:
        with self._lock:
            self._db.execute(
                "UPDATE ticket SET topic_id = ?, root_message_id = ? WHERE number = ?",
                (topic_id, root_message_id, number),
            )

    def ticket(self, number: int) -> Ticket | None:
        with self._lock:
            row = self._db.execute(
                f"SELECT {_TICKET_COLUMNS} FROM ticket WHERE number = ?", (number,)
            ).fetchone()
        return self._ticket(row) if row else None

    def ticket_in_topic(self, topic_id: int) -> Ticket | None:
        with self._lock:
            row = self._db.execute(
                f"SELECT {_TICKET_COLUMNS} FROM ticket WHERE topic_id = ? "
                "ORDER BY number DESC LIMIT 1",
                (topic_id,),
            ).fetchone()
        return self._ticket(row) if row else None

    def close_ticket(self, number: int) -> Ticket | None:
        now = self._now()
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                row = self._db.execute(
                    f"SELECT {_TICKET_COLUMNS} FROM ticket WHERE number = ? AND state = 'open'",
                    (number,),
                ).fetchone()
                if row is not None:
                    self._db.execute(
                        "UPDATE ticket SET state = 'closed', closed_at = ?, user_key = NULL, "
                        "chat_ref = NULL WHERE number = ?",
                        (now, number),
                    )
                self._db.execute(
                    "DELETE FROM ticket WHERE state = 'closed' AND closed_at < ?",
                    (now - CLOSED_KEPT_SECONDS,),
                )
                self._db.execute("COMMIT")
            except sqlite3.Error:
                self._db.execute("ROLLBACK")
                raise
        return self._ticket(row) if row else None

    def drop_ticket(self, number: int) -> None:
        with self._lock:
            self._db.execute("DELETE FROM ticket WHERE number = ?", (number,))

    def _ticket(self, row: tuple[object, ...]) -> Ticket:
        number, state, lang, opened, closed, user_key, chat_ref, topic, root = row
        chat_id = None
        if isinstance(user_key, str) and isinstance(chat_ref, int):
            chat_id = unseal_chat(self._key, user_key, chat_ref)
        return Ticket(
            number=int(str(number)),
            state="open" if state == "open" else "closed",
            lang=str(lang),
            opened_at=int(str(opened)),
            closed_at=int(str(closed)) if closed is not None else None,
            chat_id=chat_id,
            topic_id=int(str(topic)) if topic is not None else None,
            root_message_id=int(str(root)) if root is not None else None,
        )

    def _now(self) -> int:
        return int(self.clock())

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
            with self._lock:
                self._db.backup(copy)
        except sqlite3.Error as exc:
            copy.close()
            target.unlink(missing_ok=True)
            raise StoreError(f"the backup failed: {exc}") from exc
        copy.close()

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
