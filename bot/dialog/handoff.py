"""The hand-off to a person: what the user and the staff read, and what staff messages do.

The conversation (`conversation.Dialog`) decides when a user's message goes to the team and
returns a `HandoffStep`; the channel applies it (opens the ticket in the store, posts to the
staff group) and then asks `Handoff` for the texts that need the ticket's number. Messages from
the staff group come in as a `StaffMessage` and `Handoff.staff` says what follows from each.

Staff texts never name the user: a ticket is a number, a language and, when the message is
about one, an FAQ topic or the kind of danger the safety scan found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from bot.dialog import actions
from bot.dialog.crisis import emergency_number
from bot.dialog.reply import Button, Paragraph, Reply, Span, text
from bot.dialog.texts import TextKey, Texts
from bot.kb import KnowledgeBase
from bot.languages import NATIVE_NAMES

# What a user may send to the team besides text: media they chose to share. Locations,
# contacts, stickers, polls... are refused (a location or a phone number identifies).
COPYABLE = frozenset({"photo", "document", "voice", "audio", "video"})
# A staff message that starts with this stays in the group (a note between colleagues).
STAFF_NOTE = "//"
CAPTION_LIMIT = 1024
TOPIC_NAME_LIMIT = 128
_TICKET_MARK = re.compile(r"#(\d{1,12})\b")


@dataclass(frozen=True)
class HandoffOptions:
    """The hand-off as the operator set it up; the dialog offers it only when given these."""

    hours: int = 48
    # The language of the staff group's texts; None: the knowledge's source language.
    staff_lang: str | None = None


StepKind = Literal["prompt", "cancel", "open", "send", "close"]


@dataclass(frozen=True)
class HandoffStep:
    """A change the channel makes for the user's hand-off.

    `prompt`: the user asked for a person; their next message goes to the team.
    `cancel`: they changed their mind. `open`: their message opens a ticket. `send`: it goes to
    their open ticket. `close`: they closed it (/end).
    `lang` is the language the user is answered in (and the ticket's). For `open` and `send`:
    `text` is the message (None: copy the user's photo, file...); `topic` and `crisis` say what
    it is about and `written` the language it is written in, possibly one the bot does not
    speak (for staff).
    """

    kind: StepKind
    lang: str
    text: str | None = None
    topic: str | None = None
    crisis: str | None = None
    written: str | None = None


@dataclass(frozen=True)
class StaffMessage:
    """A message in the staff group, as the channel found it.

    `state`: `open` or `closed` when it is in a ticket's topic or replies to a ticket's
    message, `unknown` when it replies to a message of the bot that belongs to no ticket,
    `none` when it is addressed to no ticket at all (staff talking among themselves).
    `text` is None for a photo, file, sticker...
    """

    ticket: int | None
    state: Literal["open", "closed", "unknown", "none"]
    lang: str
    text: str | None


@dataclass(frozen=True)
class StaffOutcome:
    """What follows from a staff message: replies to the user (then, with `copy`, a copy of
    the staff message), notes in the group, and whether the ticket closes."""

    to_user: tuple[Reply, ...] = ()
    to_staff: tuple[Reply, ...] = ()
    copy: bool = False
    close: bool = False
    kind: str = "ignored"


def ticket_mark(number: int) -> str:
    """How a ticket is named in every text: `#12`."""
    return f"#{number}"


def ticket_in(text_value: str | None) -> int | None:
    """The ticket a staff-group message of the bot belongs to: the first `#N` of its first
    line (every such message starts with the ticket's name)."""
    if not text_value:
        return None
    match = _TICKET_MARK.search(text_value.split("\n", 1)[0])
    return int(match.group(1)) if match else None


def is_command(value: str | None, name: str) -> bool:
    """`/name` or `/name@bot`, alone or followed by words."""
    if not value:
        return False
    word = value.split(maxsplit=1)[0] if value.strip() else ""
    return word.split("@", 1)[0].lower() == f"/{name}"


class Handoff:
    """The hand-off texts of one knowledge base, for users (in their language) and staff."""

    def __init__(self, kb: KnowledgeBase, options: HandoffOptions) -> None:
        self.kb = kb
        self.options = options
        staff = options.staff_lang
        self.staff_lang = staff if staff in kb.languages else kb.source_language

    # ---- the user's side ----------------------------------------------------------------

    def button(self, lang: str) -> Button:
        return Button(Texts(self.kb, lang)("button_handoff"), actions.handoff(lang))

    def intro(self, lang: str) -> Reply:
        """What happens, honestly, then the invitation to write, with a Cancel button."""
        t = Texts(self.kb, lang)
        number = emergency_number(self.kb) or "112"
        paragraphs = (
            text(t("handoff_intro", hours=str(self.options.hours), number=number)),
            (Span(t("handoff_write"), "bold"),),
        )
        cancel = Button(t("button_cancel"), actions.handoff_cancel(lang))
        return Reply(paragraphs, lang, ((cancel,),))

    def opened(self, number: int, lang: str) -> Reply:
        t = Texts(self.kb, lang)
        return Reply((text(t("handoff_sent", number=str(number))),), lang)

    def added(self, number: int, lang: str) -> Reply:
        t = Texts(self.kb, lang)
        return Reply((text(t("handoff_added", number=str(number))),), lang)

    def failed(self, lang: str) -> Reply:
        t = Texts(self.kb, lang)
        emergency = emergency_number(self.kb) or "112"
        return Reply((text(t("handoff_failed", number=emergency)),), lang)

    def none_open(self, lang: str) -> Reply:
        return Reply((text(Texts(self.kb, lang)("handoff_none_open")),), lang)

    def from_team(self, number: int, lang: str, body: str | None) -> Reply:
        """A staff answer as the user reads it; with `body` None, a copy follows."""
        t = Texts(self.kb, lang)
        paragraphs: list[Paragraph] = [(Span(t("handoff_reply", number=str(number)), "bold"),)]
        if body:
            paragraphs.append(text(body))
        return Reply(tuple(paragraphs), lang)

    def closed_by_team(self, number: int, lang: str) -> Reply:
        t = Texts(self.kb, lang)
        return Reply((text(t("handoff_closed_by_team", number=str(number))),), lang)

    # ---- the staff's side ---------------------------------------------------------------

    def topic_name(self, number: int, lang: str) -> str:
        """The forum topic of a ticket: `Ticket #12 · Українська (uk)`."""
        t = Texts(self.kb, self.staff_lang)
        name = f"{t('staff_ticket', ticket=ticket_mark(number))} · {_language(lang)}"
        return name[:TOPIC_NAME_LIMIT]

    def header(self, number: int, step: HandoffStep) -> str:
        """`Ticket #12 · Українська (uk) · 🇮🇸 Iceland` (or `· ⚠️ safety: violence`): the
        first line of every message of a ticket in the staff group."""
        t = Texts(self.kb, self.staff_lang)
        written = _language(step.written or step.lang)
        parts = [t("staff_ticket", ticket=ticket_mark(number)), written]
        topic = self.kb.topic(step.topic) if step.topic else None
        if topic is not None:
            parts.append(f"{topic.emoji} {topic.title.get(self.staff_lang) or topic.slug}")
        if step.crisis:
            parts.append(t("staff_safety", kind=step.crisis))
        return " · ".join(parts)

    def to_staff(self, number: int, step: HandoffStep, first: bool, forum: bool) -> Reply:
        """A user's message as staff read it: the header, the text, and on a ticket's first
        message how to answer."""
        t = Texts(self.kb, self.staff_lang)
        paragraphs: list[Paragraph] = [(Span(self.header(number, step), "bold"),)]
        if step.text:
            paragraphs.append(text(step.text))
        if first:
            how = t("staff_how_forum") if forum else t("staff_how_plain")
            paragraphs.append((Span(how, "italic"),))
        return Reply(tuple(paragraphs), self.staff_lang)

    def caption(self, number: int, step: HandoffStep, original: str | None) -> str:
        """The caption of a copied photo or file: the header, then the user's caption."""
        caption = self.header(number, step)
        if original:
            caption += "\n\n" + original
        return caption[:CAPTION_LIMIT]

    def user_closed(self, number: int, erased: bool) -> Reply:
        t = Texts(self.kb, self.staff_lang)
        key: TextKey = "staff_erased_by_user" if erased else "staff_closed_by_user"
        return self._note(t(key, ticket=ticket_mark(number)))

    def undelivered(self, number: int) -> Reply:
        t = Texts(self.kb, self.staff_lang)
        return self._note(t("staff_undelivered", ticket=ticket_mark(number)))

    def staff(self, message: StaffMessage) -> StaffOutcome:
        """What a message in the staff group does: answer the user, close the ticket, or get
        a note saying why nothing was sent. Talk between staff stays in the group."""
        t = Texts(self.kb, self.staff_lang)
        closing = is_command(message.text, "close")
        if message.text is not None and message.text.lstrip().startswith(STAFF_NOTE):
            return StaffOutcome(kind="note")
        if message.state == "none":
            if closing:
                return StaffOutcome(to_staff=(self._note(t("staff_unknown")),), kind="unknown")
            return StaffOutcome()
        if message.state == "unknown" or message.ticket is None:
            return StaffOutcome(to_staff=(self._note(t("staff_unknown")),), kind="unknown")
        mark = ticket_mark(message.ticket)
        if message.state == "closed":
            note = self._note(t("staff_not_open", ticket=mark))
            return StaffOutcome(to_staff=(note,), kind="closed")
        if closing:
            return StaffOutcome(
                to_user=(self.closed_by_team(message.ticket, message.lang),),
                to_staff=(self._note(t("staff_closed", ticket=mark)),),
                close=True,
                kind="close",
            )
        if message.text is not None and message.text.startswith("/"):
            # Another command (/start, /help@bot...): for the bot, not for the user.
            return StaffOutcome(kind="command")
        reply = self.from_team(message.ticket, message.lang, message.text)
        return StaffOutcome(to_user=(reply,), copy=message.text is None, kind="answer")

    def _note(self, value: str) -> Reply:
        return Reply(((Span(value, "italic"),),), self.staff_lang)


def _language(code: str) -> str:
    name = NATIVE_NAMES.get(code)
    return f"{name} ({code})" if name else code
