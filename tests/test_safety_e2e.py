"""End to end: a person in danger writes to the real Application over the fake Bot API and gets
the safety reply first, in their language, with the emergency number in its first line and
buttons that work. Runs on the fixture knowledge (its cues and contacts are test data)."""

from __future__ import annotations

from typing import Any

import pytest

from bot.dialog import actions
from bot.dialog.reply import RIGHT_TO_LEFT_MARK
from tests import updates
from tests.conftest import RunningBot
from tests.fakebotapi import BOT_ID

# A message in each language that the fixture's cues flag, and a word of the reply's
# language that the fixture's locale texts contain.
MESSAGES = [
    ("en", "please help, I want to die"),
    ("ar", "أريد أن أموت الآن"),
    ("uk", "допоможіть, чоловік мене б'є"),
]


def callback_data(sent: dict[str, Any]) -> list[str]:
    markup = sent.get("reply_markup") or {}
    return [b["callback_data"] for row in markup.get("inline_keyboard", []) for b in row]


@pytest.mark.parametrize(("lang", "message"), MESSAGES)
async def test_the_safety_reply_reaches_the_user_first(
    running_bot: RunningBot, lang: str, message: str
) -> None:
    kb = running_bot.kb
    emergency = kb.contacts[kb.config.emergency_contact or ""]
    locale = kb.locale(lang).strings
    before = len(running_bot.api.sent())
    running_bot.api.push(updates.text(message, lang=lang))
    sent = (await running_bot.api.wait_for("sendMessage", before + 1))[before]
    first_line = sent["text"].split("\n")[0]
    assert emergency.phone is not None
    assert emergency.phone in first_line
    assert first_line.lstrip(RIGHT_TO_LEFT_MARK).startswith("<b>")  # bold, Arabic laid out RTL
    assert locale["crisis_bot_is"].split(":")[0] in sent["text"]
    assert locale["none_reply"].split(",")[0] not in sent["text"]
    helpline = kb.contacts["fixture-helpline"]
    assert helpline.phone is not None
    assert helpline.phone in sent["text"]
    # The topics button works: pressing it edits the message into the topics menu.
    assert callback_data(sent)[-1] == actions.menu(lang)
    on = updates.bot_message(111, sent["text"], 8001, BOT_ID)
    edits = len(running_bot.api.sent("editMessageText"))
    running_bot.api.push(updates.press(actions.menu(lang), lang=lang, on=on))
    menu = (await running_bot.api.wait_for("editMessageText", edits + 1))[-1]
    assert locale["topics_heading"] in menu["text"]


async def test_an_ordinary_question_with_an_alarming_word_gets_its_answer(
    running_bot: RunningBot,
) -> None:
    before = len(running_bot.api.sent())
    running_bot.api.push(updates.text("killer whales near Iceland", lang="en"))
    sent = (await running_bot.api.wait_for("sendMessage", before + 1))[before]
    emergency = running_bot.kb.contacts[running_bot.kb.config.emergency_contact or ""]
    assert emergency.phone is not None
    assert not sent["text"].split("\n")[0].count(emergency.phone)
