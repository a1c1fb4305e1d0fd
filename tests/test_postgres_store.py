"""The same store on PostgreSQL, and what more than one replica needs: shared rows, a shared
key that the database never holds, one open ticket per user whoever opens it."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import threading
from collections.abc import Callable, Iterator
from html import escape
from pathlib import Path
from typing import Any

import aiohttp
import psycopg
import pytest

from bot.config import Settings
from bot.dialog import actions
from bot.live import Served
from bot.store import BotStore, SqliteStore, StoreError
from bot.store.postgres import MIGRATIONS, PostgresStore
from tests import botprocess, updates
from tests.conftest import TOKEN, says, start_bot, stop_bot
from tests.fakebotapi import FakeBotApi

KEY = bytes(range(32))
USER, CHAT = 987654321, 987654321


@pytest.fixture(params=["sqlite", "postgres"])
def open_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[], BotStore]]:
    """Opens the store under test; every store opened is closed at the end."""
    opened: list[BotStore] = []
    if request.param == "postgres":
        url = request.getfixturevalue("fresh_postgres")

        def make() -> BotStore:
            opened.append(PostgresStore(url, KEY))
            return opened[-1]
    else:

        def make() -> BotStore:
            opened.append(SqliteStore(tmp_path / "bot.sqlite3", key=KEY))
            return opened[-1]

    yield make
    for store in opened:
        store.close()


def test_the_same_behaviour_on_both_stores(open_store: Callable[[], BotStore]) -> None:
    store = open_store()
    store.set_language(USER, "uk")
    store.set_language(USER, "ar")
    assert store.get_language(USER) == "ar"
    for vote in (1, -1, 1):
        store.add_feedback("iceland-work", vote)
    assert store.feedback() == {"iceland-work": (2, 1)}
    store.count("en", "answer", "iceland-work")
    store.count("en", "answer", "iceland-work")
    [count] = store.counts("2000-01-01", "2100-01-01")
    assert (count.lang, count.status, count.entry, count.n) == ("en", "answer", "iceland-work", 2)
    store.add_sent_question("en", "is there a food bank", ("iceland-housing",))
    [sent] = store.sent_questions("2000-01-01", "2100-01-01")
    assert (sent.text, sent.nearest) == ("is there a food bank", ("iceland-housing",))
    store.mark_handled(41)
    store.mark_handled(41)
    assert store.handled_since(3600) == {41}
    ticket, created = store.open_ticket(USER, CHAT, "en")
    assert created
    assert (ticket.number, ticket.chat_id) == (1, CHAT)
    again, created = store.open_ticket(USER, CHAT, "en")
    assert not created
    assert again.number == 1
    store.place_ticket(1, 77, 500)
    assert store.ticket_in_topic(77) == store.ticket(1)
    closed = store.close_ticket(1)
    assert closed is not None
    assert closed.chat_id == CHAT
    assert store.close_ticket(1) is None
    kept = store.ticket(1)
    assert kept is not None
    assert kept.chat_id is None
    assert store.forget(USER) is True
    assert store.get_language(USER) is None
    assert store.reachable()


def test_two_replicas_share_everything_and_forget_means_forgotten(fresh_postgres: str) -> None:
    first, second = PostgresStore(fresh_postgres, KEY), PostgresStore(fresh_postgres, KEY)
    try:
        first.set_language(USER, "fa")
        assert second.get_language(USER) == "fa"
        first.add_feedback("gcm-what", 1)
        second.add_feedback("gcm-what", 1)
        assert first.feedback() == second.feedback() == {"gcm-what": (2, 0)}
        ticket, _ = first.open_ticket(USER, CHAT, "fa")
        assert second.handoff_state(USER)[0] == ticket
        # /forget on one replica: the other has nothing left either.
        assert second.forget(USER) is True
        assert first.get_language(USER) is None
        assert first.handoff_state(USER) == (None, False)
    finally:
        first.close()
        second.close()


def test_two_replicas_opening_a_ticket_at_once_open_one(fresh_postgres: str) -> None:
    stores = [PostgresStore(fresh_postgres, KEY) for _ in range(4)]
    results: list[tuple[int, bool]] = []
    barrier = threading.Barrier(len(stores))

    def open_one(store: PostgresStore) -> None:
        barrier.wait()
        ticket, created = store.open_ticket(USER, CHAT, "en")
        results.append((ticket.number, created))

    threads = [threading.Thread(target=open_one, args=(s,)) for s in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    for store in stores:
        store.close()
    assert len({number for number, _ in results}) == 1
    assert sum(created for _, created in results) == 1


def test_the_database_holds_no_user_id_and_no_key(fresh_postgres: str) -> None:
    store = PostgresStore(fresh_postgres, KEY)
    store.set_language(USER, "fi")
    store.open_ticket(USER, CHAT, "fi")
    store.count("fi", "answer", "iom-what")
    store.close()
    with psycopg.connect(fresh_postgres) as db:
        tables = [r[0] for r in db.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]  # fmt: skip
        values = [
            str(value)
            for table in tables
            for row in db.execute(f"SELECT * FROM {table}")
            for value in row
        ]
    text = " ".join(values)
    assert str(USER) not in text
    assert KEY.hex() not in text
    assert set(tables) >= {"user_language", "ticket", "usage_count", "bot_schema"}


def test_a_newer_schema_is_refused_and_a_short_key_too(fresh_postgres: str) -> None:
    PostgresStore(fresh_postgres, KEY).close()
    with psycopg.connect(fresh_postgres, autocommit=True) as db:
        db.execute("UPDATE bot_schema SET version = %s", (len(MIGRATIONS) + 1,))
    with pytest.raises(StoreError, match="newer than this bot"):
        PostgresStore(fresh_postgres, KEY)
    with pytest.raises(StoreError, match="BOT_USER_KEY"):
        PostgresStore(fresh_postgres, b"short")


def test_replicas_need_a_shared_key_and_a_fixed_webhook_secret() -> None:
    url = "postgresql://bot@db.example.org/bot"
    with pytest.raises(ValueError, match="needs BOT_USER_KEY"):
        Settings.model_validate({"BOT_DATABASE_URL": url})
    with pytest.raises(ValueError, match="fixed BOT_WEBHOOK_SECRET"):
        Settings.model_validate(
            {
                "BOT_DATABASE_URL": url,
                "BOT_USER_KEY": KEY.hex(),
                "BOT_WEBHOOK_URL": "https://bot.example.org/hook",
            }
        )
    settings = Settings.model_validate({"BOT_DATABASE_URL": url, "BOT_USER_KEY": KEY.hex()})
    assert settings.user_key_bytes() == KEY
    assert url not in repr(settings)


async def test_replicas_behind_one_address_share_language_and_forget(
    fresh_postgres: str, tmp_path: Path, served: Served
) -> None:
    """Two bots on one PostgreSQL database, each fed by its own Bot API (as a load balancer
    would spread the webhook's updates): what one replica learns, the other knows."""
    apis = [FakeBotApi(TOKEN), FakeBotApi(TOKEN)]
    bots = []
    for number, api in enumerate(apis):
        await api.start()
        shared = {"BOT_DATABASE_URL": fresh_postgres, "BOT_USER_KEY": KEY.hex()}
        bots.append(await start_bot(api, tmp_path / str(number), served, **shared))
    first, second = bots
    try:
        first.api.push(updates.press(actions.language("uk"), uid=USER, lang="en"))
        # "Language set", then the topics menu.
        await first.api.wait_for("sendMessage", 2)
        second.api.push(updates.command("/privacy", uid=USER, lang="en"))
        [privacy] = await second.api.wait_for("sendMessage", 1)
        assert privacy["text"].startswith(says(served.kb, "uk", "privacy")[:20])
        second.api.push(updates.command("/forget", uid=USER, lang="en"))
        await second.api.wait_for("sendMessage", 2)
        assert first.store.get_language(USER) is None
        first.api.push(updates.command("/privacy", uid=USER, lang="en"))
        sent = await first.api.wait_for("sendMessage", 3)
        assert sent[-1]["text"].startswith(says(served.kb, "en", "privacy")[:20])
    finally:
        for bot in bots:
            await stop_bot(bot)
        for api in apis:
            await api.stop()


async def test_two_bot_processes_behind_one_webhook_address(
    fresh_postgres: str,
    fake_api: FakeBotApi,
    tmp_path: Path,
    unused_tcp_port_factory: Callable[[], int],
    served: Served,
) -> None:
    """Two real `python -m bot run` processes on one PostgreSQL database, the test spreading
    Telegram's webhook calls between them as an L7 load balancer would."""
    ports = [unused_tcp_port_factory(), unused_tcp_port_factory()]
    shared = {
        "BOT_DATABASE_URL": fresh_postgres,
        "BOT_USER_KEY": KEY.hex(),
        "BOT_WEBHOOK_URL": "https://bot.example.org/telegram",
        "BOT_WEBHOOK_SECRET": "replica-secret",
        "BOT_WEBHOOK_LISTEN": "127.0.0.1",
    }
    processes = []
    for number, port in enumerate(ports):
        folder = tmp_path / f"replica{number}"
        folder.mkdir()
        processes.append(botprocess.start(fake_api, folder, folder / "bot.log", botprocess.FIXTURE,
                                          BOT_WEBHOOK_PORT=str(port), **shared))  # fmt: skip
    headers = {"X-Telegram-Bot-Api-Secret-Token": "replica-secret"}
    next_id = iter(range(90_000, 90_100))

    async def deliver(
        http: aiohttp.ClientSession, port: int, update: dict[str, Any], again: bool = False
    ) -> None:
        """Telegram's call to one replica (`again`: the same update once more)."""
        if not again:
            update = {**update, "update_id": next(next_id)}
        url = f"http://127.0.0.1:{port}/telegram"
        async with http.post(url, json=update, headers=headers) as response:
            assert response.status == 200

    try:
        async with aiohttp.ClientSession() as http:
            for port in ports:  # both replicas up
                for _ in range(300):
                    with contextlib.suppress(aiohttp.ClientError):
                        async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
                            if response.status == 200:
                                break
                    await asyncio.sleep(0.1)
            first, second = ports
            await deliver(http, first, updates.press(actions.language("uk"), uid=USER))
            asked = {**updates.command("/privacy", uid=USER, lang="en"), "update_id": 90_500}
            await deliver(http, second, asked, again=True)
            privacy = fake_api.sent()[-1]["text"]
            # Telegram sending it again, to the other replica: answered once only.
            sent = len(fake_api.sent())
            await deliver(http, first, asked, again=True)
            assert len(fake_api.sent()) == sent
            assert privacy.startswith(escape(says(served.kb, "uk", "privacy")[:20], quote=False))
            await deliver(http, second, updates.command("/forget", uid=USER, lang="en"))
            with psycopg.connect(fresh_postgres) as db:
                assert db.execute("SELECT count(*) FROM user_language").fetchone() == (0,)
            await deliver(http, first, updates.command("/privacy", uid=USER, lang="en"))
            again = fake_api.sent()[-1]["text"]
            assert again.startswith(escape(says(served.kb, "en", "privacy")[:20], quote=False))
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            process.wait(20)
