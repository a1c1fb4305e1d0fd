"""The store's behaviour without a file: for the terminal chat and tests."""

from __future__ import annotations

import time
from collections.abc import Callable

from bot.store.usage import DEFAULT_RETENTION_DAYS, Count, SentQuestion, days_before, today


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
