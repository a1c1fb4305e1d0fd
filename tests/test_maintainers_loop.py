"""The maintainers' loop: counts without people, questions sent only with consent, the report.

Over the real Application and the fake Bot API, with the real SQLite file: every table and
column is read back to check that nothing identifies a user.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from bot.dialog import actions
from bot.dialog.held import HeldQuestions
from bot.live import Served
from bot.report import Period, group_questions, summarize
from bot.report.render import report_lines
from bot.store import SqliteStore
from bot.store.sql import SqlStore
from bot.store.usage import SentQuestion
from bot.text import scrub
from tests import updates
from tests.conftest import RunningBot, says, start_bot, stop_bot
from tests.fakebotapi import FakeBotApi
from tests.test_telegram_e2e import ask
from tests.test_telegram_e2e import buttons as inline_buttons

USER = 4242424242
USERNAME = "amina_k_1990"
SECRET = "my number is +358 40 123 4567 and mail amina.k@example.org, ask @helper_bob"
DONT_KNOW = "What is the price of bitcoin today? " + SECRET


def buttons(sent: dict[str, Any]) -> list[tuple[str, str]]:
    """Each button's label and data."""
    return [(b["text"], b.get("callback_data", "")) for b in inline_buttons(sent)]


def send_button(sent: dict[str, Any]) -> str:
    found = [data for _, data in buttons(sent) if data.startswith("q:")]
    assert len(found) == 1, buttons(sent)
    return found[0]


async def press(bot: RunningBot, data: str, on: dict[str, Any]) -> dict[str, Any]:
    """Press a button under the bot's message `on`; the reply (sent, or the message edited)."""
    before = len(bot.api.calls)
    bot.api.push(updates.press(data, uid=USER, on=on))
    deadline = time.monotonic() + 10
    while True:
        replies = [
            c for c in bot.api.calls[before:] if c.method in ("sendMessage", "editMessageText")
        ]
        if replies:
            return replies[-1].params
        assert time.monotonic() < deadline, "no reply to the button"
        await asyncio.sleep(0.01)


def text_from(user: int = USER, value: str = DONT_KNOW) -> dict[str, Any]:
    update = updates.text(value, uid=user)
    update["message"]["from"]["username"] = USERNAME
    return update


def every_value(store: SqlStore) -> list[str]:
    """Every value of every column of every table, as text (SQLite or PostgreSQL)."""
    if isinstance(store, SqliteStore):
        listing = "SELECT name FROM sqlite_master WHERE type = 'table'"
    else:
        listing = "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
    found: list[str] = []
    for (table,) in store.db.query(listing):
        for row in store.db.query(f"SELECT * FROM {table}"):
            found.extend(str(value) for value in row)
    return found


def sqlite_path(bot: RunningBot) -> Path:
    assert isinstance(bot.store, SqliteStore)
    return bot.store.path


def sent_rows(store: SqlStore) -> list[tuple[Any, ...]]:
    return store.db.query("SELECT day, lang, text, nearest FROM sent_question")


@pytest.fixture(params=["sqlite", "postgres"])
async def any_bot(
    request: pytest.FixtureRequest, fake_api: FakeBotApi, tmp_path: Path, served: Served
) -> AsyncIterator[RunningBot]:
    """The running bot on SQLite, then on PostgreSQL (where a server can be started)."""
    extra: dict[str, object] = {}
    if request.param == "postgres":
        url = request.getfixturevalue("fresh_postgres")
        extra = {"BOT_DATABASE_URL": url, "BOT_USER_KEY": "ab" * 32}
    bot = await start_bot(fake_api, tmp_path, served, **extra)
    yield bot
    await stop_bot(bot)


async def test_a_question_is_stored_only_when_the_user_sends_it_and_then_scrubbed(
    any_bot: RunningBot,
) -> None:
    bot = any_bot
    assert isinstance(bot.store, SqlStore)
    store = bot.store
    reply = await ask(bot, text_from())
    assert reply["text"].startswith(says(bot.kb, "en", "none_reply", topics="\0").split("\0")[0])
    data = send_button(reply)
    assert says(bot.kb, "en", "button_send_question") in [t for t, _ in buttons(reply)]
    # Asked, not sent: nothing of the text is anywhere in the database.
    assert sent_rows(store) == []
    assert not any("bitcoin" in value for value in every_value(store))

    on = updates.bot_message(USER, reply["text"], 7001, 1)
    thanked = await press(bot, data, on)
    assert thanked["text"] == says(bot.kb, "en", "question_sent", days="90")
    rows = sent_rows(store)
    assert len(rows) == 1
    day, lang, text, nearest = rows[0]
    assert day == datetime.now(UTC).date().isoformat()
    assert lang == "en"
    assert (
        text
        == "What is the price of bitcoin today? my number is [phone] and mail [e-mail], ask [@name]"
    )
    assert nearest == ""
    # Nothing that identifies the sender, in any column of any table.
    values = " ".join(every_value(store))
    for secret in (str(USER), USERNAME, "4567", "amina.k", "helper_bob", "Amina"):
        assert secret not in values
    if isinstance(store, SqliteStore):
        raw = store.path.read_bytes() + store.path.with_name(store.path.name + "-wal").read_bytes()
        assert str(USER).encode() not in raw

    # A second press sends nothing twice; the user is told the question is no longer held.
    again = await press(bot, data, on)
    assert again["text"] == says(bot.kb, "en", "question_expired", minutes="30")
    assert len(sent_rows(store)) == 1


