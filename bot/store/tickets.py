"""Tickets of the hand-off to a person, as the store keeps them.

A ticket is a number, a state, a language and times. While it is open the store also keeps
the HMAC of the user's Telegram id (to find the ticket when they write again) and their chat
id, which a staff reply needs to reach them: sealed with the store's key file, so the
database alone does not say who wrote. Closing a ticket erases both; what stays (number,
language, times, where it was in the staff group) points to no one, and goes after
`CLOSED_KEPT_SECONDS`. The text of messages is never stored.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Literal, Protocol

# "Talk to a person" waits this long for the message; then the user's next text is a question.
WRITING_SECONDS = 60 * 60
# Closed tickets (with nothing that identifies anyone) let a late staff reply get "closed"
# rather than "unknown"; then they go.
CLOSED_KEPT_SECONDS = 30 * 24 * 60 * 60

TicketState = Literal["open", "closed"]


@dataclass(frozen=True)
class Ticket:
    number: int
    state: TicketState
    lang: str
    opened_at: int
    closed_at: int | None = None
    # The user's chat, known only while the ticket is open.
    chat_id: int | None = None
    # Where the ticket is in the staff group: its forum topic, or its first message.
    topic_id: int | None = None
    root_message_id: int | None = None


class TicketStore(Protocol):
    """The tickets' part of the store."""

    def handoff_state(self, user_id: int) -> tuple[Ticket | None, bool]:
        """The user's open ticket, and whether they asked for a person and are writing."""
        ...

    def set_writing(self, user_id: int, writing: bool) -> None: ...

    def open_ticket(self, user_id: int, chat_id: int, lang: str) -> tuple[Ticket, bool]:
        """A new ticket, or the user's open one (then False): one open ticket per user."""
        ...

    def place_ticket(self, number: int, topic_id: int | None, root_message_id: int) -> None: ...

    def ticket(self, number: int) -> Ticket | None: ...

    def ticket_in_topic(self, topic_id: int) -> Ticket | None: ...

    def close_ticket(self, number: int) -> Ticket | None:
        """Close an open ticket and erase what pointed to its user; returns it as it was
        (with the chat id, to tell the user), or None when it was not open."""
        ...

    def drop_ticket(self, number: int) -> None:
        """Erase a ticket completely (it never reached the staff, or its user said /forget)."""
        ...


def seal_chat(key: bytes, user_key: str, chat_id: int) -> int:
    """The chat id XOR a pad derived from the key file and the user's key (its own inverse).

    A 64-bit pad from HMAC-SHA256 is a one-time pad for each user key: without the key file
    the stored number says nothing about the chat id."""
    digest = hmac.new(key, b"chat-id|" + user_key.encode(), hashlib.sha256).digest()
    pad = int.from_bytes(digest[:8], "big", signed=True)
    return chat_id ^ pad


unseal_chat = seal_chat
