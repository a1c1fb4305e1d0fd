"""What the dialog answers, independent of any channel.

A `Reply` is paragraphs of styled spans plus rows of buttons. The Telegram channel renders it
as escaped HTML with an inline keyboard; the console prints it as text with numbered buttons.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from bot.languages import RIGHT_TO_LEFT

if TYPE_CHECKING:
    from bot.dialog.handoff import HandoffStep
    from bot.dialog.held import HeldQuestion

Style = Literal["plain", "bold", "italic", "link"]
# Put before a right-to-left paragraph so that a line starting with a number or a Latin name
# still lays out right to left.
RIGHT_TO_LEFT_MARK = "\u200f"


@dataclass(frozen=True)
class Span:
    """A piece of text with one style; `url` only for links."""

    text: str
    style: Style = "plain"
    url: str | None = None


Paragraph = tuple[Span, ...]


@dataclass(frozen=True)
class Button:
    """A button: `action` is short button data (see `actions`), or `url` opens a page."""

    label: str
    action: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class Reply:
    """One message of the bot."""

    paragraphs: tuple[Paragraph, ...]
    lang: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    # Replace the message whose button was pressed instead of sending a new one.
    edit: bool = False

    @property
    def right_to_left(self) -> bool:
        return self.lang in RIGHT_TO_LEFT

    def plain_text(self) -> str:
        """The text without styles, paragraphs separated by blank lines."""
        return "\n\n".join("".join(span.text for span in p) for p in self.paragraphs)


def text(*parts: str | Span) -> Paragraph:
    """A paragraph from plain strings and spans."""
    return tuple(Span(p) if isinstance(p, str) else p for p in parts)


@dataclass(frozen=True)
class InlineResult:
    """One result of inline mode: a title and description to pick, a reply to send."""

    id: str
    title: str
    description: str
    reply: Reply


@dataclass(frozen=True)
class Outcome:
    """Everything the dialog decided for one event."""

    replies: tuple[Reply, ...] = ()
    # A short notice for the button that was pressed (Telegram shows it as a toast).
    notice: str | None = None
    # Changes to the user's stored state, applied by the channel.
    set_language: str | None = None
    forget: bool = False
    feedback: tuple[str, int] | None = None
    # A question the user chose to send to the team: scrubbed, without who sent it.
    send_question: HeldQuestion | None = None
    # The hand-off to a person: a step the channel takes (open a ticket, send to it...).
    handoff: HandoffStep | None = None
    # For logs and statistics, never with the message text.
    kind: str = "other"
    details: dict[str, str] = field(default_factory=dict)
