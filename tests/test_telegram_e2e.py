"""End to end: the real Application, started as in production, against a fake Bot API.

Every flow is checked through what the bot actually sends over HTTP (sendMessage,
editMessageText, answerCallbackQuery, answerInlineQuery, setMyCommands), in English, Arabic
and Ukrainian. The bot serves the fixture knowledge (tests/fixtures/knowledge); expected
texts are read from it, so they follow its YAML.
"""

from __future__ import annotations

import asyncio
import logging
import re
from html import escape
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.channels.telegram.app import build_application
from bot.channels.telegram.ratelimit import PatientRateLimiter
from bot.dialog import actions
from bot.dialog.texts import COMMAND_TEXTS, TextKey
from bot.kb import Entry, KnowledgeBase
from bot.languages import NATIVE_NAMES
from bot.live import LiveKnowledge, Served
from bot.logs import RedactSecrets, configure
from bot.store import SqliteStore
from tests import updates
from tests.conftest import TOKEN, RunningBot, says, settings_for, stop_bot
from tests.fakebotapi import BOT_ID, BOT_USERNAME, FakeBotApi

RLM = "\u200f"


def buttons(sent: dict[str, Any]) -> list[dict[str, Any]]:
    markup = sent.get("reply_markup") or {}
    return [b for row in markup.get("inline_keyboard", []) for b in row]


def callback_data(sent: dict[str, Any]) -> list[str]:
    return [b["callback_data"] for b in buttons(sent) if "callback_data" in b]


def html_says(kb: KnowledgeBase, lang: str, key: TextKey, **values: str) -> str:
    """An interface text as it appears in a message sent with parse_mode HTML."""
    return escape(says(kb, lang, key, **values), quote=False)


def html_title(entry: Entry, lang: str) -> str:
    return f"<b>{escape(entry.title(lang, 'en'), quote=False)}</b>"


async def ask(bot: RunningBot, update: dict[str, Any]) -> dict[str, Any]:
    before = len(bot.api.sent())
    bot.api.push(update)
    sent = await bot.api.wait_for("sendMessage", before + 1)
    return sent[-1]


async def test_start_sets_command_menus_in_every_language(running_bot: RunningBot) -> None:
    kb = running_bot.kb
    calls = await running_bot.api.wait_for("setMyCommands", len(kb.languages) + 1)
    by_lang = {c.get("language_code"): c["commands"] for c in calls}
    assert set(by_lang) == {None, *kb.languages}
    for lang in kb.languages:
        assert by_lang[lang] == [
            {"command": name, "description": says(kb, lang, key)}
            for name, key in COMMAND_TEXTS.items()
        ]
    assert by_lang[None] == by_lang[kb.source_language]


@pytest.mark.parametrize("lang", ["en", "ar", "uk"])
async def test_start_greets_in_the_app_language_with_privacy_note_and_topics(
    running_bot: RunningBot, lang: str
) -> None:
    kb = running_bot.kb
    sent = await ask(running_bot, updates.command("/start", lang=lang))
    assert html_says(kb, lang, "greeting") in sent["text"]
    assert "/privacy" in sent["text"]
    assert sent["parse_mode"] == "HTML"
    labels = [b["text"] for b in buttons(sent)]
    topics = [f"{topic.emoji} {topic.title.get(lang)}" for topic in kb.topics]
    assert labels == [*topics, says(kb, lang, "button_language")]
    paragraphs = sent["text"].split("\n\n")
    assert all(p.startswith(RLM) for p in paragraphs) == (lang == "ar")


async def test_question_gets_answer_with_source_date_link_and_buttons(
    running_bot: RunningBot,
) -> None:
    kb = running_bot.kb
    entry = kb.entries_in("iceland")[0]
    article = kb.articles[entry.sources[0]]
    question = entry.questions.get("en")[0] + " I am from Poland"
    sent = await ask(running_bot, updates.text(question, lang="en"))
    html = sent["text"]
    assert html.startswith(html_title(entry, "en"))
    assert escape(entry.answer.get("en") or "", quote=False) in html
    # Sources are one short line each: the publisher's name is the link.
    assert f'<a href="{article.url}">{escape(article.publisher, quote=False)} ↗</a>' in html
    assert article.title not in html
    assert article.date is not None
    assert article.date_approximate
    year, month = article.date[:4], kb.locale("en").months[int(article.date[5:7]) - 1]
    shown = says(kb, "en", "date_about", date=says(kb, "en", "date_month", month=month, year=year))
    assert shown in html
    assert entry.links
    for link in entry.links:
        assert f'<a href="{link.url}">' in html
    data = callback_data(sent)
    assert actions.vote(entry.id, True, "en") in data
    assert actions.vote(entry.id, False, "en") in data
    assert actions.menu("en") in data
    assert [d for d in data if d.startswith("e:")] == [
        actions.entry(related, "en") for related in entry.related
    ]


