"""The dialog core without any channel: events in, replies and state changes out."""

from __future__ import annotations

from bot.dialog import Command, Dialog, Press, TextMessage, Unsupported, User, actions
from bot.kb import KnowledgeBase
from bot.matching import Matcher


def dialog(kb: KnowledgeBase, matcher: Matcher) -> Dialog:
    return Dialog(kb, matcher)


def test_menu_language_prefers_choice_then_app_then_default(
    kb: KnowledgeBase, matcher: Matcher
) -> None:
    d = dialog(kb, matcher)
    assert d.menu_lang(User("pl", "uk")) == "pl"
    assert d.menu_lang(User(None, "uk-UA")) == "uk"
    assert d.menu_lang(User(None, "pt-BR")) == "en"
    assert d.menu_lang(User()) == "en"


def test_answer_has_question_answer_source_date_and_buttons(
    kb: KnowledgeBase, matcher: Matcher
) -> None:
    outcome = dialog(kb, matcher).handle(TextMessage("who leads IOM?"), User())
    (reply,) = outcome.replies
    text = reply.plain_text()
    assert text.startswith("Who is the head of IOM?")
    assert "Amy E. Pope" in text
    links = [span for p in reply.paragraphs for span in p if span.style == "link"]
    assert (
        links[0].url
        == "https://croatia.iom.int/news/amy-pope-makes-history-first-woman-director-general-iom"
    )
    actions_sent = [b.action for row in reply.buttons for b in row]
    assert actions.vote("iom-leader", True, "en") in actions_sent
    assert outcome.details["status"] == "answer"
    assert "Amy" not in " ".join(outcome.details.values())


def test_dates_are_localized(kb: KnowledgeBase, matcher: Matcher) -> None:
    d = dialog(kb, matcher)
    ru = d.handle(Press(actions.entry("tampere-keynote", "ru")), User()).replies[0].plain_text()
    assert "24 октября 2019 г." in ru
    fi = d.handle(Press(actions.entry("iceland-why-matters", "fi")), User()).replies[0].plain_text()
    assert "noin helmikuu 2018" in fi
    es = d.handle(Press(actions.entry("tampere-keynote", "es")), User()).replies[0].plain_text()
    assert "24 de octubre de 2019" in es


def test_unchecked_translation_note_and_show_english(kb: KnowledgeBase, matcher: Matcher) -> None:
    d = dialog(kb, matcher)
    reply = d.handle(Press(actions.entry("gcm-binding", "pl")), User()).replies[0]
    assert "Tłumaczenie automatyczne: obowiązuje wersja angielska." in reply.plain_text()
    labels = {b.label: b.action for row in reply.buttons for b in row}
    assert labels["🇬🇧 Pokaż po angielsku"] == actions.original("gcm-binding")
    english = d.handle(Press(actions.original("gcm-binding")), User()).replies[0]
    assert english.lang == "en"
    assert "Automatic translation" not in english.plain_text()


def test_forget_and_language_choice_are_state_changes(kb: KnowledgeBase, matcher: Matcher) -> None:
    d = dialog(kb, matcher)
    chosen = d.handle(Press(actions.language("is")), User(None, "en"))
    assert chosen.set_language == "is"
    assert chosen.replies[0].plain_text() == "Héðan í frá svara ég á íslensku."
    forgotten = d.handle(Command("forget"), User("is", "uk"))
    assert forgotten.forget
    assert forgotten.replies[0].lang == "uk"  # back to the app's language


def test_empty_long_and_control_character_messages(kb: KnowledgeBase, matcher: Matcher) -> None:
    d = dialog(kb, matcher)
    assert (
        "Please type a question" in d.handle(TextMessage(" \n\t "), User()).replies[0].plain_text()
    )
    noisy = "asylum\x00 in\u200b iceland\x07"
    assert d.handle(TextMessage(noisy), User()).details.get("entry") == "iceland-asylum"
    story = "I came here last year with my family and we do not know anyone. " * 20
    # A long message is read whole: the sentence that asks is matched, nothing is cut silently.
    long = d.handle(TextMessage(story + "How do I seek asylum in Iceland? " + story), User())
    assert long.details.get("entry") == "iceland-asylum"
    assert "very long" not in long.replies[0].plain_text()


def test_unsupported_and_unknown(kb: KnowledgeBase, matcher: Matcher) -> None:
    d = dialog(kb, matcher)
    assert (
        "I can only read text" in d.handle(Unsupported("sticker"), User()).replies[0].plain_text()
    )
    assert "/nope" in d.handle(Command("nope"), User()).replies[0].plain_text()


def test_every_ui_key_the_dialog_uses_exists_in_every_locale(kb: KnowledgeBase) -> None:
    import re
    from pathlib import Path

    import bot.dialog

    source = "\n".join(
        p.read_text(encoding="utf-8") for p in Path(bot.dialog.__file__).parent.glob("*.py")
    )
    used = set(re.findall(r"\bt\(\s*\"([a-z_]+)\"", source)) | set(
        re.findall(r"\(\"([a-z_]+)\"\)", source)
    )
    used |= {f"cmd_{name}" for name in bot.dialog.COMMANDS}
    used &= set(kb.locale("en").strings)
    assert len(used) > 25
    for lang in kb.languages:
        missing = used - set(kb.locales[lang].strings)
        assert not missing, (lang, missing)


def test_button_data_fits_telegram_limits(kb: KnowledgeBase) -> None:
    for entry in kb.entries:
        for lang in kb.languages:
            assert len(actions.vote(entry.id, False, lang).encode()) <= 64
            assert len(actions.entry(entry.id, lang).encode()) <= 64
        payload = actions.deep_link("entry", entry.id)
        assert len(payload) <= 64
        assert actions.parse_deep_link(payload) == actions.Action("entry", entry.id)
    assert actions.parse("v:+:iceland-work:en") == actions.Action("vote", "iceland-work", "en", 1)
    assert actions.parse("e:../../etc:en") is None
    assert actions.parse("é" * 40) is None
    assert actions.parse(None) is None
