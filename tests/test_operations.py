"""What operators see: /healthz and /metrics on their own port, counts without people."""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path

import aiohttp
import pytest
from telegram import Update

from bot.channels.telegram.app import build_application
from bot.channels.telegram.ratelimit import PatientRateLimiter
from bot.live import LiveKnowledge, Served
from bot.logs import JsonFormatter, RedactSecrets, configure
from bot.metrics import TELEGRAM_SILENCE_SECONDS, Health
from tests import updates
from tests.conftest import RunningBot, settings_for, start_bot, stop_bot
from tests.fakebotapi import FakeBotApi
from tests.test_telegram_e2e import start_webhook_bot


async def test_health_and_metrics_are_served_and_hold_no_user(
    fake_api: FakeBotApi, tmp_path: Path, served: Served
) -> None:
    bot = await start_bot(fake_api, tmp_path, served, BOT_METRICS_PORT="0")
    try:
        port = bot.app.bot_data["monitor"].port
        base = f"http://127.0.0.1:{port}"
        entry = bot.kb.entries[0]
        before = len(fake_api.sent())
        fake_api.push(updates.text(entry.questions.get("en")[0], uid=313131))
        fake_api.push(updates.text("I want to kill myself", uid=313132))
        await fake_api.wait_for("sendMessage", before + 2)
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{base}/healthz") as response:
                assert response.status == 200
                health = json.loads(await response.text())
            async with http.get(f"{base}/metrics") as response:
                assert response.status == 200
                metrics = await response.text()
    finally:
        await stop_bot(bot)
    assert health["status"] == "ok"
    assert health["store"] == "ok"
    assert health["knowledge"]["entries"] == len(bot.kb.entries)
    assert health["telegram_seconds_ago"] is not None
    assert 'bot_decisions_total{status="answer"} 1.0' in metrics
    assert 'bot_decisions_total{status="crisis"} 1.0' in metrics
    assert 'bot_updates_total{kind="question"} 2.0' in metrics
    assert "bot_reply_seconds_count 2.0" in metrics
    assert "bot_knowledge_entries " in metrics
    for private in ("313131", "313132", "kill myself", entry.id):
        assert private not in metrics


def test_health_fails_when_telegram_is_silent_or_the_store_is_gone() -> None:
    now = [1000.0]
    store = [True]
    health = Health(knowledge=dict, store_ok=lambda: store[0], clock=lambda: now[0],
                    started=now[0])  # fmt: skip
    assert health.check()[0]  # just started: no contact yet is fine
    now[0] += TELEGRAM_SILENCE_SECONDS + 1
    ok, report = health.check()
    assert not ok
    assert report["telegram_seconds_ago"] is None
    health.contact()
    assert health.check()[0]
    store[0] = False
    ok, report = health.check()
    assert not ok
    assert report["store"] == "failing"


def test_json_logs_are_one_object_a_line_with_the_same_redaction() -> None:

    token = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawX"
    root = logging.getLogger()
    saved = root.handlers[:]
    stream_handler = logging.StreamHandler()
    root.handlers = [stream_handler]
    try:
        configure("INFO", [token], "json")
        assert isinstance(stream_handler.formatter, JsonFormatter)
        record = logging.LogRecord("bot.x", logging.INFO, __file__, 1, "token %s", (token,), None)
        assert stream_handler.filter(record)
        line = stream_handler.format(record)
    finally:
        root.handlers = saved
    entry = json.loads(line)
    assert entry["level"] == "INFO"
    assert entry["message"] == "token <redacted>"


async def test_a_proxy_error_page_is_retried_and_logged_in_one_line(
    running_bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    """A 502 page that is not JSON cannot have been carried out: the send is retried, and
    the library's record of it is one line, not a traceback."""
    api = running_bot.api
    entry = running_bot.kb.entries[0]
    api.fail("sendMessage", "html_502", times=1)
    before = len(api.sent())
    with caplog.at_level(logging.INFO):
        api.push(updates.text(entry.questions.get("en")[0], uid=424201))
        await api.wait_for("sendMessage", before + 1)
    assert len(api.sent()) == before + 1
    library = [r for r in caplog.records if r.name.startswith("telegram.request")]
    assert library, "the library did not log the page it could not read"
    for record in library:
        # As the bot's log handlers write it (caplog sees records before their filter).
        written = logging.makeLogRecord(record.__dict__)
        RedactSecrets().filter(written)
        assert "Traceback" not in written.getMessage()
        assert "502 Bad Gateway</body>" not in written.getMessage()


async def test_a_send_without_an_answer_in_time_is_not_sent_twice(
    fake_api: FakeBotApi, tmp_path: Path, served: Served, caplog: pytest.LogCaptureFixture
) -> None:
    """Telegram carried the send out but answered after the read time-out: repeating it
    would give the user the reply twice (the review saw 102 such doubles)."""
    settings = settings_for(fake_api, tmp_path)
    live = LiveKnowledge(served.kb.root, served=served)
    store = settings.open_store()
    app = build_application(settings, live, store, PatientRateLimiter(first_delay=0.05),
                            read_timeout=0.5)  # fmt: skip
    await app.initialize()
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(timeout=1, allowed_updates=Update.ALL_TYPES)
    bot = RunningBot(app, fake_api, store, live)
    try:
        fake_api.fail("sendMessage", "slow", times=1, value=1.5)
        with caplog.at_level(logging.WARNING):
            fake_api.push(updates.text(served.kb.entries[0].questions.get("en")[0], uid=515))
            await fake_api.wait_for("sendMessage", 1)
            await asyncio.sleep(2.0)  # time enough for a repeat, were there one
        assert len(fake_api.sent()) == 1
        assert any("not repeated" in r.getMessage() for r in caplog.records)
    finally:
        await stop_bot(bot)


async def test_health_and_metrics_are_on_the_webhook_server_too(
    fake_api: FakeBotApi, tmp_path: Path, unused_tcp_port: int, served: Served
) -> None:
    bot = await start_webhook_bot(fake_api, tmp_path, unused_tcp_port, served)
    base = f"http://127.0.0.1:{unused_tcp_port}"
    update = updates.text(served.kb.entries[0].questions.get("en")[0], uid=626262)
    update["update_id"] = 31337
    headers = {"X-Telegram-Bot-Api-Secret-Token": "s3cret-token_1"}
    try:
        async with aiohttp.ClientSession() as http:
            async with http.post(f"{base}/telegram", json=update, headers=headers) as response:
                assert response.status == 200
            async with http.get(f"{base}/healthz") as response:
                assert response.status == 200
                health = json.loads(await response.text())
            async with http.get(f"{base}/metrics") as response:
                metrics = await response.text()
    finally:
        await stop_bot(bot)
    assert health["status"] == "ok"
    assert 'bot_decisions_total{status="answer"} 1.0' in metrics
    assert "626262" not in metrics
