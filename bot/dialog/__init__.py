"""The conversation core: events in, channel-independent `Reply` objects out. No Telegram."""

from bot.dialog.conversation import (
    COMMANDS,
    Command,
    Dialog,
    DialogOptions,
    Event,
    Press,
    TextMessage,
    Unsupported,
    User,
)
from bot.dialog.handoff import (
    Handoff,
    HandoffOptions,
    HandoffStep,
    StaffMessage,
    StaffOutcome,
)
from bot.dialog.reply import Button, InlineResult, Outcome, Reply, Span

__all__ = [
    "COMMANDS",
    "Button",
    "Command",
    "Dialog",
    "DialogOptions",
    "Event",
    "Handoff",
    "HandoffOptions",
    "HandoffStep",
    "InlineResult",
    "Outcome",
    "Press",
    "Reply",
    "Span",
    "StaffMessage",
    "StaffOutcome",
    "TextMessage",
    "Unsupported",
    "User",
]
