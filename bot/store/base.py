"""What every store offers, whatever keeps it: the protocols the channels rely on."""

from __future__ import annotations

from typing import Protocol

from bot.errors import UserFacingError
from bot.store.tickets import TicketStore
from bot.store.usage import Count, SentQuestion


class StoreError(UserFacingError):
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

    def was_handled(self, update_id: int) -> bool: ...

    def reachable(self) -> bool:
        """The database answers (the health check)."""
        ...

    def close(self) -> None: ...
