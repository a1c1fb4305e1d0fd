"""Every reader, with the shipped knowledge: Persian and French end to end in the dialog,
languages the bot does not read answered honestly, short texts kept in the user's language,
Arabic in Latin letters, and "Show in English" leaving the user's language alone.

The messages are this file's own (the evaluation sets stay unseen).
"""

from __future__ import annotations

import pytest

from bot.dialog import Command, Dialog, Press, TextMessage, User, actions
from bot.kb import KnowledgeBase
from bot.languages import NATIVE_NAMES
from bot.matching import Matcher


@pytest.fixture(scope="module")
def dialog(kb: KnowledgeBase, matcher: Matcher) -> Dialog:
    return Dialog(kb, matcher)


@pytest.mark.parametrize(
    ("lang", "question", "topic"),
    [
        ("fa", "آیا می‌توانم در ایسلند کار پیدا کنم؟", "iceland"),
        ("fr", "est-ce que je peux travailler en Islande ?", "iceland"),
    ],
)
def test_a_whole_conversation_in_persian_and_french(
    dialog: Dialog, kb: KnowledgeBase, lang: str, question: str, topic: str
) -> None:
    user = User(client_lang=lang)
    start = dialog.handle(Command("start"), user).replies[0]
    assert start.lang == lang
    assert kb.locale(lang).strings["ask_prompt"] in start.plain_text()
    assert all(NATIVE_NAMES[code] in start.plain_text() for code in kb.languages)
    answer = dialog.handle(TextMessage(question), user)
    assert (answer.details["status"], answer.replies[0].lang) == ("answer", lang)
    entry = kb.entry(answer.details["entry"])
    assert entry is not None
    assert entry.topic == topic
    assert answer.replies[0].plain_text().startswith(entry.title(lang, "en"))
    assert answer.replies[0].right_to_left == (lang == "fa")
    page = dialog.handle(Press(actions.topic(topic, lang)), user).replies[0]
    assert page.lang == lang
    menu = dialog.handle(Command("language"), user).replies[0]
    labels = [b.label for row in menu.buttons for b in row]
    assert "فارسی" in labels
    assert "Français" in labels


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("de", "Ich möchte gerne wissen, wie ich in Schweden arbeiten kann."),
        ("tr", "İsveç'te nasıl çalışabilirim, bana yardım eder misiniz?"),
        ("so", "Waxaan rabaa inaan shaqo ka helo Iswiidhan, sideen u sameeyaa?"),
        ("ti", "ኣብ ስዊድን ስራሕ ክረክብ ደልየ ኣለኹ"),
        ("vi", "Tôi muốn tìm việc làm ở Thụy Điển, tôi phải làm gì?"),
    ],
)
def test_a_language_the_bot_does_not_read_gets_one_honest_line(
    dialog: Dialog, kb: KnowledgeBase, code: str, message: str
) -> None:
    outcome = dialog.handle(TextMessage(message), User(client_lang="en"))
    assert outcome.details["status"] == "language"
    (reply,) = outcome.replies
    assert reply.lang == code
    line = kb.unsupported.lines[code]
    assert reply.plain_text().startswith(line.split("{")[0].strip())
    assert "112" in reply.plain_text()
    labels = [b.label for row in reply.buttons for b in row]
    assert labels == [NATIVE_NAMES[lang] for lang in kb.languages]


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("id", "Saya ingin mencari pekerjaan di Swedia, apa yang harus saya lakukan?"),
        ("lt", "Noriu dirbti Švedijoje, bet nežinau, nuo ko pradėti."),
        ("nb", "Jeg vil gjerne vite hvordan jeg kan søke asyl i Norge."),
    ],
)
def test_a_language_the_detector_is_sure_of_is_named(
    matcher: Matcher, code: str, message: str
) -> None:
    """Indonesian and Lithuanian are not among the languages its best guess weighs; CLD2's
    code for Norwegian Bokmål is `no`."""
    decision = matcher.match(message, user_lang="en")
    assert (decision.status, decision.lang) == ("language", code)


def test_characters_the_detector_refuses_change_nothing(matcher: Matcher) -> None:
    """CLD2 rejects control characters, noncharacters and lone surrogates as invalid UTF-8."""
    text = "Ich möchte gerne wissen, wie ich in Schweden arbeiten."
    noisy = "Ich möchte\x00 gerne\x7f wissen, wie ich in \uffff Schweden \ud800arbeiten \U0010ffff."
    assert matcher.foreign.detect(noisy) == matcher.foreign.detect(text) == "de"


def test_no_phrasing_of_the_knowledge_base_is_taken_for_another_language(
    kb: KnowledgeBase, matcher: Matcher
) -> None:
    taken = [
        (lang, question, code)
        for entry in kb.entries
        for lang in entry.questions.languages()
        for question in entry.questions.get(lang)
        if (code := matcher.foreign.detect(question)) is not None
    ]
    assert taken == []


@pytest.mark.parametrize(
    ("text", "user_lang"),
    [
        ("ok", "en"),
        ("ok", "uk"),
        ("menu", "en"),
        ("merci", "en"),
        ("112", "ar"),
        ("IOM", "uk"),
        ("Reykjavik", "ar"),
    ],
)
def test_short_texts_keep_the_users_language(matcher: Matcher, text: str, user_lang: str) -> None:
    assert matcher.match(text, user_lang=user_lang).lang == user_lang


def test_arabic_in_latin_letters_gets_arabic(matcher: Matcher) -> None:
    decision = matcher.match("marhaba, kifak, bdi 2e3raf 3an el shoghl bi island", user_lang="ar")
    assert decision.status != "language"
    assert decision.lang == "ar"
    english = matcher.match("where is the IOM office in Finland", user_lang="ar")
    assert english.lang == "en", "English from an Arabic reader stays English"


def test_show_in_english_leaves_the_users_language(dialog: Dialog, kb: KnowledgeBase) -> None:
    user = User(chosen_lang="uk")
    entry = next(e for e in kb.entries if "uk" in e.unchecked)
    english = dialog.handle(Press(actions.original(entry.id)), user).replies[0]
    assert english.lang == "en"
    assert english.plain_text().startswith(entry.title("en", "en"))
    pressed = [b.action for row in english.buttons for b in row]
    assert actions.menu("uk") in pressed
    topics = dialog.handle(Press(actions.menu("uk")), user).replies[0]
    assert topics.lang == "uk"