async def test_none_of_these_leads_to_the_same_choice(running_bot: RunningBot) -> None:
    bot = running_bot
    reply = await ask(bot, updates.text("IOM Iceland", uid=USER))
    none = [data for _, data in buttons(reply) if data.startswith("n:")]
    assert len(none) == 1
    on = updates.bot_message(USER, reply["text"], 7002, 1)
    dont_know = await press(bot, none[0], on)
    data = send_button(dont_know)
    await press(bot, data, on)
    assert isinstance(bot.store, SqlStore)
    rows = sent_rows(bot.store)
    assert [(r[1], r[2]) for r in rows] == [("en", "IOM Iceland")]
    # The entries that were suggested travel with it, as a hint for the maintainers.
    assert rows[0][3]
    assert all(bot.kb.entry(e) is not None for e in rows[0][3].split())


async def test_counts_say_what_happened_and_never_who(running_bot: RunningBot) -> None:
    bot = running_bot
    entry = bot.kb.entries[0]
    answer = await ask(bot, updates.text(entry.questions.get("en")[0], uid=USER))
    await ask(bot, text_from())
    on = updates.bot_message(USER, answer["text"], 7003, 1)
    for up in (True, False):
        # A vote is thanked with a notice on the button, not a message.
        answered = len(bot.api.sent("answerCallbackQuery"))
        bot.api.push(updates.press(actions.vote(entry.id, up, "en"), uid=USER, on=on))
        await bot.api.wait_for("answerCallbackQuery", answered + 1)
    today = datetime.now(UTC).date().isoformat()
    counts = {(c.lang, c.status, c.entry): c.n for c in bot.store.counts(today, today)}
    assert counts == {
        ("en", "answer", entry.id): 1,
        ("en", "none", ""): 1,
        ("en", "vote-up", entry.id): 1,
        ("en", "vote-down", entry.id): 1,
    }
    with sqlite3.connect(sqlite_path(bot)) as db:
        columns = [r[1] for r in db.execute("PRAGMA table_info(usage_count)")]
    assert columns == ["day", "lang", "status", "entry_id", "n"]


async def test_stats_is_for_admins_only(running_bot: RunningBot) -> None:
    bot = running_bot
    await ask(bot, text_from())
    stats = await ask(bot, updates.command("/stats", uid=999))
    assert stats["text"].splitlines()[0].endswith(": 1 questions")
    assert "don't know 100%" in stats["text"]
    stranger = await ask(bot, updates.command("/stats", uid=USER))
    assert "/stats" in stranger["text"]
    assert "questions" not in stranger["text"].splitlines()[0]


def test_scrub_removes_what_points_to_a_person_and_keeps_the_question() -> None:
    assert scrub("call me on 040 123 4567 or +46 (0)8-123 45 67") == "call me on [phone] or [phone]"
    assert scrub("write to a.b+c@mail.example.com") == "write to [e-mail]"
    assert scrub("my friend @some_name told me") == "my friend [@name] told me"
    assert scrub("case A-12345 from https://migri.fi/x?id=9") == "case A-[number] from [link]"
    assert scrub("my id 2023123456") == "my id [phone]"
    # Years, article numbers and small counts are what questions are about: they stay.
    assert scrub("Did 164 states adopt the compact in 2018?") == (
        "Did 164 states adopt the compact in 2018?"
    )
    assert len(scrub("why " * 400)) <= 500


def test_held_questions_expire_and_are_taken_once() -> None:
    now = [0.0]
    held = HeldQuestions(clock=lambda: now[0])
    token = held.hold("mail me at x@y.org", "en", ("iom-what",))
    assert held.peek(token) is not None
    assert held.peek(token).text == "mail me at [e-mail]"  # type: ignore[union-attr]
    now[0] = 29 * 60
    kept = held.hold("second", "en", ())
    now[0] = 31 * 60
    assert held.take(token) is None
    assert held.take(kept) is not None
    assert held.take(kept) is None


