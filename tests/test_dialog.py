"""The dialog core without any channel: events in, replies and state changes out.

It runs on the fixture knowledge; expected texts are read from it.
"""

from __future__ import annotations

from typing import get_args

import pytest

from bot.dialog import (
    Command,
    Handoff,
    HandoffOptions,
    Press,
    Reply,
    StaffMessage,
    StaffOutcome,
    TextMessage,
    Unsupported,
    User,
    actions,
)
from bot.dialog.handoff import ticket_in
from bot.dialog.texts import TextKey
from bot.kb import KnowledgeBase
from bot.kb.models import ID_MAX
from bot.languages import LANGUAGES
from bot.live import Served
from tests.conftest import says


def labels(reply: Reply) -> dict[str, str]:
    return {b.label: b.action for row in reply.buttons for b in row if b.action is not None}


def test_menu_language_prefers_choice_then_app_then_default(served: Served) -> None:
    d = served.dialog
    assert served.kb.languages == ("en", "ar", "uk")
    assert d.menu_lang(User("ar", "uk")) == "ar"
    assert d.menu_lang(User(None, "uk-UA")) == "uk"
    assert d.menu_lang(User(None, "pt-BR")) == "en"
    assert d.menu_lang(User(None, "pl")) == "en", "a language the knowledge lacks"
    assert d.menu_lang(User()) == "en"


def test_answer_has_question_answer_source_date_and_buttons(served: Served) -> None:
    entry = served.kb.entry("iom-what")
    assert entry is not None
    question = "what kind of organisation is the IOM, tell me"
    outcome = served.dialog.handle(TextMessage(question), User())
    (reply,) = outcome.replies
    text = reply.plain_text()
    assert text.startswith(entry.title("en", "en"))
    assert (entry.answer.get("en") or "-") in text
    links = [span.url for p in reply.paragraphs for span in p if span.style == "link"]
    assert links == [served.kb.articles[source].url for source in entry.sources]
    pressed = labels(reply).values()
    assert actions.vote(entry.id, True, "en") in pressed
    assert actions.vote(entry.id, False, "en") in pressed
    related = [actions.entry(other, "en") for other in entry.related]
    assert [action for action in pressed if action.startswith("e:")] == related
    assert outcome.details["status"] == "answer"
    assert outcome.details["entry"] == entry.id
    assert "organisation" not in " ".join(outcome.details.values()), "no user text in details"


@pytest.mark.parametrize("lang", ["en", "ar", "uk"])
def test_dates_are_localized(served: Served, lang: str) -> None:
    entry = served.kb.entry("tampere-conference")
    assert entry is not None
    article = served.kb.articles[entry.sources[0]]
    assert article.date == "2019-10-24"
    locale = served.kb.locale(lang)
    month = (locale.months_of_day or locale.months)[9]
    shown = says(served.kb, lang, "date_day", day="24", month=month, year="2019")
    reply = served.dialog.handle(Press(actions.entry(entry.id, lang)), User()).replies[0]
    assert shown in reply.plain_text()


def test_unchecked_translation_note_and_show_english(served: Served) -> None:
    kb = served.kb
    entry = kb.entry("iceland-asylum")
    assert entry is not None
    assert "uk" in entry.unchecked
    reply = served.dialog.handle(Press(actions.entry(entry.id, "uk")), User()).replies[0]
    assert says(kb, "uk", "unchecked_note") in reply.plain_text()
    assert labels(reply)[says(kb, "uk", "button_show_original")] == actions.original(entry.id)
    english = served.dialog.handle(Press(actions.original(entry.id)), User()).replies[0]
    assert english.lang == "en"
    assert says(kb, "en", "unchecked_note") not in english.plain_text()
    checked = served.dialog.handle(Press(actions.entry("iceland-work", "uk")), User()).replies[0]
    assert says(kb, "uk", "unchecked_note") not in checked.plain_text()
    assert says(kb, "uk", "button_show_original") not in labels(checked)


def test_forget_and_language_choice_are_state_changes(served: Served) -> None:
    chosen = served.dialog.handle(Press(actions.language("ar")), User(None, "en"))
    assert chosen.set_language == "ar"
    assert chosen.replies[0].plain_text() == says(served.kb, "ar", "language_set")
    forgotten = served.dialog.handle(Command("forget"), User("ar", "uk"))
    assert forgotten.forget
    assert forgotten.replies[0].lang == "uk"  # back to the app's language


