"""The hand-off to a person, end to end: the real Application against the fake Bot API, with a
user's private chat and a staff group, both as a forum (a topic per ticket) and as a plain
group (a ticket is a thread of replies), on real SQLite files.

Every field the bot sends to the staff group is checked for anything that identifies the
user; expected texts are read from the fixture locales.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import AsyncIterator, Callable
from html import escape, unescape
from pathlib import Path
from typing import Any

import pytest

from bot.dialog import actions
from bot.dialog.texts import TextKey
from bot.live import Served
from bot.store.sqlite import MIGRATIONS
from tests import updates
from tests.conftest import RunningBot, says, start_bot, stop_bot
from tests.fakebotapi import BOT_ID, Call, FakeBotApi
from tests.updates import STAFF_ID

USER = 73100555
OTHER_USER = 73100777
# What a user's profile carries and the staff group must never see.
IDENTIFYING = (str(USER), "Amina", "Haddad", "amina_h_1990", "tg://user")
# Every parameter the bot may send to the staff group, by method.
ALLOWED = {
    "getChat": {"chat_id"},
    "createForumTopic": {"chat_id", "name"},
    "closeForumTopic": {"chat_id", "message_thread_id"},
    "sendMessage": {
        "chat_id",
        "text",
        "parse_mode",
        "link_preview_options",
        "message_thread_id",
        "reply_parameters",
    },
    # from_chat_id names the chat Telegram copies from; the copy in the group shows no sender.
    "copyMessage": {
        "chat_id",
        "from_chat_id",
        "message_id",
        "caption",
        "parse_mode",
        "message_thread_id",
        "reply_parameters",
    },
}
QUESTION = "Can I study in Iceland? I need help with my residence permit"


def html(kb_bot: RunningBot, key: TextKey, lang: str = "en", **values: str) -> str:
    return escape(says(kb_bot.kb, lang, key, **values), quote=False)


def plain(value: str) -> str:
    """A sent HTML text as Telegram shows it (and gives back in reply_to_message)."""
    return unescape(re.sub(r"<[^>]+>", "", value))


def sent_to(api: FakeBotApi, chat_id: int) -> list[Call]:
    return [
        c
        for c in api.calls
        if c.method in ("sendMessage", "copyMessage", "editMessageText")
        and c.params.get("chat_id") == chat_id
    ]


async def until(check: Callable[[], bool], within: float = 10.0) -> None:
    deadline = time.monotonic() + within
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("the bot did not send what was expected in time")
        await asyncio.sleep(0.01)


async def push(bot: RunningBot, update: dict[str, Any], chat_id: int, count: int = 1) -> list[Call]:
    """Queue an update; return the `count` messages it makes the bot send to `chat_id`."""
    before = len(sent_to(bot.api, chat_id))
    bot.api.push(update)
    await until(lambda: len(sent_to(bot.api, chat_id)) >= before + count)
    return sent_to(bot.api, chat_id)[before:]


async def settle(bot: RunningBot) -> None:
    """Let an update that should have no effect be processed: a probe after it is answered
    (the bot answers a sticker in a private chat), then a moment more."""
    await push(bot, updates.sticker(uid=OTHER_USER), OTHER_USER)
    await asyncio.sleep(0.2)


def buttons(call: Call) -> list[str]:
    markup = call.params.get("reply_markup") or {}
    return [b.get("callback_data", "") for row in markup.get("inline_keyboard", []) for b in row]


@pytest.fixture(params=["plain", "forum"])
async def staffed(
    request: pytest.FixtureRequest, fake_api: FakeBotApi, tmp_path: Path, served: Served
) -> AsyncIterator[RunningBot]:
    """The bot with a staff group: a plain group, or a forum with topics."""
    fake_api.add_group(STAFF_ID, forum=request.param == "forum")
    bot = await start_bot(fake_api, tmp_path, served, **staff_settings())
    yield bot
    await stop_bot(bot)


def staff_settings() -> dict[str, object]:
    return {"BOT_MODERATOR_CHAT_ID": str(STAFF_ID), "BOT_HANDOFF_HOURS": "24"}


def forum(bot: RunningBot) -> bool:
    return bool(bot.api.groups[STAFF_ID]["is_forum"])


async def open_ticket(bot: RunningBot, question: str = QUESTION, uid: int = USER) -> Call:
    """/human, then the question; returns the ticket's first message in the staff group."""
    await push(bot, updates.command("/human", uid=uid), uid)
    before = len(sent_to(bot.api, STAFF_ID))
    await push(bot, updates.identified(question, uid), uid)
    await until(lambda: len(sent_to(bot.api, STAFF_ID)) > before)
    return sent_to(bot.api, STAFF_ID)[before]