async def test_every_dynamic_text_is_escaped(running_bot: RunningBot) -> None:
    kb = running_bot.kb
    entry = kb.entry("iceland-asylum")
    assert entry is not None
    answer = entry.answer.get("en") or ""
    assert "<" in answer, "the fixture answer holds markup characters"
    html = (await ask(running_bot, updates.text(entry.questions.get("en")[0])))["text"]
    assert escape(answer, quote=False) in html
    assert answer not in html
    assert "&amp;" in html  # the source's publisher has "&"


async def test_reply_language_follows_the_question_not_the_app(running_bot: RunningBot) -> None:
    kb = running_bot.kb
    entry = kb.entry("iceland-asylum")
    assert entry is not None
    assert "uk" in entry.unchecked
    sent = await ask(
        running_bot, updates.text("Чи можу я отримати притулок в Ісландії?", lang="en")
    )
    assert sent["text"].startswith(html_title(entry, "uk"))
    assert html_says(kb, "uk", "unchecked_note") in sent["text"]
    assert actions.original(entry.id) in callback_data(sent)


@pytest.mark.parametrize(
    ("question", "entry_id"),
    [
        ("كيف أطلب اللجوء في آيسلندا", "iceland-asylum"),
        ("ما هي المنظمة الدولية للهجرة وماذا تفعل", "iom-what"),
    ],
)
async def test_arabic_answer_is_right_to_left_and_marked_only_when_unchecked(
    running_bot: RunningBot, question: str, entry_id: str
) -> None:
    kb = running_bot.kb
    entry = kb.entry(entry_id)
    assert entry is not None
    sent = await ask(running_bot, updates.text(question, lang="ar"))
    assert sent["text"].startswith(RLM + html_title(entry, "ar"))
    assert all(p.startswith(RLM) for p in sent["text"].split("\n\n"))
    marked = html_says(kb, "ar", "unchecked_note") in sent["text"]
    assert marked == ("ar" in entry.unchecked)


async def test_show_in_english_button_sends_the_authoritative_version(
    running_bot: RunningBot,
) -> None:
    kb = running_bot.kb
    entry = kb.entry("iceland-asylum")
    assert entry is not None
    answer = await ask(running_bot, updates.text(entry.questions.get("uk")[0], lang="uk"))
    on = updates.bot_message(111, answer["text"], 5000, BOT_ID)
    sent = await ask(running_bot, updates.press(actions.original(entry.id), lang="uk", on=on))
    assert sent["text"].startswith(html_title(entry, "en"))
    assert html_says(kb, "en", "unchecked_note") not in sent["text"]


async def test_unclear_question_offers_suggestions_and_none_of_these(
    running_bot: RunningBot,
) -> None:
    sent = await ask(running_bot, updates.text("IOM Iceland", lang="en"))
    data = callback_data(sent)
    assert html_says(running_bot.kb, "en", "did_you_mean") in sent["text"]
    # "None of these" carries the held question, so "I don't know" can offer to send it.
    assert re.fullmatch(r"n:en:[A-Za-z0-9_-]{8}", data[-1])
    assert 2 <= sum(d.startswith("e:") for d in data) <= 3


@pytest.mark.parametrize(
    ("lang", "question"),
    [("en", "What is the price of bitcoin today?"), ("uk", "Як приготувати борщ?")],
)
async def test_unknown_question_is_admitted_honestly(
    running_bot: RunningBot, lang: str, question: str
) -> None:
    sent = await ask(running_bot, updates.text(question, lang=lang))
    # The reply names the topics the bot covers (after the text's {topics}).
    opening = html_says(running_bot.kb, lang, "none_reply", topics="\0").split("\0")[0]
    assert sent["text"].startswith(opening)
    titles = [t.title.get(lang) or t.slug for t in running_bot.kb.topics]
    assert all(escape(title, quote=False) in sent["text"] for title in titles)
    assert callback_data(sent)[-1] == actions.menu(lang)


