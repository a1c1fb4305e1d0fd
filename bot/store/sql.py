"""The store's logic in SQL that SQLite and PostgreSQL both speak, over a small `Database`.

Stored, and nothing else (the privacy notice says the same):
- per user, the language chosen with /language, keyed by a keyed hash (HMAC-SHA256) of the
  Telegram user id, never the id itself; /forget deletes the row;
- per FAQ entry, how many 👍 and 👎 it got, with no trace of who voted;
- with the hand-off to a person on, each ticket (number, state, language, times, where it is
  in the staff group) and, only while it is open, the user's keyed hash and their chat id
  sealed with the key (see `tickets`); a user who pressed "Talk to a person" is remembered by
  the keyed hash for an hour. /forget erases the user's ticket;
- the ids of the Telegram updates handled in the last day (numbers Telegram gives each update,
  not users), so that a restart answers nothing twice;
- counts per day, language, status and entry, and the questions users chose to send to the
  team, scrubbed, without any user id, for `retention_days` (see `usage`). No other message
  text, ever.

The key never lives in the database: a leaked database alone does not reveal which Telegram
accounts used the bot. Statements use `?` placeholders; each `Database` adapts them.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Protocol

from bot.store.tickets import (
    CLOSED_KEPT_SECONDS,
    WRITING_SECONDS,
    Ticket,
    seal_chat,
    unseal_chat,
)
from bot.store.usage import Count, SentQuestion, days_before, today

TICKET_COLUMNS = (
    "number, state, lang, opened_at, closed_at, user_key, chat_ref, topic_id, root_message_id"
)
# Handled update ids are pruned every this many (Telegram keeps an update a day at most).
_PRUNE_EVERY = 1000


class Database(Protocol):
    """One connection, safe to share between threads (each call holds it alone)."""

    def query(self, sql: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]: ...

    def execute(self, sql: str, params: Sequence[object] = ()) -> int:
        """Run a statement; how many rows it changed."""
        ...

    def transaction(self) -> contextlib.AbstractContextManager[None]:
        """The statements inside run as one, holding the connection throughout."""
        ...


class SqlStore:
    """`BotStore` on a `Database`; subclasses open it and keep its schema up to date."""

    def __init__(self, db: Database, key: bytes, clock: Callable[[], float], retention_days: int):
        self.db = db
        self._key = key
        self.clock = clock
        self.retention_days = retention_days

    def _now(self) -> int:
        return int(self.clock())

    def _user_key(self, user_id: int) -> str:
        return hmac.new(self._key, str(user_id).encode(), hashlib.sha256).hexdigest()

    # ---- the user's language, votes ------------------------------------------------------

    def get_language(self, user_id: int) -> str | None:
        rows = self.db.query(
            "SELECT lang FROM user_language WHERE user_key = ?", (self._user_key(user_id),)
        )
        return str(rows[0][0]) if rows else None

    def set_language(self, user_id: int, lang: str) -> None:
        self.db.execute(
            "INSERT INTO user_language (user_key, lang) VALUES (?, ?) "
            "ON CONFLICT (user_key) DO UPDATE SET lang = excluded.lang",
            (self._user_key(user_id), lang),
        )

    def forget(self, user_id: int) -> bool:
        """Erase the language choice, the open ticket and the request to talk to a person."""
        key = self._user_key(user_id)
        erased = 0
        with self.db.transaction():
            for table in ("user_language", "ticket", "handoff_writing"):
                erased += self.db.execute(f"DELETE FROM {table} WHERE user_key = ?", (key,))
        return erased > 0

    def add_feedback(self, entry_id: str, vote: int) -> None:
        up, down = (1, 0) if vote > 0 else (0, 1)
        self.db.execute(
            "INSERT INTO feedback (entry_id, up, down) VALUES (?, ?, ?) "
            "ON CONFLICT (entry_id) DO UPDATE SET up = feedback.up + excluded.up, "
            "down = feedback.down + excluded.down",
            (entry_id, up, down),
        )

    def feedback(self) -> dict[str, tuple[int, int]]:
        rows = self.db.query("SELECT entry_id, up, down FROM feedback")
        return {str(e): (int(u), int(d)) for e, u, d in rows}

    # ---- what use teaches (counts and sent questions, see `usage`) -------------------------

    def count(self, lang: str, status: str, entry: str = "") -> None:
        self.db.execute(
            "INSERT INTO usage_count (day, lang, status, entry_id, n) VALUES (?, ?, ?, ?, 1) "
            "ON CONFLICT (day, lang, status, entry_id) DO UPDATE SET n = usage_count.n + 1",
            (today(self.clock()), lang, status, entry),
        )

    def counts(self, since: str, until: str) -> list[Count]:
        rows = self.db.query(
            "SELECT day, lang, status, entry_id, n FROM usage_count "
            "WHERE day BETWEEN ? AND ? ORDER BY day, lang, status, entry_id",
            (since, until),
        )
        return [Count(str(d), str(lang), str(s), str(e), int(n)) for d, lang, s, e, n in rows]

    def add_sent_question(self, lang: str, text: str, nearest: tuple[str, ...]) -> None:
        day = today(self.clock())
        with self.db.transaction():
            self.db.execute(
                "INSERT INTO sent_question (day, lang, text, nearest) VALUES (?, ?, ?, ?)",
                (day, lang, text, " ".join(nearest)),
            )
            self.db.execute(
                "DELETE FROM sent_question WHERE day < ?",
                (days_before(day, self.retention_days),),
            )

    def sent_questions(self, since: str, until: str) -> list[SentQuestion]:
        rows = self.db.query(
            "SELECT day, lang, text, nearest FROM sent_question "
            "WHERE day BETWEEN ? AND ? ORDER BY number",
            (since, until),
        )
        return [
            SentQuestion(str(d), str(lang), str(t), tuple(str(n).split())) for d, lang, t, n in rows
        ]

    def purge(self) -> int:
        oldest = days_before(today(self.clock()), self.retention_days)
        return self.db.execute("DELETE FROM sent_question WHERE day < ?", (oldest,))

    # ---- health, and the updates already handled (bot/channels/telegram/delivery.py) -------

    def reachable(self) -> bool:
        try:
            self.db.query("SELECT 1")
        except Exception:  # any driver error means: not reachable
            return False
        return True

    def mark_handled(self, update_id: int) -> None:
        now = self._now()
        self.db.execute(
            "INSERT INTO handled_update (update_id, at) VALUES (?, ?) "
            "ON CONFLICT (update_id) DO UPDATE SET at = excluded.at",
            (update_id, now),
        )
        if update_id % _PRUNE_EVERY == 0:
            self.db.execute("DELETE FROM handled_update WHERE at < ?", (now - 86400,))

    def was_handled(self, update_id: int) -> bool:
        return bool(self.db.query("SELECT 1 FROM handled_update WHERE update_id = ?", (update_id,)))

    def handled_since(self, seconds: float) -> set[int]:
        rows = self.db.query(
            "SELECT update_id FROM handled_update WHERE at >= ?", (self._now() - int(seconds),)
        )
        return {int(row[0]) for row in rows}

    # ---- tickets (TicketStore) ------------------------------------------------------------

    def handoff_state(self, user_id: int) -> tuple[Ticket | None, bool]:
        key = self._user_key(user_id)
        rows = self.db.query(f"SELECT {TICKET_COLUMNS} FROM ticket WHERE user_key = ?", (key,))
        since = self.db.query("SELECT since FROM handoff_writing WHERE user_key = ?", (key,))
        writing = bool(since) and self._now() - int(since[0][0]) < WRITING_SECONDS
        return (self._ticket(rows[0]) if rows else None), writing

    def set_writing(self, user_id: int, writing: bool) -> None:
        key = self._user_key(user_id)
        now = self._now()
        with self.db.transaction():
            # Requests nobody followed up are dropped whenever another one comes or goes.
            self.db.execute(
                "DELETE FROM handoff_writing WHERE user_key = ? OR since < ?",
                (key, now - WRITING_SECONDS),
            )
            if writing:
                self.db.execute(
                    "INSERT INTO handoff_writing (user_key, since) VALUES (?, ?)", (key, now)
                )

    def open_ticket(self, user_id: int, chat_id: int, lang: str) -> tuple[Ticket, bool]:
        key = self._user_key(user_id)
        with self.db.transaction():
            self.db.execute("DELETE FROM handoff_writing WHERE user_key = ?", (key,))
            select = f"SELECT {TICKET_COLUMNS} FROM ticket WHERE user_key = ?"
            rows = self.db.query(select, (key,))
            created = 0
            if not rows:
                # One open ticket per user, even when two replicas open it at the same moment.
                created = self.db.execute(
                    "INSERT INTO ticket (user_key, chat_ref, state, lang, opened_at) "
                    "VALUES (?, ?, 'open', ?, ?) ON CONFLICT (user_key) DO NOTHING",
                    (key, seal_chat(self._key, key, chat_id), lang, self._now()),
                )
                rows = self.db.query(select, (key,))
        return self._ticket(rows[0]), created == 1

    def place_ticket(self, number: int, topic_id: int | None, root_message_id: int) -> None:
        self.db.execute(
            "UPDATE ticket SET topic_id = ?, root_message_id = ? WHERE number = ?",
            (topic_id, root_message_id, number),
        )

    def ticket(self, number: int) -> Ticket | None:
        rows = self.db.query(f"SELECT {TICKET_COLUMNS} FROM ticket WHERE number = ?", (number,))
        return self._ticket(rows[0]) if rows else None

    def ticket_in_topic(self, topic_id: int) -> Ticket | None:
        rows = self.db.query(
            f"SELECT {TICKET_COLUMNS} FROM ticket WHERE topic_id = ? ORDER BY number DESC LIMIT 1",
            (topic_id,),
        )
        return self._ticket(rows[0]) if rows else None

    def close_ticket(self, number: int) -> Ticket | None:
        now = self._now()
        with self.db.transaction():
            rows = self.db.query(
                f"SELECT {TICKET_COLUMNS} FROM ticket WHERE number = ? AND state = 'open'",
                (number,),
            )
            # Only one closer wins (another replica may be closing it too).
            closed = rows and self.db.execute(
                "UPDATE ticket SET state = 'closed', closed_at = ?, user_key = NULL, "
                "chat_ref = NULL WHERE number = ? AND state = 'open'",
                (now, number),
            )
            self.db.execute(
                "DELETE FROM ticket WHERE state = 'closed' AND closed_at < ?",
                (now - CLOSED_KEPT_SECONDS,),
            )
        return self._ticket(rows[0]) if rows and closed else None

    def drop_ticket(self, number: int) -> None:
        self.db.execute("DELETE FROM ticket WHERE number = ?", (number,))

    def _ticket(self, row: tuple[Any, ...]) -> Ticket:
        number, state, lang, opened, closed, user_key, chat_ref, topic, root = row
        chat_id = None
        if isinstance(user_key, str) and isinstance(chat_ref, int):
            chat_id = unseal_chat(self._key, user_key, chat_ref)
        return Ticket(
            number=int(number),
            state="open" if state == "open" else "closed",
            lang=str(lang),
            opened_at=int(opened),
            closed_at=int(closed) if closed is not None else None,
            chat_id=chat_id,
            topic_id=int(topic) if topic is not None else None,
            root_message_id=int(root) if root is not None else None,
        )


def statements(script: str) -> Iterator[str]:
    """The statements of a migration script (no semicolons inside statements)."""
    return (part.strip() for part in script.split(";") if part.strip())