def test_empty_long_and_control_character_messages(served: Served) -> None:
    d, kb = served.dialog, served.kb
    empty = d.handle(TextMessage(" \n\t "), User()).replies[0].plain_text()
    assert empty == says(kb, "en", "empty_message")
    noisy = "asylum\x00 in\u200b iceland\x07"
    assert d.handle(TextMessage(noisy), User()).details.get("entry") == "iceland-asylum"
    story = "I came here last year with my family and we do not know anyone. " * 20
    # A long message is read whole: the sentence that asks is matched, nothing is cut silently.
    long = d.handle(TextMessage(story + "How do I ask for asylum in Iceland? " + story), User())
    assert long.details.get("entry") == "iceland-asylum"
    assert all("very long" not in r.plain_text() for r in long.replies)


def test_unsupported_and_unknown(served: Served) -> None:
    d, kb = served.dialog, served.kb
    sticker = d.handle(Unsupported("sticker"), User()).replies[0].plain_text()
    assert sticker == says(kb, "en", "non_text_reply")
    unknown = d.handle(Command("nope"), User()).replies[0].plain_text()
    assert says(kb, "en", "unknown_command", command="/nope") in unknown
    long = d.handle(Command("x" * 5000), User()).replies[0].plain_text()
    assert says(kb, "en", "unknown_command", command="/" + "x" * 31 + "…") in long


@pytest.mark.parametrize("where", ["shipped", "fixture"])
def test_the_locale_texts_are_exactly_the_keys_the_code_uses(
    where: str, kb: KnowledgeBase, served: Served
) -> None:
    """`TextKey` lists every key the code passes to `Texts` (mypy checks each call), so an
    unused, missing or misspelt key in a locale file is caught here."""
    knowledge = kb if where == "shipped" else served.kb
    for lang in knowledge.languages:
        assert set(knowledge.locales[lang].strings) == set(get_args(TextKey)), lang


def test_button_data_fits_telegram_limits() -> None:
    longest = "a" * ID_MAX
    for lang in LANGUAGES:
        assert len(actions.vote(longest, False, lang).encode()) <= actions.MAX_DATA_BYTES
        assert len(actions.entry(longest, lang).encode()) <= actions.MAX_DATA_BYTES
    payload = actions.deep_link("entry", longest)
    assert len(payload) <= actions.MAX_PAYLOAD_CHARS
    assert actions.parse_deep_link(payload) == actions.Action("entry", longest)
    assert actions.parse("v:+:iceland-work:en") == actions.Action("vote", "iceland-work", "en", 1)
    assert actions.parse("e:../../etc:en") is None
    assert actions.parse("é" * 40) is None
    assert actions.parse(None) is None


def test_staff_messages_answer_close_or_get_a_note(served: Served) -> None:
    """What each message in the staff group does (the channel only carries it out)."""
    handoff = Handoff(served.kb, HandoffOptions())

    def staff(text: str | None, state: str = "open", ticket: int | None = 7) -> StaffOutcome:
        assert state in ("open", "closed", "unknown", "none")
        return handoff.staff(StaffMessage(ticket, state, "uk", text))  # type: ignore[arg-type]

    answer = staff("Добрий день")
    assert answer.kind == "answer"
    assert answer.to_user[0].plain_text() == (
        says(served.kb, "uk", "handoff_reply", number="7") + "\n\nДобрий день"
    )
    assert not answer.copy
    assert staff(None).copy, "a photo or file goes as a copy after the header"
    closing = staff("/close@migration_faq_test_bot")
    assert (closing.close, closing.kind) == (True, "close")
    assert closing.to_user[0].lang == "uk"
    assert staff("// I take this one").kind == "note"
    assert staff("/help").kind == "command"
    assert staff("Hello", "closed").to_user == ()
    assert staff("Hello", "closed").to_staff[0].plain_text() == says(
        served.kb, "en", "staff_not_open", ticket="#7"
    )
    assert staff("Hello", "unknown", None).kind == "unknown"
    assert staff("lunch?", "none", None) == StaffOutcome()
    assert staff("/close", "none", None).kind == "unknown", "/close outside a ticket is told"
    assert ticket_in("Ticket #12 · English (en)\n\n#3 words") == 12
    assert ticket_in("no ticket here") is None


def test_without_a_staff_group_the_dialog_offers_no_person(served: Served) -> None:
    d = served.dialog
    assert d.handoff is None
    for event in (TextMessage("zzzz qqqq"), Command("help"), Command("human"), Command("end")):
        outcome = d.handle(event, User())
        assert outcome.handoff is None
        pressed = [b.action for r in outcome.replies for row in r.buttons for b in row]
        assert actions.handoff("en") not in pressed
    assert d.handle(Press(actions.handoff("en")), User()).kind == "stale"
