"""The conversation core: events in, channel-independent `Reply` objects out. No Telegram."""

from bot.dialog.conversation import (
    COMMANDS,
    Command,
    Dialog,
    Event,
    Press,
    TextMessage,
    Unsupported,
    User,
)
from bot.dialog.reply import Button, InlineResult, Outcome, Reply, Span

__all__ = [
    "COMMANDS",
    "Button",
    "Command",
    "Dialog",
    "Event",
    "InlineResult",
    "Outcome",
    "Press",
    "Reply",
    "Span",
    "TextMessage",
    "Unsupported",
    "User",
]