@pytest.mark.parametrize("lang", ["en", "ar", "uk"])
async def test_topics_menu_navigation_edits_the_message_and_goes_back(
    running_bot: RunningBot, lang: str
) -> None:
    kb = running_bot.kb
    heading = html_says(kb, lang, "topics_heading")
    menu = await ask(running_bot, updates.command("/topics", lang=lang))
    assert heading in menu["text"]
    assert actions.topic("iceland", lang) in callback_data(menu)
    on = updates.bot_message(111, menu["text"], 7001, BOT_ID)
    edits_before = len(running_bot.api.sent("editMessageText"))
    running_bot.api.push(updates.press(actions.topic("iceland", lang), lang=lang, on=on))
    edits = await running_bot.api.wait_for("editMessageText", edits_before + 1)
    page = edits[-1]
    assert page["message_id"] == 7001
    topic = kb.topic("iceland")
    assert topic is not None
    assert escape(topic.title.get(lang) or "", quote=False) in page["text"]
    questions = [actions.entry(entry.id, lang) for entry in kb.entries_in("iceland")]
    assert callback_data(page) == [*questions, actions.menu(lang)]  # the questions, then Back
    running_bot.api.push(updates.press(actions.menu(lang), lang=lang, on=on))
    edits = await running_bot.api.wait_for("editMessageText", edits_before + 2)
    assert heading in edits[-1]["text"]
    answered = await running_bot.api.wait_for("answerCallbackQuery", 2)
    assert len(answered) >= 2


async def test_choosing_a_question_in_a_topic_sends_its_answer(running_bot: RunningBot) -> None:
    entry = running_bot.kb.entries_in("lgbti")[0]
    on = updates.bot_message(111, "menu", 7002, BOT_ID)
    sent = await ask(running_bot, updates.press(actions.entry(entry.id, "ar"), lang="en", on=on))
    assert sent["text"].startswith(RLM + html_title(entry, "ar"))
    assert escape(entry.answer.get("ar") or "", quote=False) in sent["text"]


async def test_language_choice_is_remembered_in_sqlite(running_bot: RunningBot) -> None:
    kb = running_bot.kb
    menu = await ask(running_bot, updates.command("/language", uid=555, lang="en"))
    assert [b["text"] for b in buttons(menu)] == [NATIVE_NAMES[lang] for lang in kb.languages]
    on = updates.bot_message(555, menu["text"], 7003, BOT_ID)
    topics = await ask(
        running_bot, updates.press(actions.language("uk"), uid=555, lang="en", on=on)
    )
    assert topics["text"] == html_says(kb, "uk", "topics_heading")
    confirm = await running_bot.api.wait_for("editMessageText", 1)
    assert confirm[-1]["text"] == html_says(kb, "uk", "language_set")
    assert running_bot.store.get_language(555) == "uk"
    # Menus now come in Ukrainian although the app says English...
    sent = await ask(running_bot, updates.command("/help", uid=555, lang="en"))
    assert html_says(kb, "uk", "help") in sent["text"]
    # ...and a question is still answered in the language it is written in.
    entry = kb.entry("iom-what")
    assert entry is not None
    sent = await ask(running_bot, updates.text("who leads IOM now?", uid=555, lang="en"))
    assert sent["text"].startswith(html_title(entry, "en"))


async def test_forget_erases_the_stored_language(running_bot: RunningBot) -> None:
    running_bot.store.set_language(777, "ar")
    sent = await ask(running_bot, updates.command("/forget", uid=777, lang="uk"))
    assert sent["text"] == html_says(running_bot.kb, "uk", "forget_done")
    assert running_bot.store.get_language(777) is None


async def test_privacy_and_help_commands(running_bot: RunningBot) -> None:
    sent = await ask(running_bot, updates.command("/privacy", lang="ar"))
    assert html_says(running_bot.kb, "ar", "privacy") in sent["text"]
    sent = await ask(running_bot, updates.command("/help", lang="en"))
    assert "/topics" in sent["text"]