def staff_answer(bot: RunningBot, value: str | None, ticket: Call) -> dict[str, Any]:
    """A staff member's answer in the ticket: in its topic, or replying to its message."""
    if forum(bot):
        return updates.staff(value, thread=ticket.params["message_thread_id"], forum=True)
    root = ticket.result
    replied = updates.bot_message(STAFF_ID, plain(root["text"]), root["message_id"], BOT_ID)
    return updates.staff(value, reply_to=replied)


def ticket_header(bot: RunningBot, number: int, topic: str = "iceland") -> str:
    found = bot.kb.topic(topic)
    assert found is not None
    ticket = says(bot.kb, "en", "staff_ticket", ticket=f"#{number}")
    return f"{ticket} · English (en) · {found.emoji} {found.title.get('en')}"


def assert_nothing_identifying(api: FakeBotApi) -> None:
    calls = api.to_chat(STAFF_ID)
    assert calls
    for call in calls:
        assert set(call.params) <= ALLOWED[call.method], call.method
        shown = {k: v for k, v in call.params.items() if k != "from_chat_id"}
        dumped = json.dumps(shown, ensure_ascii=False)
        for secret in IDENTIFYING:
            assert secret not in dumped, (call.method, secret)


async def test_the_round_trip_keeps_the_user_anonymous(
    staffed: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    bot, api = staffed, staffed.api
    caplog.set_level("INFO")
    (intro,) = await push(bot, updates.command("/human", uid=USER), USER)
    assert html(bot, "handoff_intro", hours="24", number="112") in intro.params["text"]
    assert html(bot, "handoff_write") in intro.params["text"]
    assert buttons(intro) == [actions.handoff_cancel("en")]

    (sent,) = await push(bot, updates.identified(QUESTION, USER), USER)
    assert sent.params["text"] == html(bot, "handoff_sent", number="1")
    await until(lambda: any(c.method == "sendMessage" for c in api.to_chat(STAFF_ID)))
    ticket = next(c for c in api.to_chat(STAFF_ID) if c.method == "sendMessage")
    how: TextKey = "staff_how_forum" if forum(bot) else "staff_how_plain"
    assert ticket.params["text"] == (
        f"<b>{ticket_header(bot, 1)}</b>\n\n{escape(QUESTION)}\n\n<i>{html(bot, how)}</i>"
    )
    if forum(bot):
        (topic,) = [c for c in api.to_chat(STAFF_ID) if c.method == "createForumTopic"]
        assert topic.params["name"] == "Ticket #1 · English (en)"
        assert ticket.params["message_thread_id"] == topic.result["message_thread_id"]
    else:
        assert "message_thread_id" not in ticket.params
        assert "reply_parameters" not in ticket.params
    assert_nothing_identifying(api)

    answer = "Yes, you can. Which country issued your permit?"
    (reply,) = await push(bot, staff_answer(bot, answer, ticket), USER)
    header = html(bot, "handoff_reply", number="1")
    assert reply.params["text"] == f"<b>{header}</b>\n\n{escape(answer)}"
    assert set(reply.params) == {"chat_id", "text", "parse_mode", "link_preview_options"}
    assert "Sanna" not in json.dumps(reply.params, ensure_ascii=False)

    follow_up = "Finland, in 2023"
    (added,) = await push(bot, updates.identified(follow_up, USER), USER)
    assert added.params["text"] == html(bot, "handoff_added", number="1")
    await until(lambda: len(sent_to(api, STAFF_ID)) >= 2)
    second = sent_to(api, STAFF_ID)[1]
    assert second.params["text"].endswith(escape(follow_up))
    assert second.params["text"].startswith("<b>" + says(bot.kb, "en", "staff_ticket", ticket="#1"))
    if forum(bot):
        assert second.params["message_thread_id"] == ticket.params["message_thread_id"]
    else:
        assert second.params["reply_parameters"]["message_id"] == ticket.result["message_id"]
    assert_nothing_identifying(api)

    logged = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("bot"))
    for secret in (*IDENTIFYING, "residence permit", "Finland, in 2023", answer):
        assert secret not in logged
    assert "ticket 1" in logged


