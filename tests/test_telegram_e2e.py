"""End to end: the real Application, started as in production, against a fake Bot API.

Every flow is checked through what the bot actually sends over HTTP (sendMessage,
editMessageText, answerCallbackQuery, answerInlineQuery, setMyCommands), in English, Arabic
and Ukrainian at least.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.dialog import actions
from tests import updates
from tests.conftest import TOKEN, RunningBot
from tests.fakebotapi import BOT_ID, BOT_USERNAME, FakeBotApi


def buttons(sent: dict[str, Any]) -> list[dict[str, Any]]:
    markup = sent.get("reply_markup") or {}
    return [b for row in markup.get("inline_keyboard", []) for b in row]


def callback_data(sent: dict[str, Any]) -> list[str]:
    return [b["callback_data"] for b in buttons(sent) if "callback_data" in b]


async def ask(bot: RunningBot, update: dict[str, Any]) -> dict[str, Any]:
    before = len(bot.api.sent())
    bot.api.push(update)
    sent = await bot.api.wait_for("sendMessage", before + 1)
    return sent[-1]


async def test_start_sets_command_menus_in_every_language(running_bot: RunningBot) -> None:
    calls = await running_bot.api.wait_for("setMyCommands", 9)
    by_lang = {c.get("language_code"): c["commands"] for c in calls}
    assert set(by_lang) == {None, "en", "ar", "es", "fi", "is", "pl", "ru", "uk"}
    assert [c["command"] for c in by_lang["uk"]] == [
        "start",
        "help",
        "topics",
        "language",
        "privacy",
        "forget",
    ]
    assert by_lang["uk"][2]["description"] == "Запитання за темами"
    assert by_lang[None] == by_lang["en"]


@pytest.mark.parametrize(
    ("lang", "greeting", "topic_label"),
    [
        ("en", "Hello! I answer questions about migration", "🇮🇸 Moving to Iceland"),
        ("ar", "مرحبًا! أجيب عن أسئلة حول الهجرة", "🇮🇸 الانتقال إلى آيسلندا"),
        ("uk", "Вітаю! Я відповідаю на запитання про міграцію", "🇮🇸 Переїзд до Ісландії"),
    ],
)
async def test_start_greets_in_the_app_language_with_privacy_note_and_topics(
    running_bot: RunningBot, lang: str, greeting: str, topic_label: str
) -> None:
    sent = await ask(running_bot, updates.command("/start", lang=lang))
    assert greeting in sent["text"]
    assert "/privacy" in sent["text"]
    assert sent["parse_mode"] == "HTML"
    labels = [b["text"] for b in buttons(sent)]
    assert topic_label in labels
    assert len(labels) == 8  # seven topics and the language button
    if lang == "ar":
        assert sent["text"].startswith("\u200f"), "Arabic paragraphs carry a right-to-left mark"


async def test_question_gets_answer_with_source_date_link_and_buttons(
    running_bot: RunningBot,
) -> None:
    sent = await ask(
        running_bot, updates.text("Can I work in Iceland? I am from Poland", lang="en")
    )
    html = sent["text"]
    assert "<b>Can foreigners find work in Iceland?</b>" in html
    assert "Directorate of Immigration" in html
    assert '<a href="https://iom.fi/en/why-does-migration-iceland-matter">' in html
    assert "about February 2018" in html
    data = callback_data(sent)
    assert actions.vote("iceland-work", True, "en") in data
    assert actions.vote("iceland-work", False, "en") in data
    assert actions.menu("en") in data
    assert sum(d.startswith("e:") for d in data) == 3  # three related questions


async def test_reply_language_follows_the_question_not_the_app(running_bot: RunningBot) -> None:
    sent = await ask(
        running_bot, updates.text("Чи можу я отримати притулок в Ісландії?", lang="en")
    )
    assert "Як попросити притулку в Ісландії?" in sent["text"]
    assert "Машинний переклад" in sent["text"]
    data = callback_data(sent)
    assert actions.original("iceland-asylum") in data


async def test_arabic_answer_is_right_to_left_and_marked_unchecked(running_bot: RunningBot) -> None:
    sent = await ask(
        running_bot, updates.text("ما هي المنظمة الدولية للهجرة وماذا تفعل", lang="ar")
    )
    paragraphs = sent["text"].split("\n\n")
    assert all(p.startswith("\u200f") for p in paragraphs)
    assert "ترجمة آلية" in sent["text"]


async def test_show_in_english_button_sends_the_authoritative_version(
    running_bot: RunningBot,
) -> None:
    answer = await ask(running_bot, updates.text("Як попросити притулку в Ісландії?", lang="uk"))
    on = updates.bot_message(111, answer["text"], 5000, BOT_ID)
    sent = await ask(
        running_bot, updates.press(actions.original("iceland-asylum"), lang="uk", on=on)
    )
    assert "<b>How do I seek asylum in Iceland?</b>" in sent["text"]
    assert "Automatic translation" not in sent["text"]


async def test_unclear_question_offers_suggestions_and_none_of_these(
    running_bot: RunningBot,
) -> None:
    sent = await ask(running_bot, updates.text("permit", lang="en"))
    data = callback_data(sent)
    assert "Did you mean" in sent["text"]
    assert actions.none_of_these("en") in data
    assert 2 <= sum(d.startswith("e:") for d in data) <= 3


async def test_unknown_question_is_admitted_honestly(running_bot: RunningBot) -> None:
    sent = await ask(running_bot, updates.text("What is the price of bitcoin today?", lang="en"))
    assert "Sorry, I don't know that one" in sent["text"]
    assert callback_data(sent) == [actions.menu("en")]
    sent = await ask(running_bot, updates.text("Як приготувати борщ?", lang="uk"))
    assert "Вибачте, цього я не знаю" in sent["text"]


@pytest.mark.parametrize(
    ("lang", "heading", "topic_title"),
    [
        ("en", "Choose a topic:", "Moving to Iceland"),
        ("ar", "اختر موضوعًا:", "الانتقال إلى آيسلندا"),
        ("uk", "Оберіть тему:", "Переїзд до Ісландії"),
    ],
)
async def test_topics_menu_navigation_edits_the_message_and_goes_back(
    running_bot: RunningBot, lang: str, heading: str, topic_title: str
) -> None:
    menu = await ask(running_bot, updates.command("/topics", lang=lang))
    assert heading in menu["text"]
    assert actions.topic("iceland", lang) in callback_data(menu)
    on = updates.bot_message(111, menu["text"], 7001, BOT_ID)
    edits_before = len(running_bot.api.sent("editMessageText"))
    running_bot.api.push(updates.press(actions.topic("iceland", lang), lang=lang, on=on))
    edits = await running_bot.api.wait_for("editMessageText", edits_before + 1)
    page = edits[-1]
    assert page["message_id"] == 7001
    assert topic_title in page["text"]
    data = callback_data(page)
    assert actions.entry("iceland-work", lang) in data
    assert data[-1] == actions.menu(lang)  # the Back button
    running_bot.api.push(updates.press(actions.menu(lang), lang=lang, on=on))
    edits = await running_bot.api.wait_for("editMessageText", edits_before + 2)
    assert heading in edits[-1]["text"]
    answered = await running_bot.api.wait_for("answerCallbackQuery", 2)
    assert len(answered) >= 2


async def test_choosing_a_question_in_a_topic_sends_its_answer(running_bot: RunningBot) -> None:
    on = updates.bot_message(111, "menu", 7002, BOT_ID)
    sent = await ask(
        running_bot, updates.press(actions.entry("lgbti-threatened", "ar"), lang="en", on=on)
    )
    assert "ماذا أفعل إذا تعرضت للتهديد" in sent["text"]
    assert "رقم الطوارئ" in sent["text"]


async def test_language_choice_is_remembered_in_sqlite(
    running_bot: RunningBot, tmp_path: Path
) -> None:
    menu = await ask(running_bot, updates.command("/language", uid=555, lang="en"))
    labels = [b["text"] for b in buttons(menu)]
    assert labels == [
        "English",
        "العربية",
        "Español",
        "Suomi",
        "Íslenska",
        "Polski",
        "Русский",
        "Українська",
    ]
    on = updates.bot_message(555, menu["text"], 7003, BOT_ID)
    topics = await ask(
        running_bot, updates.press(actions.language("fi"), uid=555, lang="en", on=on)
    )
    assert topics["text"] == "Valitse aihe:"
    confirm = await running_bot.api.wait_for("editMessageText", 1)
    assert confirm[-1]["text"] == "Tästä lähtien vastaan suomeksi."
    assert running_bot.store.get_language(555) == "fi"
    # Menus now come in Finnish although the app says English...
    sent = await ask(running_bot, updates.command("/help", uid=555, lang="en"))
    assert "Kirjoita kysymys" in sent["text"]
    # ...and a question is still answered in the language it is written in.
    sent = await ask(running_bot, updates.text("who leads IOM now?", uid=555, lang="en"))
    assert "Who is the head of IOM?" in sent["text"]


async def test_forget_erases_the_stored_language(running_bot: RunningBot) -> None:
    running_bot.store.set_language(777, "pl")
    sent = await ask(running_bot, updates.command("/forget", uid=777, lang="uk"))
    assert sent["text"].startswith("Готово.")
    assert running_bot.store.get_language(777) is None


async def test_privacy_and_help_commands(running_bot: RunningBot) -> None:
    sent = await ask(running_bot, updates.command("/privacy", lang="ar"))
    assert "ما أحتفظ به" in sent["text"]
    sent = await ask(running_bot, updates.command("/help", lang="en"))
    assert "/topics" in sent["text"]


async def test_vote_is_counted_anonymously_and_thanked(running_bot: RunningBot) -> None:
    on = updates.bot_message(111, "answer", 7004, BOT_ID)
    running_bot.api.push(updates.press(actions.vote("iceland-work", True, "uk"), lang="uk", on=on))
    answered = await running_bot.api.wait_for("answerCallbackQuery", 1)
    assert answered[-1]["text"] == "Дякуємо! Це допомагає нам покращувати відповіді."
    assert running_bot.store.feedback() == {"iceland-work": (1, 0)}


@pytest.mark.parametrize(
    "data",
    [
        "e:no-such-entry:en",
        "t:no-such-topic:en",
        "x" * 64,
        "e:iceland-work:en;DROP TABLE",
        "v:+:iceland-work",
    ],
)
async def test_forged_or_stale_buttons_are_answered_gracefully(
    running_bot: RunningBot, data: str
) -> None:
    on = updates.bot_message(111, "old menu", 7005, BOT_ID)
    sent = await ask(running_bot, updates.press(data, lang="en", on=on))
    assert "This button is out of date" in sent["text"]
    answered = await running_bot.api.wait_for("answerCallbackQuery", 1)
    assert answered[-1]["text"] == "This button is out of date. Here are the topics."


@pytest.mark.parametrize(
    ("update", "expected"),
    [
        (updates.sticker(lang="en"), "I can only read text"),
        (updates.photo(lang="uk"), "Я вмію читати лише текст"),
        (updates.voice(lang="ar"), "أستطيع قراءة النص فقط"),
        (updates.location(lang="en"), "I can only read text"),
        (updates.document(lang="en"), "I can only read text"),
    ],
)
async def test_non_text_gets_a_polite_reply_with_topics(
    running_bot: RunningBot, update: dict[str, Any], expected: str
) -> None:
    sent = await ask(running_bot, update)
    assert expected in sent["text"]
    assert callback_data(sent)[0].startswith("m:")


async def test_unknown_command_gets_help(running_bot: RunningBot) -> None:
    sent = await ask(running_bot, updates.command("/weather", lang="en"))
    assert "I don't know the command /weather" in sent["text"]
    assert "/topics" in sent["text"]


async def test_edited_message_is_answered_again(running_bot: RunningBot) -> None:
    sent = await ask(running_bot, updates.edited("How many states adopted the migration compact?"))
    assert "More than 160 states" in sent["text"]


async def test_deep_links_open_an_entry_or_a_topic(running_bot: RunningBot) -> None:
    sent = await ask(
        running_bot,
        updates.command("/start " + actions.deep_link("entry", "iceland-mcc"), lang="en"),
    )
    assert "Multicultural Information Centre" in sent["text"]
    sent = await ask(
        running_bot, updates.command("/start " + actions.deep_link("topic", "lgbti"), lang="uk")
    )
    assert "ЛГБТІ-мігранти" in sent["text"]
    assert actions.entry("lgbti-safe-help", "uk") in callback_data(sent)
    sent = await ask(running_bot, updates.command("/start <script>", lang="en"))
    assert "Hello!" in sent["text"]


@pytest.mark.parametrize(
    ("lang", "query", "title"),
    [
        ("en", "iceland asylum", "How do I seek asylum in Iceland?"),
        ("ar", "اللجوء في آيسلندا", "كيف أطلب اللجوء في آيسلندا؟"),
        ("uk", "притулок в Ісландії", "Як попросити притулку в Ісландії?"),
    ],
)
async def test_inline_mode_offers_answers_to_share(
    running_bot: RunningBot, lang: str, query: str, title: str
) -> None:
    running_bot.api.push(updates.inline(query, lang=lang))
    calls = await running_bot.api.wait_for("answerInlineQuery", 1)
    results = calls[-1]["results"]
    assert results, "inline mode should offer at least one answer"
    first = results[0]
    assert first["type"] == "article"
    assert first["title"] == title
    content = first["input_message_content"]
    assert content["parse_mode"] == "HTML"
    assert "Útlendingastofnun" in content["message_text"]
    running_bot.api.push(updates.inline("", lang=lang))
    calls = await running_bot.api.wait_for("answerInlineQuery", 2)
    assert len(calls[-1]["results"]) == 5


async def test_groups_answer_only_mentions_replies_and_addressed_commands(
    running_bot: RunningBot,
) -> None:
    api = running_bot.api
    before = len(api.sent())
    api.push(updates.text("asylum iceland", group=True))
    api.push(updates.command("/start", group=True))
    api.push(updates.sticker())  # private, to know when the two above were processed
    await api.wait_for("sendMessage", before + 1)
    assert "I can only read text" in api.sent()[-1]["text"]
    assert len(api.sent()) == before + 1
    sent = await ask(running_bot, updates.mention(f"@{BOT_USERNAME} asylum iceland", BOT_USERNAME))
    assert "How do I seek asylum in Iceland?" in sent["text"]
    assert sent["chat_id"] == updates.GROUP_ID
    sent = await ask(running_bot, updates.command(f"/help@{BOT_USERNAME}", group=True))
    assert "/topics" in sent["text"]
    reply_to = updates.bot_message(updates.GROUP_ID, "earlier answer", 42, BOT_ID)
    sent = await ask(
        running_bot,
        updates.text("and can I study in Iceland?", group=True, reply_to_message=reply_to),
    )
    assert "study" in sent["text"].lower()


async def test_long_answers_are_split_below_the_limit(running_bot: RunningBot) -> None:
    sent = await ask(running_bot, updates.text("x " * 3000 + " asylum iceland", lang="en"))
    assert len(sent["text"]) <= 4096


async def test_rate_limits_and_server_errors_lose_no_reply(running_bot: RunningBot) -> None:
    running_bot.api.fail("sendMessage", "retry_after", times=1, value=1)
    running_bot.api.fail("sendMessage", "server_error", times=2)
    sent = await ask(
        running_bot, updates.text("What is the Global Compact for Migration?", lang="en")
    )
    assert "23 objectives" in sent["text"]


async def test_logs_carry_neither_message_text_nor_token(
    running_bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    import logging

    from bot.logs import RedactSecrets, configure

    secret_question = "my name is Amina Haddad and I live at Dalvegur 3, am I safe?"
    try:
        with caplog.at_level("DEBUG"):
            configure("DEBUG", [TOKEN])
            sent = await ask(running_bot, updates.text(secret_question, lang="en"))
            # An error inside a handler goes to the error handler, which logs its class only.
            running_bot.api.fail("sendMessage", "server_error", times=6)
            running_bot.api.push(updates.text("asylum iceland " + secret_question, lang="en"))
            for _ in range(100):
                if any("error NetworkError" in r.getMessage() for r in caplog.records):
                    break
                await asyncio.sleep(0.1)
    finally:
        for handler in logging.getLogger().handlers:
            for f in [f for f in handler.filters if isinstance(f, RedactSecrets)]:
                handler.removeFilter(f)
    assert sent["text"]
    bot_records = [r for r in caplog.records if not r.name.startswith("aiohttp")]
    logged = "\n".join(r.getMessage() for r in bot_records)
    assert "Amina" not in logged
    assert "Dalvegur 3" not in logged
    assert TOKEN not in logged
    assert "handled question" in logged
    assert "error NetworkError" in logged


async def test_webhook_checks_the_secret_token(
    fake_api: FakeBotApi, tmp_path: Path, unused_tcp_port: int
) -> None:
    bot = await start_webhook_bot(fake_api, tmp_path, unused_tcp_port)
    try:
        calls = await fake_api.wait_for("setWebhook", 1)
        assert calls[-1]["url"] == "https://bot.example.org/telegram"
        assert calls[-1]["secret_token"] == "s3cret-token_1"
        url = f"http://127.0.0.1:{unused_tcp_port}/telegram"
        update = updates.text("What is the Global Compact for Migration?", lang="en")
        update["update_id"] = 9001
        async with aiohttp.ClientSession() as session:
            async with session.post(url, json=update) as response:
                assert response.status == 403  # no secret: refused
            headers = {"X-Telegram-Bot-Api-Secret-Token": "wrong"}
            async with session.post(url, json=update, headers=headers) as response:
                assert response.status == 403
            assert fake_api.sent() == []
            headers = {"X-Telegram-Bot-Api-Secret-Token": "s3cret-token_1"}
            async with session.post(url, json=update, headers=headers) as response:
                assert response.status == 200
        sent = await fake_api.wait_for("sendMessage", 1)
        assert "23 objectives" in sent[-1]["text"]
    finally:
        assert bot.app.updater is not None
        await bot.app.updater.stop()
        await bot.app.stop()
        await bot.app.shutdown()
        bot.store.close()


async def start_webhook_bot(api: FakeBotApi, tmp_path: Path, port: int) -> RunningBot:
    from bot.channels.telegram.app import build_application
    from bot.channels.telegram.ratelimit import PatientRateLimiter
    from bot.live import LiveKnowledge
    from bot.store import SqliteStore
    from tests.conftest import KNOWLEDGE, settings_for

    settings = settings_for(api, tmp_path)
    live = LiveKnowledge(KNOWLEDGE)
    store = SqliteStore(settings.database_path)
    app = build_application(settings, live, store, PatientRateLimiter(first_delay=0.05))
    await app.initialize()
    await app.start()
    assert app.updater is not None
    await app.updater.start_webhook(
        listen="127.0.0.1",
        port=port,
        url_path="telegram",
        webhook_url="https://bot.example.org/telegram",
        secret_token="s3cret-token_1",
    )
    return RunningBot(app, api, store, live)