async def test_vote_is_counted_anonymously_and_thanked(running_bot: RunningBot) -> None:
    on = updates.bot_message(111, "answer", 7004, BOT_ID)
    running_bot.api.push(updates.press(actions.vote("iceland-work", True, "uk"), lang="uk", on=on))
    answered = await running_bot.api.wait_for("answerCallbackQuery", 1)
    assert answered[-1]["text"] == says(running_bot.kb, "uk", "feedback_thanks")
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
    stale = says(running_bot.kb, "en", "stale_button")
    assert escape(stale, quote=False) in sent["text"]
    answered = await running_bot.api.wait_for("answerCallbackQuery", 1)
    assert answered[-1]["text"] == stale


@pytest.mark.parametrize(
    ("update", "lang"),
    [
        (updates.sticker(lang="en"), "en"),
        (updates.photo(lang="uk"), "uk"),
        (updates.voice(lang="ar"), "ar"),
        (updates.location(lang="en"), "en"),
        (updates.document(lang="en"), "en"),
    ],
)
async def test_non_text_gets_a_polite_reply_with_topics(
    running_bot: RunningBot, update: dict[str, Any], lang: str
) -> None:
    sent = await ask(running_bot, update)
    assert html_says(running_bot.kb, lang, "non_text_reply") in sent["text"]
    assert callback_data(sent) == [actions.menu(lang)]


async def test_unknown_command_gets_help(running_bot: RunningBot) -> None:
    sent = await ask(running_bot, updates.command("/weather", lang="en"))
    assert html_says(running_bot.kb, "en", "unknown_command", command="/weather") in sent["text"]
    assert "/topics" in sent["text"]


async def test_an_unknown_command_is_never_echoed_in_full(running_bot: RunningBot) -> None:
    sent = await ask(running_bot, updates.command("/" + "😀" * 2000, lang="en"))
    echoed = "/" + "😀" * 31 + "…"
    assert html_says(running_bot.kb, "en", "unknown_command", command=echoed) in sent["text"]
    assert len(sent["text"].encode("utf-16-le")) // 2 < 600


async def test_edited_message_is_answered_again(running_bot: RunningBot) -> None:
    entry = running_bot.kb.entry("gcm-what")
    assert entry is not None
    sent = await ask(running_bot, updates.edited(entry.questions.get("en")[3]))
    assert sent["text"].startswith(html_title(entry, "en"))


async def test_deep_links_open_an_entry_or_a_topic(running_bot: RunningBot) -> None:
    kb = running_bot.kb
    entry = kb.entries_in("iceland")[-1]
    sent = await ask(
        running_bot, updates.command("/start " + actions.deep_link("entry", entry.id), lang="en")
    )
    assert sent["text"].startswith(html_title(entry, "en"))
    sent = await ask(
        running_bot, updates.command("/start " + actions.deep_link("topic", "lgbti"), lang="uk")
    )
    topic = kb.topic("lgbti")
    assert topic is not None
    assert escape(topic.title.get("uk") or "", quote=False) in sent["text"]
    assert actions.entry(kb.entries_in("lgbti")[0].id, "uk") in callback_data(sent)
    sent = await ask(running_bot, updates.command("/start <script>", lang="en"))
    assert html_says(kb, "en", "greeting") in sent["text"]


@pytest.mark.parametrize(
    ("lang", "query"),
    [("en", "iceland asylum"), ("ar", "اللجوء في آيسلندا"), ("uk", "притулок в Ісландії")],
)
async def test_inline_mode_offers_answers_to_share(
    running_bot: RunningBot, lang: str, query: str
) -> None:
    kb = running_bot.kb
    entry = kb.entry("iceland-asylum")
    assert entry is not None
    running_bot.api.push(updates.inline(query, lang=lang))
    calls = await running_bot.api.wait_for("answerInlineQuery", 1)
    results = calls[-1]["results"]
    assert results, "inline mode should offer at least one answer"
    # The results are in this user's language: Telegram must not cache them for others.
    assert calls[-1]["is_personal"] in (True, "true")
    first = results[0]
    assert first["type"] == "article"
    assert first["title"] == entry.title(lang, "en")
    content = first["input_message_content"]
    assert content["parse_mode"] == "HTML"
    assert escape(entry.answer.get(lang) or "", quote=False) in content["message_text"]
    running_bot.api.push(updates.inline("", lang=lang))
    calls = await running_bot.api.wait_for("answerInlineQuery", 2)
    # An empty query offers the first question of each topic, five at most.
    firsts = [entries[0].id for t in kb.topics if (entries := kb.entries_in(t.slug))][:5]
    assert [r["id"] for r in calls[-1]["results"]] == [f"{i}:{lang}" for i in firsts]