async def test_a_restart_between_question_and_reply_loses_nothing(
    fake_api: FakeBotApi, tmp_path: Path, served: Served
) -> None:
    for is_forum in (False, True):
        fake_api.add_group(STAFF_ID, forum=is_forum)
        state = tmp_path / ("forum" if is_forum else "plain")
        first = await start_bot(fake_api, state, served, **staff_settings())
        ticket = await open_ticket(first, uid=USER if is_forum else OTHER_USER)
        await stop_bot(first)

        second = await start_bot(fake_api, state, served, **staff_settings())
        try:
            uid = USER if is_forum else OTHER_USER
            (reply,) = await push(second, staff_answer(second, "We read it.", ticket), uid)
            assert reply.params["text"].endswith("We read it.")
            assert html(second, "handoff_reply", number="1") in reply.params["text"]
            # The user's next message still goes to the same ticket.
            (added,) = await push(second, updates.identified("Thanks!", uid), uid)
            assert added.params["text"] == html(second, "handoff_added", number="1")
        finally:
            await stop_bot(second)


async def test_replies_from_outside_the_staff_group_are_ignored(staffed: RunningBot) -> None:
    bot = staffed
    ticket = await open_ticket(bot)
    before = len(sent_to(bot.api, USER))
    outsider = staff_answer(bot, "I am not staff, tell me who you are", ticket)
    outsider["message"]["chat"] = {"id": updates.GROUP_ID, "type": "supergroup", "title": "X"}
    bot.api.push(outsider)
    # The same words in a private chat with the bot are only a question to the FAQ.
    bot.api.push(updates.text("/close", uid=OTHER_USER))
    await settle(bot)
    assert len(sent_to(bot.api, USER)) == before
    assert bot.store.handoff_state(USER)[0] is not None, "the ticket is still open"


async def test_a_second_ticket_while_one_is_open_is_refused_politely(staffed: RunningBot) -> None:
    bot = staffed
    await open_ticket(bot)
    (refused,) = await push(bot, updates.command("/human", uid=USER), USER)
    assert refused.params["text"] == html(bot, "handoff_already_open", number="1")
    on = updates.bot_message(USER, "earlier", 8000, BOT_ID)
    (pressed,) = await push(bot, updates.press(actions.handoff("en"), uid=USER, on=on), USER)
    assert pressed.params["text"] == html(bot, "handoff_already_open", number="1")
    topics = [c for c in bot.api.calls if c.method == "createForumTopic"]
    assert len(topics) == (1 if forum(bot) else 0)
    assert len(sent_to(bot.api, STAFF_ID)) == 1


async def test_the_user_closes_with_end_and_both_sides_are_told(staffed: RunningBot) -> None:
    bot = staffed
    ticket = await open_ticket(bot)
    before = len(sent_to(bot.api, STAFF_ID))
    (closed,) = await push(bot, updates.command("/end", uid=USER), USER)
    assert closed.params["text"] == html(bot, "handoff_closed_by_you", number="1")
    await until(lambda: len(sent_to(bot.api, STAFF_ID)) > before)
    note = sent_to(bot.api, STAFF_ID)[before]
    expected = html(bot, "staff_closed_by_user", ticket="#1")
    assert note.params["text"] == f"<i>{expected}</i>"
    if forum(bot):
        await until(lambda: any(c.method == "closeForumTopic" for c in bot.api.calls))
    assert bot.store.handoff_state(USER) == (None, False)
    # A late answer is not sent; the staff read why.
    (late,) = await push(bot, staff_answer(bot, "Are you still there?", ticket), STAFF_ID)
    assert late.params["text"] == f"<i>{html(bot, 'staff_not_open', ticket='#1')}</i>"
    await settle(bot)
    assert sent_to(bot.api, USER)[-1].params["text"] == closed.params["text"]
    # /end again: nothing open.
    (none,) = await push(bot, updates.command("/end", uid=USER), USER)
    assert none.params["text"] == html(bot, "handoff_none_open")


