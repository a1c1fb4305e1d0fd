"""At-least-once delivery, end to end: the real bot process over the fake Bot API.

- killed with SIGKILL while questions are queued, then restarted: every question is answered;
- an update the library cannot read is skipped (logged once, without user data) and every
  other user keeps being answered.
"""

from __future__ import annotations

import asyncio
import json
import signal
import sqlite3
import time
from pathlib import Path

import aiohttp
import pytest

from bot.live import Served
from tests import botprocess, updates
from tests.conftest import stop_bot
from tests.fakebotapi import FakeBotApi
from tests.test_telegram_e2e import start_webhook_bot

pytestmark = pytest.mark.slow


async def test_a_killed_bot_answers_every_queued_question_after_a_restart(
    fake_api: FakeBotApi, tmp_path: Path
) -> None:
    users = list(range(5000, 5060))
    update_of = {fake_api.push(updates.text("What is IOM?", uid=user)): user for user in users}
    log = tmp_path / "bot.log"
    first = botprocess.start(fake_api, tmp_path, log)
    try:
        # Killed as soon as the first answers go out: most questions are fetched, not answered.
        deadline = time.monotonic() + 60
        while len(fake_api.sent()) < 5:
            assert first.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            await asyncio.sleep(0.01)
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    finally:
        first.kill()
    # Sends that reached the fake server before the kill finish there a moment later.
    await asyncio.sleep(0.5)
    answered_first = {int(p["chat_id"]) for p in fake_api.sent()}
    assert len(answered_first) < len(users), "the kill came too late to test anything"
    with sqlite3.connect(tmp_path / "bot.sqlite3") as db:
        recorded = {update_of[r[0]] for r in db.execute("SELECT update_id FROM handled_update")}
    assert recorded, "nothing was recorded as handled before the kill"
    second = botprocess.start(fake_api, tmp_path, log)
    try:
        replies = await botprocess.answered(fake_api, users, within=60)
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(20)
    assert [u for u in users if not replies[u]] == []
    # What was recorded as handled is never handled again. A reply whose send was under way
    # at the kill can go out once more (at least once, never lost): only those are doubled.
    assert all(replies[u] == 1 for u in recorded)
    doubled = {u for u in users if replies[u] > 1}
    assert doubled <= answered_first - recorded
    assert all(replies[u] <= 2 for u in users)


async def test_an_unreadable_update_is_skipped_and_everyone_else_answered(
    fake_api: FakeBotApi, tmp_path: Path
) -> None:
    # A poll in a shape the library does not read (as from a Bot API server of another
    # version), from a user whose name and text must not reach the log.
    poison = updates.text("SECRET-MARKER-TEXT", uid=777001)
    poison["message"]["from"]["username"] = "secret_marker_user"
    poison["message"]["poll"] = {"id": "1"}
    poison_id = fake_api.push(poison)
    users = [6001, 6002, 6003, 6004, 6005]
    for user in users:
        fake_api.push(updates.text("What is IOM?", uid=user))
    log = tmp_path / "bot.log"
    started = time.monotonic()
    # JSON logs (BOT_LOG_FORMAT=json) keep the same promise.
    bot = botprocess.start(fake_api, tmp_path, log, BOT_LOG_FORMAT="json")
    try:
        replies = await botprocess.answered(fake_api, users, within=60)
        took = time.monotonic() - started
        # The poison update is confirmed: Telegram would not send it again.
        await asyncio.sleep(0.5)
        assert all(u["update_id"] != poison_id for u in fake_api.updates)
    finally:
        bot.send_signal(signal.SIGTERM)
        bot.wait(20)
    assert all(replies[u] == 1 for u in users), replies
    text = log.read_text(encoding="utf-8")
    assert text.count(f"update {poison_id} could not be read") == 1
    for secret in ("SECRET-MARKER-TEXT", "secret_marker_user", "777001"):
        assert secret not in text
    assert len(text.encode()) < 10_000
    assert took < 30
    records = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
    assert any(r["message"].startswith(f"update {poison_id} could not be read") for r in records)


async def test_a_webhook_is_answered_once_the_update_is_handled_and_never_twice(
    fake_api: FakeBotApi, tmp_path: Path, unused_tcp_port: int, served: Served
) -> None:
    bot = await start_webhook_bot(fake_api, tmp_path, unused_tcp_port, served)
    url = f"http://127.0.0.1:{unused_tcp_port}/telegram"
    headers = {"X-Telegram-Bot-Api-Secret-Token": "s3cret-token_1"}
    entry = served.kb.entries[0]
    question = updates.text(entry.questions.get("en")[0], uid=8101)
    question["update_id"] = 7001
    poison = updates.text("SECRET-MARKER-TEXT", uid=8102)
    poison["message"]["poll"] = {"id": "1"}
    poison["update_id"] = 7002
    try:
        # The first send is slow: Telegram's request is answered only after it went out.
        fake_api.fail("sendMessage", "slow", times=1, value=0.3)
        async with aiohttp.ClientSession() as session:
            async with session.post(url, json=question, headers=headers) as response:
                assert response.status == 200
                assert len(fake_api.sent()) == 1
            # Telegram sending it again (it got no answer in time): answered, not handled again.
            async with session.post(url, json=question, headers=headers) as response:
                assert response.status == 200
            async with session.post(url, json=poison, headers=headers) as response:
                assert response.status == 200  # skipped, so Telegram stops sending it
        assert len(fake_api.sent()) == 1
    finally:
        await stop_bot(bot)
    # The handled id is remembered across a restart: a late retry is not answered again.
    again = await start_webhook_bot(fake_api, tmp_path, unused_tcp_port, served)
    try:
        async with (
            aiohttp.ClientSession() as session,
            session.post(url, json=question, headers=headers) as response,
        ):
            assert response.status == 200
        assert len(fake_api.sent()) == 1
    finally:
        await stop_bot(again)


def test_the_ledger_keeps_its_offset_behind_what_is_being_handled_and_its_memory_bounded() -> None:
    from bot.channels.telegram.delivery import REMEMBERED_IN_MEMORY, DeliveryLedger

    ledger = DeliveryLedger()
    for update_id in (10, 11, 12):
        assert ledger.is_new(update_id)
        ledger.started(update_id)
    ledger.done(11)
    ledger.done(12)
    assert ledger.offset == 10  # 10 is still being handled: nothing after it is confirmed
    assert not ledger.is_new(11)  # handled: skipped when Telegram sends it again
    ledger.done(10)
    assert ledger.offset == 13
    for update_id in range(100, 100 + 3 * REMEMBERED_IN_MEMORY):
        ledger.is_new(update_id)
        ledger.started(update_id)
        ledger.done(update_id)
    assert len(ledger._handled) <= REMEMBERED_IN_MEMORY
    assert ledger.handled(100 + 3 * REMEMBERED_IN_MEMORY - 1)
