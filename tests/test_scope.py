"""Honest scope with the shipped knowledge: place awareness, no answer from a shared name
alone, a "don't know" that points somewhere, small talk, and real words never "corrected".

The questions are this file's own (the evaluation sets stay unseen).
"""

from __future__ import annotations

import pytest

from bot.dialog import Dialog, DialogOptions, TextMessage, User, actions
from bot.kb import KnowledgeBase
from bot.matching import Matcher

# The same question about Iceland and about other countries, in three languages.
PLACES = [
    ("en", "Can I get asylum in {place}?", "Iceland", ["Germany", "Canada", "Italy"]),
    ("ru", "Можно ли получить убежище в {place}?", "Исландии", ["Германии", "Канаде", "Италии"]),
    ("es", "¿Puedo pedir asilo en {place}?", "Islandia", ["Alemania", "Canadá", "Italia"]),
]


@pytest.mark.parametrize(("lang", "template", "home", "elsewhere"), PLACES)
def test_an_answer_about_one_country_is_never_given_for_another(
    matcher: Matcher, kb: KnowledgeBase, lang: str, template: str, home: str, elsewhere: list[str]
) -> None:
    about_iceland = matcher.match(template.format(place=home), user_lang=lang)
    assert about_iceland.status in ("answer", "suggest")
    offered = [about_iceland.entry, *(s.entry for s in about_iceland.suggestions)]
    entries = [kb.entry(e) for e in offered if e]
    assert entries
    assert all(e is not None and "IS" in e.places for e in entries), "answers about Iceland"
    for place in elsewhere:
        decision = matcher.match(template.format(place=place), user_lang=lang)
        offered = [decision.entry, *(s.entry for s in decision.suggestions)]
        for entry_id in filter(None, offered):
            entry = kb.entry(entry_id)
            assert entry is not None
            assert not entry.places or "*" in entry.places, (place, entry_id)


@pytest.mark.parametrize(
    "question",
    [
        "Iceland national football team results",
        "IOM job vacancies in Geneva",
        "average salary in Iceland",
        "средняя зарплата в Исландии",
        "clima en Islandia en invierno",
    ],
)
def test_a_shared_name_alone_is_not_an_answer(matcher: Matcher, question: str) -> None:
    assert matcher.match(question).status != "answer"


@pytest.mark.parametrize("question", ["Iceland", "IOM", "what is IOM"])
def test_a_question_about_a_name_itself_still_finds_it(matcher: Matcher, question: str) -> None:
    assert matcher.match(question).status in ("answer", "suggest")


def test_dont_know_points_to_where_to_ask(kb: KnowledgeBase, matcher: Matcher) -> None:
    outcome = Dialog(kb, matcher).handle(
        TextMessage("what is the price of bread in Canada"), User()
    )
    (reply,) = outcome.replies
    assert outcome.details["status"] == "none"
    links = [span.url for p in reply.paragraphs for span in p if span.style == "link"]
    referral = [c for c in kb.contacts.values() if c.referral and "*" in c.countries]
    assert referral, "contacts.yaml offers a referral for any country"
    assert referral[0].url in links
    pressed = [b.action for row in reply.buttons for b in row]
    assert actions.topic("help", "en") in pressed
    assert actions.menu("en") in pressed


def test_none_of_these_also_points_to_where_to_ask(kb: KnowledgeBase, matcher: Matcher) -> None:
    from bot.dialog import Press

    reply = Dialog(kb, matcher).handle(Press(actions.none_of_these("uk")), User()).replies[0]
    assert reply.edit
    assert reply.lang == "uk"
    assert any(span.style == "link" for p in reply.paragraphs for span in p)


def test_small_talk_is_recognised_in_every_language(kb: KnowledgeBase, matcher: Matcher) -> None:
    assert kb.smalltalk.kinds, "knowledge/smalltalk.yaml lists small talk"
    for group in kb.smalltalk.kinds:
        for lang in kb.languages:
            phrase = group.phrases.get(lang)[0]
            decision = matcher.match(phrase, user_lang=lang)
            assert (decision.status, decision.kind) == ("smalltalk", group.kind), (lang, phrase)


def test_small_talk_replies_say_what_the_bot_is(kb: KnowledgeBase, matcher: Matcher) -> None:
    dialog = Dialog(kb, matcher, DialogOptions(operator="Example Organisation"))
    identity = next(g for g in kb.smalltalk.kinds if g.kind == "identity")
    reply = dialog.handle(TextMessage(identity.phrases.get("en")[0]), User()).replies[0]
    assert "Example Organisation" in reply.plain_text()
    anonymous = Dialog(kb, matcher).handle(TextMessage(identity.phrases.get("en")[0]), User())
    assert "Example Organisation" not in anonymous.replies[0].plain_text()


@pytest.mark.parametrize("word", ["hola", "ok", "menu", "merci", "kiitos"])
def test_real_words_are_never_corrected_into_other_words(matcher: Matcher, word: str) -> None:
    analysis = matcher.index.analyse(word)
    assert analysis.corrections == ()


def test_a_typo_is_still_corrected(matcher: Matcher) -> None:
    analysis = matcher.index.analyse("who is the haed of the IOM", "en")
    assert ("haed", "head") in analysis.corrections


@pytest.mark.parametrize(
    ("lang", "question"),
    [
        ("en", "what is the IOM"),
        ("ar", "ما هي منظمة الهجرة الدولية"),
        ("es", "qué es OIM"),
        ("fi", "mikä IOM on"),
        ("is", "hvað er IOM"),
        ("pl", "co to jest IOM"),
        ("ru", "что такое МОМ"),
        ("uk", "що це таке МОМ"),
    ],
)
def test_what_is_iom_gets_the_entry_that_says_what_iom_is(
    matcher: Matcher, lang: str, question: str
) -> None:
    """The best entry, not only the right topic: answers all mention IOM, so the phrasings
    decide a question about the name alone."""
    decision = matcher.match(question, user_lang=lang)
    assert (decision.status, decision.entry, decision.lang) == ("answer", "iom-what", lang)