async def test_staff_close_and_both_sides_are_told(staffed: RunningBot) -> None:
    bot = staffed
    ticket = await open_ticket(bot)
    before = len(sent_to(bot.api, STAFF_ID))
    (told,) = await push(bot, staff_answer(bot, "/close", ticket), USER)
    assert told.params["text"] == html(bot, "handoff_closed_by_team", number="1")
    await until(lambda: len(sent_to(bot.api, STAFF_ID)) > before)
    note = sent_to(bot.api, STAFF_ID)[before]
    assert note.params["text"] == f"<i>{html(bot, 'staff_closed', ticket='#1')}</i>"
    if forum(bot):
        await until(lambda: any(c.method == "closeForumTopic" for c in bot.api.calls))
    assert bot.store.handoff_state(USER) == (None, False)
    # The user can open a new ticket, with a new number.
    second = await open_ticket(bot, "Another question about Iceland")
    assert "#2" in second.params["text"]


async def test_forget_closes_and_erases_the_ticket(staffed: RunningBot) -> None:
    bot = staffed
    ticket = await open_ticket(bot)
    before = len(sent_to(bot.api, STAFF_ID))
    (forgotten,) = await push(bot, updates.command("/forget", uid=USER), USER)
    assert forgotten.params["text"] == (
        html(bot, "forget_done") + "\n\n" + html(bot, "forget_handoff", number="1")
    )
    await until(lambda: len(sent_to(bot.api, STAFF_ID)) > before)
    note = sent_to(bot.api, STAFF_ID)[before]
    assert note.params["text"] == f"<i>{html(bot, 'staff_erased_by_user', ticket='#1')}</i>"
    assert bot.store.ticket(1) is None
    assert bot.store.handoff_state(USER) == (None, False)
    # Nothing leads back to the user any more: a late answer reaches no one.
    late = staff_answer(bot, "Hello?", ticket)
    if forum(bot):
        # The topic was closed with the note above; it is no ticket's any more.
        bot.api.push(late)
        await settle(bot)
    else:
        (note,) = await push(bot, late, STAFF_ID)
        assert note.params["text"] == f"<i>{html(bot, 'staff_not_open', ticket='#1')}</i>"
    assert sent_to(bot.api, USER)[-1].params["text"] == forgotten.params["text"]


async def test_users_cannot_reach_each_other_and_staff_talk_stays_in_the_group(
    staffed: RunningBot,
) -> None:
    bot = staffed
    first = await open_ticket(bot, uid=USER)
    second = await open_ticket(bot, "Where is the IOM office?", uid=OTHER_USER)
    assert "#2" in second.params["text"]
    (reply,) = await push(bot, staff_answer(bot, "For the second user", second), OTHER_USER)
    assert reply.params["chat_id"] == OTHER_USER
    before = len(sent_to(bot.api, USER))
    bot.api.push(staff_answer(bot, "// colleagues: I take this one", first))
    bot.api.push(updates.staff("lunch at noon?", forum=forum(bot)))
    await settle(bot)
    assert len(sent_to(bot.api, USER)) == before


async def test_hand_off_off_shows_no_button_anywhere(running_bot: RunningBot) -> None:
    bot = running_bot
    calls = await bot.api.wait_for("setMyCommands", len(bot.kb.languages) + 1)
    assert all(c["command"] not in ("human", "end") for call in calls for c in call["commands"])
    replies = [
        (await push(bot, updates.text("What is the price of bitcoin today?"), 111))[0],
        (await push(bot, updates.text("my husband beats me every night"), 111))[0],
        (await push(bot, updates.command("/help"), 111))[0],
        (await push(bot, updates.command("/start"), 111))[0],
    ]
    for reply in replies:
        assert not [b for b in buttons(reply) if b.startswith("h")], reply.params["text"]
        assert "/human" not in reply.params["text"]
    (human,) = await push(bot, updates.command("/human"), 111)
    assert html(bot, "unknown_command", command="/human") in human.params["text"]
    on = updates.bot_message(111, "old", 8001, BOT_ID)
    (stale,) = await push(bot, updates.press(actions.handoff("en"), on=on), 111)
    assert html(bot, "stale_button") in stale.params["text"]


