"""The conversation: from an event and what we know of the user to the bot's replies.

No I/O and no Telegram here: channels turn updates into events, call `Dialog.handle`, render
the `Reply` objects and apply the state changes in the `Outcome` (language, erase, feedback,
the hand-off to a person). Every text comes from the locale files, in the user's language.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace

from bot.dialog import actions
from bot.dialog.crisis import (
    contact_line,
    crisis_paragraphs,
    emergency_line,
    emergency_number,
    pick_referrals,
)
from bot.dialog.handoff import COPYABLE, Handoff, HandoffOptions, HandoffStep, StepKind
from bot.dialog.held import HOLD_SECONDS, HeldQuestions
from bot.dialog.reply import Button, InlineResult, Outcome, Paragraph, Reply, Span, text
from bot.dialog.sources import more_line, source_lines
from bot.dialog.texts import COMMAND_TEXTS, HANDOFF_COMMAND_TEXTS, TextKey, Texts
from bot.kb import Entry, KnowledgeBase
from bot.languages import NATIVE_NAMES, as_lang
from bot.matching import Decision, Matcher

COMMANDS = tuple(COMMAND_TEXTS)
# The reply to thanks and goodbyes (greetings get the greeting with the topics).
_TALK_TEXTS: dict[str, TextKey] = {"thanks": "smalltalk_thanks", "goodbye": "smalltalk_goodbye"}
# The topic that says where to get help; the safety reply links to it when it exists.
HELP_TOPIC = "help"
BUTTON_LABEL_MAX = 60


@dataclass(frozen=True)
class User:
    """What the dialog knows of a user: their `/language` choice, their app's language and,
    when the hand-off to a person is on, where they are with it."""

    chosen_lang: str | None = None
    client_lang: str | None = None
    # A private chat: the only place where a user can talk to the team.
    private: bool = True
    # The number of the user's open ticket.
    ticket: int | None = None
    # They asked for a person: their next message goes to the team.
    writing: bool = False
    # Seconds before their next message may go to the team (the cool-down).
    wait: int = 0


@dataclass(frozen=True)
class TextMessage:
    text: str


@dataclass(frozen=True)
class Command:
    name: str
    payload: str = ""


@dataclass(frozen=True)
class Press:
    data: str | None


@dataclass(frozen=True)
class Unsupported:
    """A sticker, photo, voice message, location, file...: anything that is not text."""

    kind: str


Event = TextMessage | Command | Press | Unsupported


@dataclass(frozen=True)
class DialogOptions:
    """What the operator set up for the conversation; the same across knowledge reloads.

    `operator`: who runs this bot, named when users ask. `handoff`: the hand-off to a person
    is set up (a staff group exists); without it nothing about it is shown. `retention_days`:
    how long a question sent to the team is kept, as the privacy notice says."""

    operator: str | None = None
    handoff: HandoffOptions | None = None
    retention_days: int = 90


class Dialog:
    """The conversation core for one knowledge base."""

    def __init__(
        self,
        kb: KnowledgeBase,
        matcher: Matcher,
        options: DialogOptions | None = None,
        held: HeldQuestions | None = None,
    ) -> None:
        """`held`: unanswered questions waiting for the user's consent to send them (kept
        across knowledge reloads)."""
        options = options or DialogOptions()
        self.kb = kb
        self.matcher = matcher
        self.operator = options.operator
        self.handoff = Handoff(kb, options.handoff) if options.handoff is not None else None
        self.held = held if held is not None else HeldQuestions()
        self.retention_days = options.retention_days

    def commands(self) -> dict[str, TextKey]:
        """The commands of the menu, each with the text that describes it."""
        extra = HANDOFF_COMMAND_TEXTS if self.handoff is not None else {}
        return {**COMMAND_TEXTS, **extra}

    # ---- entry points -------------------------------------------------------------------

    def handle(self, event: Event, user: User) -> Outcome:
        to_team = self._to_team(event, user)
        if to_team is not None:
            return to_team
        if isinstance(event, TextMessage):
            return self._question(event.text, user)
        if isinstance(event, Command):
            return self._command(event, user)
        if isinstance(event, Press):
            return self._press(event.data, user)
        lang = self.menu_lang(user)
        t = Texts(self.kb, lang)
        reply = Reply((text(t("non_text_reply")),), lang, ((self._topics_button(lang),),))
        return Outcome((reply,), kind="unsupported", details={"what": event.kind})

    def inline(self, query: str, user: User, limit: int = 5) -> list[InlineResult]:
        """Entries to offer in inline mode (`@bot iceland`): ready-made answers to share."""
        query = _clean(query)
        lang = self.menu_lang(user)
        if not query:
            chosen = [entries[0] for t in self.kb.topics if (entries := self.kb.entries_in(t.slug))]
        else:
            lang, ids = self.matcher.shortlist(query, user_lang=lang, limit=limit)
            chosen = [entry for i in ids if (entry := self.kb.entry(i)) is not None]
        results = []
        for entry in chosen[:limit]:
            shown = lang if entry.answer.get(lang) else self.kb.source_language
            reply = self._answer(entry, shown, with_buttons=False)
            results.append(
                InlineResult(
                    id=f"{entry.id}:{shown}",
                    title=entry.title(shown, self.kb.source_language),
                    description=_shorten(entry.answer.get(shown) or "", 120),
                    reply=reply,
                )
            )
        return results

    def menu_lang(self, user: User) -> str:
        """The language of menus: the user's choice, else their app's, else the default."""
        for code in (user.chosen_lang, as_lang(user.client_lang)):
            if code is not None and code in self.kb.languages:
                return code
        return self.kb.source_language

    # ---- questions ----------------------------------------------------------------------

    def _question(self, raw: str, user: User) -> Outcome:
        question = _clean(raw)
        menu_lang = self.menu_lang(user)
        if not question:
            t = Texts(self.kb, menu_lang)
            reply = Reply(
                (text(t("empty_message")),), menu_lang, ((self._topics_button(menu_lang),),)
            )
            return Outcome((reply,), kind="empty")
        decision = self.matcher.match(question, user_lang=menu_lang)
        lang = decision.lang
        t = Texts(self.kb, lang)
        details = {"status": decision.status, "lang": lang, "score": str(decision.display_score)}
        if decision.status == "crisis":
            details["kind"] = decision.crisis[0]
            replies = [self._crisis(decision, lang, user)]
            entry = self.kb.entry(decision.entry) if decision.entry else None
            if entry is not None:
                # The message also asked an FAQ question: its answer follows the safety reply.
                replies.append(self._answer(entry, lang))
                details["entry"] = entry.id
            return Outcome(tuple(replies), kind="question", details=details)
        if decision.status == "language":
            return Outcome((self._unsupported(decision.lang),), kind="question", details=details)
        if decision.status == "smalltalk":
            details["kind"] = decision.talk or ""
            reply = self._smalltalk(decision.talk or "", lang, user)
            return Outcome((reply,), kind="question", details=details)
        if decision.status == "answer" and decision.entry is not None:
            entry = self.kb.entry(decision.entry)
            if entry is not None:
                close = tuple(s.entry for s in decision.suggestions)
                reply = self._answer(entry, lang, also=close)
                call_now = emergency_line(self.kb, t) if decision.crisis else None
                if call_now is not None:
                    # An answer written for this danger: it comes under the emergency number.
                    reply = replace(reply, paragraphs=(call_now, *reply.paragraphs))
                    details["kind"] = decision.crisis[0]
                details["entry"] = entry.id
                return Outcome((reply,), kind="question", details=details)
        # Held (scrubbed, in memory) in case the user chooses to send it to the team, with the
        # entries that came near enough to be suggested (a hint for the maintainers).
        floor = self.matcher.thresholds.suggest
        near = tuple(c.entry for c in decision.candidates[:3] if c.score >= floor)
        held = self.held.hold(question, lang, near)
        if decision.status == "suggest" and decision.suggestions:
            rows: list[tuple[Button, ...]] = []
            for suggestion in decision.suggestions:
                entry = self.kb.entry(suggestion.entry)
                if entry is not None:
                    label = _shorten(entry.button(lang, self.kb.source_language), BUTTON_LABEL_MAX)
                    rows.append((Button(label, actions.entry(entry.id, lang)),))
            rows.append((Button(t("button_none_of_these"), actions.none_of_these(lang, held)),))
            reply = Reply((text(t("did_you_mean")),), lang, tuple(rows))
            return Outcome((reply,), kind="question", details=details)
        reply = self._dont_know(decision.countries, lang, user, held)
        return Outcome((reply,), kind="question", details=details)

    def _dont_know(
        self, countries: tuple[str, ...], lang: str, user: User, held: str | None = None
    ) -> Reply:
        """An honest "I don't know" that says what the bot covers and where to ask instead:
        the help topic for Finland, Sweden and Iceland, the referral contacts (the country
        the question names first), a person when the hand-off is on, the topics."""
        t = Texts(self.kb, lang)
        paragraphs: list[Paragraph] = [text(t("none_reply", topics=self._topic_list(lang)))]
        referrals = pick_referrals(self.kb, countries)
        if referrals:
            paragraphs.append(text(t("none_where_to_ask")))
            paragraphs.extend(contact_line(contact, t) for contact in referrals)
        rows = self._help_rows(lang, user)
        if held is not None and self.held.peek(held) is not None:
            # The team learns what people need only from those who choose to tell it.
            send = Button(t("button_send_question"), actions.send_question(held, lang))
            rows = ((send,), *rows)
        return Reply(tuple(paragraphs), lang, rows)

    def _unsupported(self, code: str) -> Reply:
        """One line in the language the bot does not read (else in the source language): it
        does not read it yet, the languages it reads, the emergency number; the language
        menu. The reply is laid out in that language's direction."""
        lines = self.kb.unsupported.lines
        line = lines.get(code) or lines.get(self.kb.source_language)
        number = emergency_number(self.kb) or ""
        menu = self._language_menu(self.kb.source_language)
        if not line:
            return replace(menu, lang=code)
        said = line.format(languages=self._language_list(), number=number)
        return Reply((text(said),), code, menu.buttons)

    def _smalltalk(self, kind: str, lang: str, user: User) -> Reply:
        """A short, friendly reply that says what the bot is, with the topics."""
        t = Texts(self.kb, lang)
        if kind == "identity":
            paragraphs = [text(t("smalltalk_identity"))]
            if self.operator:
                paragraphs.append(text(t("smalltalk_operator", operator=self.operator)))
            paragraphs.append(text(t("languages_read", languages=self._language_list())))
            return Reply(tuple(paragraphs), lang, self._help_rows(lang, user))
        if kind == "capabilities":
            line = t("smalltalk_capabilities", topics=self._topic_list(lang))
            languages = t("languages_read", languages=self._language_list())
            return Reply((text(line), text(languages)), lang, self._topic_rows(lang))
        key = _TALK_TEXTS.get(kind, "smalltalk_greeting")
        greeting = key == "smalltalk_greeting"
        rows = self._topic_rows(lang) if greeting else self._help_rows(lang, user)
        return Reply((text(t(key)),), lang, rows)

    def _topic_list(self, lang: str) -> str:
        return ", ".join(
            topic.title.get(lang) or topic.slug
            for topic in self.kb.topics
            if topic.slug != HELP_TOPIC
        )

    def _language_list(self) -> str:
        return ", ".join(NATIVE_NAMES.get(code, code) for code in self.kb.languages)

    def _help_rows(self, lang: str, user: User) -> tuple[tuple[Button, ...], ...]:
        """The help topic (where it exists), "Talk to a person" (when the hand-off is on and
        the user is not already talking to the team) and the topics menu."""
        rows: list[tuple[Button, ...]] = []
        if self.kb.topic(HELP_TOPIC) is not None:
            t = Texts(self.kb, lang)
            rows.append((Button(t("button_help_topic"), actions.topic(HELP_TOPIC, lang)),))
        if self._offers_person(user):
            assert self.handoff is not None
            rows.append((self.handoff.button(lang),))
        rows.append((self._topics_button(lang),))
        return tuple(rows)

    def _offers_person(self, user: User) -> bool:
        return (
            self.handoff is not None and user.private and user.ticket is None and not user.writing
        )

    def _answer(
        self,
        entry: Entry,
        lang: str,
        with_buttons: bool = True,
        also: tuple[str, ...] = (),
        ui_lang: str | None = None,
    ) -> Reply:
        """The answer message: question, answer, sources with dates, links, the unchecked
        note; buttons for close or related questions (three at most), votes and topics.

        `ui_lang`: the language of the buttons when it differs from the answer's ("Show in
        English" shows one answer in English; the user's menus stay in their language)."""
        source = self.kb.source_language
        if entry.answer.get(lang) is None:
            lang = source
        ui = ui_lang or lang
        t = Texts(self.kb, lang)
        # The question heads the answer's own paragraph, and sources, further reading and the
        # unchecked note share one: on a phone every blank line costs a line of the screen.
        paragraphs: list[Paragraph] = [
            (
                Span(entry.title(lang, source), "bold"),
                Span("\n"),
                *text(entry.answer.get(lang) or ""),
            ),
        ]
        unchecked = lang in entry.unchecked
        cited = _lines(
            source_lines(entry, self.kb.articles, t),
            more_line(entry, lang, source, t),
            (Span(t("unchecked_note"), "italic"),) if unchecked else (),
        )
        if cited:
            paragraphs.append(cited)
        # Contacts go one per line in one paragraph, like the sources.
        contacts: list[Span] = []
        for contact_id in entry.contacts:
            contact = self.kb.contacts.get(contact_id)
            if contact is not None:
                contacts.extend((Span("\n"),) if contacts else ())
                contacts.extend(contact_line(contact, t))
        if contacts:
            paragraphs.append(tuple(contacts))
        if not with_buttons:
            return Reply(tuple(paragraphs), lang)
        rows: list[tuple[Button, ...]] = []
        offered = list(dict.fromkeys(e for e in (*also, *entry.related) if e != entry.id))
        for related_id in offered[:3]:
            related = self.kb.entry(related_id)
            if related is not None:
                label = _shorten(related.button(ui, source), BUTTON_LABEL_MAX)
                rows.append((Button(label, actions.entry(related.id, ui)),))
        rows.append(
            (
                Button("👍", actions.vote(entry.id, True, ui)),
                Button("👎", actions.vote(entry.id, False, ui)),
            )
        )
        last = [self._topics_button(ui)]
        if unchecked:
            last.insert(0, Button(t("button_show_original"), actions.original(entry.id)))
        rows.append(tuple(last))
        return Reply(tuple(paragraphs), lang, tuple(rows))

    def _crisis(self, decision: Decision, lang: str, user: User) -> Reply:
        """The safety reply, with buttons to the help topic, a person and the topics menu."""
        t = Texts(self.kb, lang)
        paragraphs = crisis_paragraphs(self.kb, t, decision.crisis, decision.countries)
        return Reply(paragraphs, lang, self._help_rows(lang, user))

    # ---- commands -----------------------------------------------------------------------

    def _command(self, command: Command, user: User) -> Outcome:
        lang = self.menu_lang(user)
        t = Texts(self.kb, lang)
        name = command.name.lower()
        details = {"command": name if name in self.commands() else "unknown"}
        on = self.handoff is not None
        if on and name in HANDOFF_COMMAND_TEXTS:
            return self._handoff_command(name, user, details)
        if name == "start":
            opened = self._deep_link(command.payload, lang)
            if opened is not None:
                return Outcome((opened,), kind="command", details=details)
            paragraphs = (
                text(t("greeting")),
                text(t("greeting_limits")),
                text(t("languages_read", languages=self._language_list())),
                (Span(t("privacy_short_handoff" if on else "privacy_short"), "italic"),),
                text(t("ask_prompt")),
            )
            reply = Reply(paragraphs, lang, self._topic_rows(lang))
            return Outcome((reply,), kind="command", details=details)
        if name == "help":
            lines = [
                text(t("help")),
                text(t("languages_read", languages=self._language_list())),
                text(t("help_commands")),
            ]
            rows: list[tuple[Button, ...]] = []
            if on:
                lines.append(text(t("help_handoff")))
            if self._offers_person(user):
                assert self.handoff is not None
                rows.append((self.handoff.button(lang),))
            rows.append((self._topics_button(lang), self._language_button(lang)))
            reply = Reply(tuple(lines), lang, tuple(rows))
            return Outcome((reply,), kind="command", details=details)
        if name == "topics":
            return Outcome((self._topics_menu(lang),), kind="command", details=details)
        if name == "language":
            return Outcome((self._language_menu(lang),), kind="command", details=details)
        if name == "privacy":
            privacy = [
                text(t("privacy")),
                text(
                    t(
                        "privacy_sent",
                        days=str(self.retention_days),
                        minutes=str(HOLD_SECONDS // 60),
                    )
                ),
            ]
            if on:
                privacy.append(text(t("privacy_handoff")))
            privacy.append(text(t("privacy_telegram")))
            reply = Reply(tuple(privacy), lang)
            return Outcome((reply,), kind="command", details=details)
        if name == "forget":
            after = self.menu_lang(User(None, user.client_lang))
            t_after = Texts(self.kb, after)
            forgotten = [text(t_after("forget_done"))]
            if on and user.ticket is not None:
                forgotten.append(text(t_after("forget_handoff", number=str(user.ticket))))
            reply = Reply(tuple(forgotten), after)
            return Outcome((reply,), forget=True, kind="command", details=details)
        echoed = "/" + _shorten(name, ECHO_MAX)
        reply = Reply(
            (text(t("unknown_command", command=echoed)), text(t("help_commands"))),
            lang,
            ((self._topics_button(lang),),),
        )
        return Outcome((reply,), kind="command", details=details)

    def _handoff_command(self, name: str, user: User, details: dict[str, str]) -> Outcome:
        """/human asks for a person; /end closes the ticket (or drops the request)."""
        lang = self.menu_lang(user)
        if name == "human":
            return self._ask_for_person(user, lang, details, kind="command")
        t = Texts(self.kb, lang)
        if user.ticket is not None:
            reply = Reply((text(t("handoff_closed_by_you", number=str(user.ticket))),), lang)
            step = HandoffStep("close", lang)
            return Outcome((reply,), handoff=step, kind="command", details=details)
        if user.writing:
            reply = Reply((text(t("handoff_cancelled")),), lang)
            step = HandoffStep("cancel", lang)
            return Outcome((reply,), handoff=step, kind="command", details=details)
        return Outcome((Reply((text(t("handoff_none_open")),), lang),), kind="command",
                       details=details)  # fmt: skip

    def _ask_for_person(self, user: User, lang: str, details: dict[str, str], kind: str) -> Outcome:
        """The honest account of what happens, then the invitation to write; one ticket at a
        time, and only in a private chat."""
        assert self.handoff is not None
        t = Texts(self.kb, lang)
        if not user.private:
            reply = Reply((text(t("handoff_private_only")),), lang)
            return Outcome((reply,), kind=kind, details=details)
        if user.ticket is not None:
            reply = Reply((text(t("handoff_already_open", number=str(user.ticket))),), lang)
            return Outcome((reply,), kind=kind, details={**details, "handoff": "already-open"})
        step = HandoffStep("prompt", lang)
        return Outcome((self.handoff.intro(lang),), handoff=step, kind=kind, details=details)

    def _to_team(self, event: Event, user: User) -> Outcome | None:
        """A message of a user who asked for a person, or who has an open ticket: it goes to
        the team (unless the cool-down is running). A message about a danger also gets the
        safety reply first: the team may answer in hours."""
        if self.handoff is None or not user.private or (user.ticket is None and not user.writing):
            return None
        if not isinstance(event, TextMessage | Unsupported):
            return None
        lang = self.menu_lang(user)
        t = Texts(self.kb, lang)
        kind: StepKind = "open" if user.ticket is None else "send"
        details: dict[str, str] = {"handoff": kind}
        if isinstance(event, Unsupported):
            details["what"] = event.kind
            if event.kind not in COPYABLE:
                refused = Reply((text(t("handoff_media_refused")),), lang)
                details["handoff"] = "refused"
                return Outcome((refused,), kind="handoff", details=details)
            if user.wait > 0:
                return self._cooldown(user, lang, details)
            step = HandoffStep(kind, lang)
            return Outcome(self._added(user, lang), handoff=step, kind="handoff", details=details)
        message = _clean(event.text)
        if not message:
            reply = Reply((text(t("empty_message")),), lang)
            return Outcome((reply,), kind="empty")
        if user.wait > 0:
            return self._cooldown(user, lang, details)
        decision = self.matcher.match(message, user_lang=lang)
        # The language the team sees is the one the message is written in, even one the bot
        # does not read; the user's replies stay in one the bot speaks.
        said = decision.lang if decision.lang in self.kb.languages else lang
        details["lang"] = decision.lang
        crisis = decision.crisis[0] if decision.status == "crisis" and decision.crisis else None
        entry = self.kb.entry(decision.entry) if decision.entry else None
        if entry is None and decision.status == "suggest" and decision.suggestions:
            entry = self.kb.entry(decision.suggestions[0].entry)
        topic = entry.topic if entry is not None else None
        replies: list[Reply] = []
        if crisis is not None:
            details["kind"] = crisis
            replies.append(self._crisis(decision, said, user))
        replies.extend(self._added(user, said))
        step = HandoffStep(kind, said, message, topic, crisis, written=decision.lang)
        return Outcome(tuple(replies), handoff=step, kind="handoff", details=details)

    def _added(self, user: User, lang: str) -> tuple[Reply, ...]:
        """ "Added to ticket #N" for a follow-up; a new ticket's number comes once it exists."""
        if user.ticket is None or self.handoff is None:
            return ()
        return (self.handoff.added(user.ticket, lang),)

    def _cooldown(self, user: User, lang: str, details: dict[str, str]) -> Outcome:
        t = Texts(self.kb, lang)
        reply = Reply((text(t("handoff_cooldown", seconds=str(user.wait))),), lang)
        return Outcome((reply,), kind="handoff", details={**details, "handoff": "cooldown"})

    def _deep_link(self, payload: str, lang: str) -> Reply | None:
        action = actions.parse_deep_link(payload) if payload else None
        if action is None:
            return None
        if action.kind == "entry" and (entry := self.kb.entry(action.target)) is not None:
            return self._answer(entry, lang)
        if action.kind == "topic" and self.kb.topic(action.target) is not None:
            return self._topic_page(action.target, lang, edit=False)
        return None

    # ---- buttons ------------------------------------------------------------------------

    def _press(self, data: str | None, user: User) -> Outcome:
        action = actions.parse(data)
        menu_lang = self.menu_lang(user)
        if action is None:
            return self._stale(menu_lang)
        lang = action.lang if action.lang in self.kb.languages else menu_lang
        details: dict[str, str] = {"button": action.kind, "lang": lang}
        if action.kind == "entry" or action.kind == "original":
            entry = self.kb.entry(action.target)
            if entry is None:
                return self._stale(lang)
            shown = self.kb.source_language if action.kind == "original" else lang
            details["entry"] = entry.id
            reply = self._answer(entry, shown, ui_lang=lang)
            return Outcome((reply,), kind="button", details=details)
        if action.kind == "topic":
            if self.kb.topic(action.target) is None:
                return self._stale(lang)
            return Outcome((self._topic_page(action.target, lang),), kind="button", details=details)
        if action.kind == "menu":
            return Outcome((self._topics_menu(lang, edit=True),), kind="button", details=details)
        if action.kind == "langmenu":
            reply = self._language_menu(lang, edit=True)
            return Outcome((reply,), kind="button", details=details)
        if action.kind == "language":
            t = Texts(self.kb, lang)
            confirm = Reply((text(t("language_set")),), lang, edit=True)
            return Outcome(
                (confirm, self._topics_menu(lang)),
                set_language=lang,
                kind="button",
                details=details,
            )
        if action.kind in ("handoff", "handoff_cancel"):
            return self._handoff_press(action.kind, lang, user, details)
        if action.kind == "none":
            reply = replace(self._dont_know((), lang, user, action.target or None), edit=True)
            return Outcome((reply,), kind="button", details=details)
        if action.kind == "send":
            return self._send_question(action.target, lang, details)
        # A vote: counted without saying who voted, thanked with a notice.
        if self.kb.entry(action.target) is None:
            return self._stale(lang)
        t = Texts(self.kb, lang)
        return Outcome(
            (),
            notice=t("feedback_thanks"),
            feedback=(action.target, action.vote),
            kind="button",
            details=details,
        )

    def _send_question(self, token: str, lang: str, details: dict[str, str]) -> Outcome:
        """The user agreed: the held question goes to the store (once), without who sent it."""
        t = Texts(self.kb, lang)
        question = self.held.take(token)
        if question is None:
            minutes = str(HOLD_SECONDS // 60)
            reply = Reply((text(t("question_expired", minutes=minutes)),), lang)
            return Outcome((reply,), kind="button", details={**details, "sent": "expired"})
        days = str(self.retention_days)
        reply = Reply((text(t("question_sent", days=days)),), lang, ((self._topics_button(lang),),))
        return Outcome(
            (reply,),
            notice=t("feedback_thanks"),
            send_question=question,
            kind="button",
            details=details,
        )

    def _handoff_press(self, kind: str, lang: str, user: User, details: dict[str, str]) -> Outcome:
        if self.handoff is None:
            return self._stale(lang)
        if kind == "handoff":
            return self._ask_for_person(user, lang, details, kind="button")
        t = Texts(self.kb, lang)
        if user.ticket is not None:
            # An old invitation, pressed after the message was sent: the ticket stays open.
            reply = Reply((text(t("handoff_already_open", number=str(user.ticket))),), lang)
            return Outcome((replace(reply, edit=True),), kind="button", details=details)
        reply = Reply((text(t("handoff_cancelled")),), lang, edit=True)
        step = HandoffStep("cancel", lang) if user.writing else None
        return Outcome((reply,), handoff=step, kind="button", details=details)

    def _stale(self, lang: str) -> Outcome:
        t = Texts(self.kb, lang)
        reply = Reply((text(t("stale_button")),), lang, self._topic_rows(lang))
        return Outcome((reply,), notice=t("stale_button"), kind="stale")

    # ---- menus --------------------------------------------------------------------------

    def _topics_button(self, lang: str) -> Button:
        return Button(Texts(self.kb, lang)("button_topics"), actions.menu(lang))

    def _language_button(self, lang: str) -> Button:
        return Button(Texts(self.kb, lang)("button_language"), actions.language_menu(lang))

    def _topic_rows(self, lang: str) -> tuple[tuple[Button, ...], ...]:
        rows = [
            (
                Button(
                    f"{topic.emoji} {topic.title.get(lang) or topic.slug}",
                    actions.topic(topic.slug, lang),
                ),
            )
            for topic in self.kb.topics
        ]
        rows.append((self._language_button(lang),))
        return tuple(rows)

    def _topics_menu(self, lang: str, edit: bool = False) -> Reply:
        t = Texts(self.kb, lang)
        return Reply((text(t("topics_heading")),), lang, self._topic_rows(lang), edit=edit)

    def _topic_page(self, slug: str, lang: str, edit: bool = True) -> Reply:
        topic = self.kb.topic(slug)
        assert topic is not None
        t = Texts(self.kb, lang)
        title = topic.title.get(lang) or topic.slug
        paragraphs = (
            (Span(f"{topic.emoji} {title}", "bold"),),
            text(topic.description.get(lang) or ""),
            text(t("topic_heading", topic=title)),
        )
        rows = [
            (
                Button(
                    _shorten(entry.button(lang, self.kb.source_language), BUTTON_LABEL_MAX),
                    actions.entry(entry.id, lang),
                ),
            )
            for entry in self.kb.entries_in(slug)
        ]
        rows.append((Button(t("button_back"), actions.menu(lang)),))
        return Reply(paragraphs, lang, tuple(rows), edit=edit)

    def _language_menu(self, lang: str, edit: bool = False) -> Reply:
        t = Texts(self.kb, lang)
        codes = list(self.kb.languages)
        buttons = [Button(NATIVE_NAMES.get(code, code), actions.language(code)) for code in codes]
        rows = tuple(tuple(buttons[i : i + 2]) for i in range(0, len(buttons), 2))
        return Reply((text(t("language_prompt")),), lang, rows, edit=edit)


_CONTROL = re.compile(r"[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b\u2028\u2029\ufeff]")


def _lines(*parts: Paragraph) -> Paragraph:
    """The non-empty parts as one paragraph, a line each."""
    joined: list[Span] = []
    for part in parts:
        if part:
            joined.extend((Span("\n"),) if joined else ())
            joined.extend(part)
    return tuple(joined)


def _clean(raw: str) -> str:
    """The question without control characters and with whitespace collapsed."""
    normalized = unicodedata.normalize("NFC", raw)
    return " ".join(_CONTROL.sub(" ", normalized).split())


def _shorten(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"


# Telegram's own limit for a command's name; what a user typed is never echoed longer than this,
# so no reply's length depends on their input.
ECHO_MAX = 32