async def test_groups_answer_only_mentions_replies_and_addressed_commands(
    running_bot: RunningBot,
) -> None:
    kb = running_bot.kb
    api = running_bot.api
    before = len(api.sent())
    api.push(updates.text("asylum iceland", group=True))
    api.push(updates.command("/start", group=True))
    api.push(updates.sticker())  # private, to know when the two above were processed
    await api.wait_for("sendMessage", before + 1)
    assert html_says(kb, "en", "non_text_reply") in api.sent()[-1]["text"]
    assert len(api.sent()) == before + 1
    sent = await ask(running_bot, updates.mention(f"@{BOT_USERNAME} asylum iceland", BOT_USERNAME))
    asylum, study = kb.entry("iceland-asylum"), kb.entry("iceland-study")
    assert asylum is not None
    assert study is not None
    assert sent["text"].startswith(html_title(asylum, "en"))
    assert sent["chat_id"] == updates.GROUP_ID
    sent = await ask(running_bot, updates.command(f"/help@{BOT_USERNAME}", group=True))
    assert "/topics" in sent["text"]
    reply_to = updates.bot_message(updates.GROUP_ID, "earlier answer", 42, BOT_ID)
    sent = await ask(
        running_bot,
        updates.text("and can I study in Iceland?", group=True, reply_to_message=reply_to),
    )
    assert sent["text"].startswith(html_title(study, "en"))


async def test_long_answers_are_split_below_the_limit(running_bot: RunningBot) -> None:
    sent = await ask(running_bot, updates.text("x " * 3000 + " asylum iceland", lang="en"))
    assert len(sent["text"]) <= 4096


async def test_rate_limits_and_server_errors_lose_no_reply(running_bot: RunningBot) -> None:
    entry = running_bot.kb.entry("gcm-what")
    assert entry is not None
    running_bot.api.fail("sendMessage", "retry_after", times=1, value=1)
    running_bot.api.fail("sendMessage", "server_error", times=2)
    sent = await ask(running_bot, updates.text(entry.questions.get("en")[0], lang="en"))
    assert sent["text"].startswith(html_title(entry, "en"))


async def test_logs_carry_neither_message_text_nor_token(
    running_bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
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
    fake_api: FakeBotApi, tmp_path: Path, unused_tcp_port: int, served: Served
) -> None:
    bot = await start_webhook_bot(fake_api, tmp_path, unused_tcp_port, served)
    entry = served.kb.entry("gcm-what")
    assert entry is not None
    try:
        calls = await fake_api.wait_for("setWebhook", 1)
        assert calls[-1]["url"] == "https://bot.example.org/telegram"
        assert calls[-1]["secret_token"] == "s3cret-token_1"
        url = f"http://127.0.0.1:{unused_tcp_port}/telegram"
        update = updates.text(entry.questions.get("en")[0], lang="en")
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
        assert sent[-1]["text"].startswith(html_title(entry, "en"))
    finally:
        await stop_bot(bot)


async def start_webhook_bot(
    api: FakeBotApi, tmp_path: Path, port: int, served: Served
) -> RunningBot:
    settings = settings_for(api, tmp_path)
    live = LiveKnowledge(served.kb.root, served=served)
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


async def test_answers_to_one_chat_keep_the_order_of_the_questions(
    running_bot: RunningBot,
) -> None:
    api, kb = running_bot.api, running_bot.kb
    entries = [e for e in kb.entries if e.topic != "help"][:4]
    # The first answer's send is slow: later questions of the same chat wait for it.
    api.fail("sendMessage", "slow", times=1, value=0.5)
    before = len(api.sent())
    for entry in entries:
        api.push(updates.text(entry.questions.get("en")[0], uid=555, lang="en"))
    api.push(updates.text(entries[0].questions.get("en")[0], uid=556, lang="en"))
    sent = await api.wait_for("sendMessage", before + len(entries) + 1)
    assert [m["chat_id"] for m in sent[before:]].count(556) == 1
    mine = [m["text"] for m in sent[before:] if m["chat_id"] == 555]
    assert [t.split("\n", 1)[0] for t in mine] == [html_title(e, "en") for e in entries]