async def test_the_button_is_under_dont_know_safety_and_help(staffed: RunningBot) -> None:
    bot = staffed
    (none,) = await push(bot, updates.text("What is the price of bitcoin today?", uid=USER), USER)
    (crisis,) = await push(bot, updates.text("my husband beats me every night", uid=USER), USER)
    (helped,) = await push(bot, updates.command("/help", uid=USER), USER)
    for reply in (none, crisis, helped):
        assert actions.handoff("en") in buttons(reply)
    assert html(bot, "help_handoff") in helped.params["text"]
    calls = await bot.api.wait_for("setMyCommands", len(bot.kb.languages) + 1)
    assert [c["command"] for c in calls[-1]["commands"]][-2:] == ["human", "end"]
    # In a group the hand-off is offered nowhere, and /human says to write privately.
    (group,) = await push(bot, updates.command("/human@migration_faq_test_bot", group=True),
                          updates.GROUP_ID)  # fmt: skip
    assert group.params["text"] == html(bot, "handoff_private_only")


async def test_a_message_about_danger_gets_the_safety_reply_first(staffed: RunningBot) -> None:
    bot = staffed
    await push(bot, updates.command("/human", uid=USER), USER)
    danger = "my husband beats me and I need to talk to someone"
    safety, sent = await push(bot, updates.identified(danger, USER), USER, count=2)
    assert safety.params["text"].startswith("<b>" + html(bot, "crisis_call_now", number="112"))
    assert sent.params["text"] == html(bot, "handoff_sent", number="1")
    await until(lambda: any(c.method == "sendMessage" for c in bot.api.to_chat(STAFF_ID)))
    ticket = next(c for c in bot.api.to_chat(STAFF_ID) if c.method == "sendMessage")
    safety_label = says(bot.kb, "en", "staff_safety", kind="violence")
    assert ticket.params["text"].startswith(f"<b>Ticket #1 · English (en) · {safety_label}</b>")


async def test_cancel_and_cool_down(staffed: RunningBot) -> None:
    bot = staffed
    (intro,) = await push(bot, updates.command("/human", uid=USER), USER)
    on = updates.bot_message(USER, plain(intro.params["text"]), 8100, BOT_ID)
    (cancelled,) = await push(bot, updates.press(actions.handoff_cancel("en"), uid=USER, on=on),
                              USER)  # fmt: skip
    assert cancelled.method == "editMessageText"
    assert cancelled.params["text"] == html(bot, "handoff_cancelled")
    (faq,) = await push(bot, updates.text("Can I study in Iceland?", uid=USER), USER)
    assert faq.params["text"].startswith("<b>"), "after Cancel a question is a question again"
    assert bot.api.to_chat(STAFF_ID) == []

    await open_ticket(bot)
    for n in range(4):  # five messages at once are fine...
        (added,) = await push(bot, updates.identified(f"detail {n}", USER), USER)
        assert added.params["text"] == html(bot, "handoff_added", number="1")
    (wait,) = await push(bot, updates.identified("one more", USER), USER)
    seconds = re.search(r"(\d+)", wait.params["text"])
    assert seconds is not None
    assert 1 <= int(seconds.group(1)) <= 10
    assert wait.params["text"] == html(bot, "handoff_cooldown", seconds=seconds.group(1))
    await settle(bot)
    assert len(sent_to(bot.api, STAFF_ID)) == 5