def test_sent_questions_are_deleted_after_the_retention_period(tmp_path: Path) -> None:
    day = 86400.0
    now = [datetime(2026, 1, 1, 12, tzinfo=UTC).timestamp()]
    path = tmp_path / "bot.sqlite3"
    store = SqliteStore(path, clock=lambda: now[0], retention_days=90)
    store.add_sent_question("en", "old question", ())
    now[0] += 60 * day
    store.add_sent_question("en", "newer question", ())
    store.count("en", "none")
    store.close()
    now[0] += 31 * day  # the first is 91 days old, the second 31
    reopened = SqliteStore(path, clock=lambda: now[0], retention_days=90)
    texts = [q.text for q in reopened.sent_questions("2000-01-01", "2100-01-01")]
    assert texts == ["newer question"]
    # Counts identify nobody and stay.
    assert len(reopened.counts("2000-01-01", "2100-01-01")) == 1
    reopened.close()


def q(text: str, nearest: str = "", lang: str = "en", day: str = "2026-11-20") -> SentQuestion:
    return SentQuestion(day, lang, text, (nearest,) if nearest else ())


def test_report_groups_alike_questions_biggest_first() -> None:
    questions = [
        q("how do I get a work permit in Norway", "iceland-work"),
        q("work permit norway how to get", "iceland-work"),
        q("How do I get a work permit in Norway?"),
        q("how to renew my driving licence"),
        q("renew driving licence"),
        q("is there a food bank in Reykjavik"),
        q("как получить разрешение на работу в Норвегии", lang="ru"),
    ]
    groups = group_questions(questions)
    sizes = [(g.size, g.lang) for g in groups]
    assert sizes == [(3, "en"), (2, "en"), (1, "en"), (1, "ru")]
    assert "Norway" in groups[0].leader.text
    assert groups[0].nearest == "iceland-work"
    assert {x.text for x in groups[1].questions} == {
        "how to renew my driving licence",
        "renew driving licence",
    }


def test_report_suggests_a_phrasing_where_it_belongs(tmp_path: Path, kb: Any) -> None:
    path = tmp_path / "bot.sqlite3"
    store = SqliteStore(path)
    for _ in range(2):
        store.add_sent_question("en", "can my kids go to school in iceland", ("iceland-study",))
        store.count("en", "none")
    store.count("en", "answer", "iceland-work")
    store.count("en", "vote-down", "iceland-work")
    today = datetime.now(UTC).date()
    summary = summarize(store, Period.last(7, today))
    store.close()
    assert summary.questions == 3
    assert summary.entries[0].entry == "iceland-work"
    assert summary.entries[0].down == 1
    lines = list(report_lines(summary, kb))
    at = lines.index("  1. 2× [en] can my kids go to school in iceland")
    assert "knowledge/faq/iceland.yaml, entry iceland-study, questions: en:" in lines[at + 1]
    assert lines[at + 2].strip() == "- can my kids go to school in iceland"


def test_report_command_prints_and_writes_a_page(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "bot.sqlite3"
    store = SqliteStore(path)
    store.add_sent_question("uk", "як продовжити посвідчення водія", ())
    store.count("uk", "none")
    store.count("en", "crisis:violence")
    store.close()
    monkeypatch.setenv("BOT_DATABASE_PATH", str(path))
    page = tmp_path / "report.html"
    assert main(["report", "--days", "3", "--html", str(page)]) == 0
    out = capsys.readouterr().out
    assert ": 2 questions in 2 languages" in out
    assert "safety replies by kind: violence 1" in out
    assert "1× [uk] як продовжити посвідчення водія" in out
    html = page.read_text(encoding="utf-8")
    assert html.count("<svg") == 2
    assert "як продовжити посвідчення водія" in html
    # Nothing is loaded from anywhere: no external address but the policy's own text.
    assert "http://" not in html
    assert "https://" not in html
    monkeypatch.setenv("BOT_DATABASE_PATH", str(tmp_path / "missing.sqlite3"))
    assert main(["report"]) == 1
    assert "no database at" in capsys.readouterr().err
    os.environ.pop("BOT_DATABASE_PATH", None)


def test_the_wording_sent_most_often_leads_its_group() -> None:
    questions = [
        q("they brought me here for work and now force me"),
        q("they brought me here for work and now they force me to stay"),
        q("they brought me here for work and now they force me to stay"),
    ]
    [group] = group_questions(questions)
    assert group.leader.text == "they brought me here for work and now they force me to stay"
