"""The safety layer with the shipped knowledge: a person in danger gets help first, in their
language, with the emergency number in the first line; ordinary questions raise no alarm;
every number the bot gives comes from knowledge/contacts.yaml; the files are validated.

The crisis messages here are this file's own wordings (the evaluation sets stay unseen).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from bot.dialog import Dialog, Press, TextMessage, User, actions
from bot.dialog.reply import Reply
from bot.kb import KnowledgeBase, check_knowledge
from bot.matching import Matcher
from tests.conftest import KNOWLEDGE
from tests.test_knowledge_validation import expect_problem, line_of, replace_in

# (message, kind, language): every kind, in several languages and three scripts.
CRISES = [
    ("i really want to kill myself", "self-harm", "en"),
    ("لا أريد أن أعيش بعد الآن", "self-harm", "ar"),
    ("я хочу покончить с жизнью", "self-harm", "ru"),
    ("my boyfriend beats me every night", "violence", "en"),
    ("mi marido me pega", "violence", "es"),
    ("чоловік мене б'є", "violence", "uk"),
    ("the boss took my passport and does not pay me", "trafficking", "en"),
    ("pracodawca zabrał mi paszport", "trafficking", "pl"),
    ("забрали паспорт и заставляют работать", "trafficking", "ru"),
    ("someone is following me right now", "danger", "en"),
    ("he says he will kill me", "danger", "en"),
    ("my baby is not breathing", "medical", "en"),
    ("ابني لا يتنفس", "medical", "ar"),
    ("we have nowhere to sleep tonight", "basic-needs", "en"),
    ("no tenemos nada para comer", "basic-needs", "es"),
]

ORDINARY = [
    "In how many countries are same-sex relations a crime?",
    "Does the Global Compact mention human trafficking?",
    "killer whales near Reykjavik",
    "How does IOM help victims of trafficking?",
    "What is the death penalty for being gay?",
    "Who is the head of IOM?",
]


@pytest.fixture(scope="module")
def dialog(kb: KnowledgeBase, matcher: Matcher) -> Dialog:
    return Dialog(kb, matcher)


def emergency_number(kb: KnowledgeBase) -> str:
    contact = kb.contacts[kb.config.emergency_contact or ""]
    assert contact.phone is not None
    return contact.phone


@pytest.mark.parametrize(("message", "kind", "lang"), CRISES)
def test_a_person_in_danger_gets_the_safety_reply_first(
    dialog: Dialog, kb: KnowledgeBase, message: str, kind: str, lang: str
) -> None:
    outcome = dialog.handle(TextMessage(message), User(client_lang=lang))
    assert outcome.details["status"] == "crisis"
    assert outcome.details["kind"] == kind
    first = outcome.replies[0]
    assert first.lang == lang
    first_line = first.plain_text().split("\n")[0]
    assert emergency_number(kb) in first_line
    none_reply = dialog.handle(TextMessage("zzzz qqqq"), User(client_lang=lang)).replies[0]
    assert none_reply.plain_text() not in first.plain_text()
    pressed = [b.action for row in first.buttons for b in row]
    assert actions.topic("help", lang) in pressed


@pytest.mark.parametrize("message", ORDINARY)
def test_ordinary_questions_with_alarming_words_raise_no_alarm(
    dialog: Dialog, message: str
) -> None:
    assert dialog.handle(TextMessage(message), User()).details["status"] != "crisis"


def test_the_whole_message_is_read_and_an_faq_question_in_it_is_answered_after(
    dialog: Dialog,
) -> None:
    story = "We came to Finland two years ago and the children like their school. " * 12
    message = "Who is the head of IOM? " + story + "My husband beats me and I am afraid."
    assert len(message) > 800
    outcome = dialog.handle(TextMessage(message), User())
    assert outcome.details["status"] == "crisis"
    assert outcome.details["kind"] == "violence"
    assert len(outcome.replies) == 2, "the safety reply, then the answer to the question"
    assert outcome.details["entry"] == "iom-leader"


def test_the_help_button_opens_the_help_topic(dialog: Dialog) -> None:
    crisis = dialog.handle(TextMessage("i want to end my life"), User()).replies[0]
    help_button = next(b for row in crisis.buttons for b in row if b.action == "t:help:en")
    page = dialog.handle(Press(help_button.action), User()).replies[0]
    assert page.buttons, "the help topic lists its questions"


def test_services_of_the_country_named_come_first(dialog: Dialog, kb: KnowledgeBase) -> None:
    for country, code in (("Sweden", "SE"), ("Iceland", "IS"), ("Finland", "FI")):
        reply = dialog.handle(TextMessage(f"I am in {country} and my husband hits me"), User())
        services = linked_services(reply.replies[0], kb)
        assert services, "violence has services besides the emergency number"
        assert code in kb.contacts[services[0]].countries


def linked_services(reply: Reply, kb: KnowledgeBase) -> list[str]:
    """The contacts a reply lists, in order, recognised by their name."""
    names = {c.name: c.id for c in kb.contacts.values()}
    return [names[s.text] for p in reply.paragraphs for s in p if s.text in names]


_FIGURE = re.compile(r"[1-9]\d{0,2}(?:[ .,\u00a0\u202f]\d{3})+")


def _numbers(text: str) -> set[str]:
    """Phone-like runs of digits (spaces or dashes inside), normalized to digits; figures
    written in thousands ("338 000", "452.000") are not phone numbers."""
    runs = re.findall(r"\+?\d[\d \-\u00a0]{1,18}\d|\b\d{3,}\b", text)
    runs = [r for r in runs if not re.fullmatch(r"(?:19|20)\d\d ?[-–] ?\d{2,4}", r.strip())]
    return {re.sub(r"\D", "", run) for run in runs if not _FIGURE.fullmatch(run.strip())}


def test_every_number_in_a_safety_reply_comes_from_the_contacts_file(
    dialog: Dialog, kb: KnowledgeBase
) -> None:
    known = {re.sub(r"\D", "", c.phone) for c in kb.contacts.values() if c.phone}
    for lang in kb.languages:
        for kind in ("self-harm", "violence", "trafficking", "danger", "medical", "basic-needs"):
            for country in ("FI", "SE", "IS"):
                from bot.dialog.crisis import crisis_paragraphs
                from bot.dialog.texts import Texts

                paragraphs = crisis_paragraphs(kb, Texts(kb, lang), (kind,), (country,))
                text = "\n".join("".join(s.text for s in p) for p in paragraphs)
                assert _numbers(text) <= known, (lang, kind, _numbers(text) - known)


def test_answers_give_no_phone_number_of_their_own(kb: KnowledgeBase) -> None:
    """Numbers belong in contacts.yaml, where each has the page it was seen on."""
    known = {re.sub(r"\D", "", c.phone) for c in kb.contacts.values() if c.phone}
    for entry in kb.entries:
        for lang in kb.languages:
            phones = {n for n in _numbers(entry.answer.get(lang) or "") if len(n) >= 6}
            assert phones <= known, (entry.id, lang, phones)


# ---- validation of the files -------------------------------------------------------------


def test_a_contact_without_the_page_it_was_seen_on_is_refused(knowledge_copy: Path) -> None:
    contacts = knowledge_copy / "contacts.yaml"
    line = line_of(contacts, "seen_on:")
    lines = contacts.read_text(encoding="utf-8").splitlines()
    del lines[line - 1]
    contacts.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = check_knowledge(knowledge_copy)
    shown = "\n".join(result.report.render())
    assert result.kb is None
    assert "contacts.yaml" in shown
    assert "seen_on" in shown


def test_an_answer_naming_an_unknown_contact_is_refused(knowledge_copy: Path) -> None:
    faq = knowledge_copy / "faq" / "help.yaml"
    line = line_of(faq, "contacts: [")
    text = faq.read_text(encoding="utf-8").splitlines()[line - 1]
    first = re.search(r"contacts: \[([a-z0-9-]+)", text)
    assert first is not None
    replace_in(faq, f"contacts: [{first[1]}", "contacts: [no-such-service", 1)
    expect_problem(check_knowledge(knowledge_copy), faq, line, "unknown contact")


def test_a_language_without_crisis_cues_is_an_error(knowledge_copy: Path) -> None:
    safety = knowledge_copy / "safety.yaml"
    replace_in(safety, "      uk:\n", "      xx_removed:\n", 1)
    result = check_knowledge(knowledge_copy)
    assert result.kb is None


def test_the_safety_files_are_required(tmp_path: Path) -> None:
    folder = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, folder)
    (folder / "safety.yaml").unlink()
    result = check_knowledge(folder)
    assert result.kb is None
    assert any("safety.yaml" in line for line in result.report.render())