async def test_photos_go_as_copies_and_locations_are_refused(staffed: RunningBot) -> None:
    bot = staffed
    ticket = await open_ticket(bot)
    before = len(sent_to(bot.api, STAFF_ID))
    photo = updates.photo(uid=USER)
    (added,) = await push(bot, photo, USER)
    assert added.params["text"] == html(bot, "handoff_added", number="1")
    await until(lambda: len(sent_to(bot.api, STAFF_ID)) > before)
    copy = sent_to(bot.api, STAFF_ID)[before]
    assert copy.method == "copyMessage"
    assert copy.params["from_chat_id"] == USER
    assert copy.params["message_id"] == photo["message"]["message_id"]
    ticket_name = says(bot.kb, "en", "staff_ticket", ticket="#1")
    assert copy.params["caption"] == f"{ticket_name} · English (en)\n\nis this my permit?"
    assert_nothing_identifying(bot.api)
    (refused,) = await push(bot, updates.location(uid=USER), USER)
    assert refused.params["text"] == html(bot, "handoff_media_refused")
    # A form from the staff reaches the user as a copy after the team's header.
    if forum(bot):
        form = updates.staff_photo(thread=ticket.params["message_thread_id"], forum=True)
    else:
        root = ticket.result
        form = updates.staff_photo(
            reply_to=updates.bot_message(STAFF_ID, plain(root["text"]), root["message_id"], BOT_ID)
        )
    header, copied = await push(bot, form, USER, count=2)
    assert header.params["text"] == f"<b>{html(bot, 'handoff_reply', number='1')}</b>"
    assert copied.method == "copyMessage"
    assert copied.params == {
        "chat_id": USER,
        "from_chat_id": STAFF_ID,
        "message_id": form["message"]["message_id"],
    }


async def test_a_user_who_blocked_the_bot_closes_the_ticket(staffed: RunningBot) -> None:
    bot = staffed
    ticket = await open_ticket(bot)
    bot.api.blocked.add(USER)
    (note,) = await push(bot, staff_answer(bot, "Hello?", ticket), STAFF_ID)
    assert note.params["text"] == f"<i>{html(bot, 'staff_undelivered', ticket='#1')}</i>"
    assert bot.store.ticket(1) is not None
    assert bot.store.handoff_state(USER) == (None, False)


async def test_an_unreachable_staff_group_is_said_honestly(
    fake_api: FakeBotApi, tmp_path: Path, served: Served
) -> None:
    # No add_group: the bot is not in the group it was given.
    bot = await start_bot(fake_api, tmp_path, served, **staff_settings())
    try:
        await push(bot, updates.command("/human", uid=USER), USER)
        fake_api.blocked.add(STAFF_ID)
        (failed,) = await push(bot, updates.identified(QUESTION, USER), USER)
        assert failed.params["text"] == html(bot, "handoff_failed", number="112")
        assert bot.store.ticket(1) is None
        assert bot.store.handoff_state(USER) == (None, True), "the next message tries again"
    finally:
        await stop_bot(bot)


def test_the_schema_has_a_version_for_tickets() -> None:
    assert any("CREATE TABLE ticket" in step for step in MIGRATIONS)


async def test_two_messages_at_once_open_one_ticket(staffed: RunningBot) -> None:
    bot = staffed
    await push(bot, updates.command("/human", uid=USER), USER)
    before = len(sent_to(bot.api, USER))
    bot.api.push(updates.identified("first part of my question", USER))
    bot.api.push(updates.identified("second part", USER))
    await until(lambda: len(sent_to(bot.api, USER)) >= before + 2)
    told = sorted(c.params["text"] for c in sent_to(bot.api, USER)[before:])
    assert told == sorted(
        [html(bot, "handoff_sent", number="1"), html(bot, "handoff_added", number="1")]
    )
    await until(lambda: len(sent_to(bot.api, STAFF_ID)) >= 2)
    assert len([c for c in bot.api.calls if c.method == "createForumTopic"]) == int(forum(bot))
    assert bot.store.ticket(2) is None


async def test_a_photo_can_open_a_ticket(staffed: RunningBot) -> None:
    bot = staffed
    await push(bot, updates.command("/human", uid=USER), USER)
    photo = updates.photo(uid=USER)
    (sent,) = await push(bot, photo, USER)
    assert sent.params["text"] == html(bot, "handoff_sent", number="1")
    await until(lambda: len(sent_to(bot.api, STAFF_ID)) >= 2)
    intro, copy = sent_to(bot.api, STAFF_ID)[:2]
    ticket_name = says(bot.kb, "en", "staff_ticket", ticket="#1")
    how = html(bot, "staff_how_forum" if forum(bot) else "staff_how_plain")
    assert intro.params["text"] == f"<b>{ticket_name} · English (en)</b>\n\n<i>{how}</i>"
    assert copy.method == "copyMessage"
    if forum(bot):
        assert copy.params["message_thread_id"] == intro.params["message_thread_id"]
    else:
        assert copy.params["reply_parameters"]["message_id"] == intro.result["message_id"]
    assert_nothing_identifying(bot.api)
