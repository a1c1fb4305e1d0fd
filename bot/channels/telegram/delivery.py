"""At-least-once delivery with long polling: an update is confirmed to Telegram only once it
has been handled, a restart never handles one twice, and one unreadable update stops nothing.

Telegram forgets the updates before the `offset` of the next getUpdates: that is how a bot
confirms them. python-telegram-bot's own updater confirms every fetched update at the next
fetch, before it is handled, so a crash loses what was fetched and not yet answered. Here:
- `DeliveryLedger` keeps the offset behind the oldest update still being handled, and records
  each handled update id in the store (for a day: Telegram keeps updates 24 hours), so that the
  updates a crash left unconfirmed are handled again, except those already answered;
- `DurableUpdater` fetches the raw JSON and reads each update on its own: one that cannot be
  read (a Bot API server newer or older than the library) is logged once with its id and the
  error class, counted, confirmed and skipped, while every other update is handled.

A crash between a reply being sent and its update being recorded (milliseconds) can send that
reply once more after the restart: at least once, never lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dtm
import json
import logging
import warnings
from collections.abc import Callable, Sequence
from http import HTTPStatus
from pathlib import Path
from typing import Any, Protocol

import tornado.web
from telegram import Update
from telegram.error import InvalidToken, TelegramError
from telegram.ext import Updater

# python-telegram-bot's webhook server and handler: reused, with the handler's post replaced
# (a private module of the library; its major version is pinned in pyproject.toml).
from telegram.ext._utils.webhookhandler import TelegramHandler, WebhookServer
from telegram.warnings import PTBUserWarning

log = logging.getLogger(__name__)
# The raw call is deliberate: Bot.get_updates reads all updates at once, and one it cannot read
# fails them all (and the library fetches the same batch again, forever).
warnings.filterwarnings("ignore", message="Please use .Bot.getUpdates.", category=PTBUserWarning)

# Handled update ids kept in memory (the store keeps a day's).
REMEMBERED_IN_MEMORY = 10_000
# How long handled update ids are remembered: Telegram keeps an unconfirmed update for a day.
REMEMBER_SECONDS = 24 * 3600
# A webhook request waits this long for its update to be handled (Telegram waits about a
# minute before it sends again).
WEBHOOK_WAIT = 50
# After a fetch that brought nothing new (only updates still being handled), wait this long:
# Telegram answers at once while unconfirmed updates exist, so polling again would spin.
BUSY_WAIT = 0.2


class HandledStore(Protocol):
    def mark_handled(self, update_id: int) -> None: ...

    def handled_since(self, seconds: float) -> set[int]: ...

    def was_handled(self, update_id: int) -> bool: ...


class DeliveryLedger:
    """Fetched, in-flight and handled update ids, and the offset that confirms the handled."""

    def __init__(
        self,
        store: HandledStore | None = None,
        on_poison: Callable[[], None] | None = None,
    ) -> None:
        self.store = store
        self.on_poison = on_poison
        self._in_flight: set[int] = set()
        self._handled: set[int] = store.handled_since(REMEMBER_SECONDS) if store else set()
        self._next = 0
        # Webhook requests waiting for their update to be handled, by update id.
        self._waiters: dict[int, asyncio.Event] = {}

    @property
    def offset(self) -> int:
        """Confirm everything before the oldest update still being handled."""
        if self._in_flight:
            return min(self._in_flight)
        return self._next

    def is_new(self, update_id: int) -> bool:
        self._next = max(self._next, update_id + 1)
        return update_id not in self._in_flight and update_id not in self._handled

    def started(self, update_id: int) -> None:
        self._in_flight.add(update_id)

    def handled(self, update_id: int) -> bool:
        """Handled by this process (and still remembered)."""
        return update_id in self._handled

    async def handled_anywhere(self, update_id: int) -> bool:
        """Handled here, or by another replica on the same database (a webhook's retry can
        reach any replica). The database is asked off the event loop."""
        if update_id in self._handled:
            return True
        if self.store is None:
            return False
        return await asyncio.to_thread(self.store.was_handled, update_id)

    def in_flight(self, update_id: int) -> bool:
        return update_id in self._in_flight

    async def wait(self, update_id: int, seconds: float) -> bool:
        """Wait until the update is handled (at most `seconds`); True when it was."""
        if update_id in self._handled:
            return True
        event = self._waiters.setdefault(update_id, asyncio.Event())
        try:
            await asyncio.wait_for(event.wait(), seconds)
        except TimeoutError:
            return False
        return True

    def done(self, update_id: int) -> None:
        """The update was handled (answered, or failed in its handler and was logged).

        Written at once, on the event loop: through the thread pool the write queued behind
        the other store calls, and a crash then found replies sent but not recorded (measured:
        a reply doubled after kill -9 that way, none this way)."""
        self._in_flight.discard(update_id)
        if self.store is not None:
            self.store.mark_handled(update_id)
        self._handled.add(update_id)
        waiter = self._waiters.pop(update_id, None)
        if waiter is not None:
            waiter.set()
        # Memory stays bounded: Telegram numbers updates in order, so the oldest go first. With
        # polling they are below the offset and never come back; a webhook's late retry of one
        # is still recognised by the store (`handled_anywhere`).
        if len(self._handled) > REMEMBERED_IN_MEMORY:
            self._handled = set(sorted(self._handled)[-REMEMBERED_IN_MEMORY // 2 :])

    def poison(self, update_id: int) -> None:
        self.done(update_id)
        if self.on_poison is not None:
            self.on_poison()


class DurableUpdater(Updater):
    """python-telegram-bot's `Updater` with the polling loop above (webhooks unchanged)."""

    def __init__(
        self,
        bot: Any,
        update_queue: asyncio.Queue[object],
        ledger: DeliveryLedger,
        on_contact: Callable[[], None] | None = None,
        routes: Sequence[Any] = (),
        on_webhook: Callable[[], None] | None = None,
    ):
        """`on_contact`: told each time Telegram answered a getUpdates (the health check);
        `routes`: more tornado routes for the webhook's server (/healthz and /metrics);
        `on_webhook`: told when the webhook (not polling) starts."""
        super().__init__(bot, update_queue)
        self.ledger = ledger
        self.on_contact = on_contact
        self.routes = list(routes)
        self.on_webhook = on_webhook
        self._task: asyncio.Task[None] | None = None

    async def start_polling(
        self,
        poll_interval: float = 0.0,
        timeout: dtm.timedelta | float = 10,  # noqa: ASYNC109 - the long poll, as Updater's
        bootstrap_retries: int = 0,
        allowed_updates: Sequence[str] | None = None,
        drop_pending_updates: bool | None = None,
        error_callback: Any = None,
    ) -> asyncio.Queue[object]:
        if self.running:
            raise RuntimeError("This Updater is already running!")
        if not self._initialized:
            raise RuntimeError("This Updater was not initialized via `Updater.initialize`!")
        # Makes sure no webhook is set (and drops pending updates only when asked).
        await self._bootstrap(
            bootstrap_retries,
            drop_pending_updates=drop_pending_updates,
            webhook_url="",
            allowed_updates=None,
        )
        seconds = timeout.total_seconds() if isinstance(timeout, dtm.timedelta) else timeout
        self._running = True
        self._task = asyncio.create_task(
            self._poll(int(seconds), list(allowed_updates or []), poll_interval),
            name="DurableUpdater:poll",
        )
        return self.update_queue

    async def stop(self) -> None:
        if not self.running:
            raise RuntimeError("This Updater is not running!")
        self._running = False
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self._stop_httpd()

    async def _start_webhook(
        self,
        listen: str,
        port: int,
        url_path: str,
        bootstrap_retries: int,
        allowed_updates: Sequence[str] | None,
        cert: str | Path | None = None,
        key: str | Path | None = None,
        drop_pending_updates: bool | None = None,
        webhook_url: str | None = None,
        ready: asyncio.Event | None = None,
        ip_address: str | None = None,
        max_connections: int = 40,
        secret_token: str | None = None,
        unix: Any = None,
    ) -> None:
        """python-telegram-bot's webhook server with `DurableWebhookHandler`: Telegram gets
        its 200 once the update is handled (it sends again what got no answer)."""
        if cert is not None or key is not None:
            raise TelegramError("terminate TLS in a reverse proxy: the bot serves plain HTTP")
        if not url_path.startswith("/"):
            url_path = f"/{url_path}"
        shared = {"bot": self.bot, "update_queue": self.update_queue,
                  "secret_token": secret_token, "ledger": self.ledger}  # fmt: skip
        app = tornado.web.Application(
            [(rf"{url_path}/?", DurableWebhookHandler, shared), *self.routes],
            log_function=lambda handler: None,
        )
        self._httpd = WebhookServer(listen, port, app, None, unix)  # type: ignore[arg-type]
        if self.on_webhook is not None:
            self.on_webhook()
        await self._bootstrap(
            max_retries=bootstrap_retries,
            drop_pending_updates=drop_pending_updates,
            webhook_url=webhook_url or f"http://{listen}:{port}{url_path}",
            allowed_updates=allowed_updates,
            ip_address=ip_address,
            max_connections=max_connections,
            secret_token=secret_token,
        )
        await self._httpd.serve_forever(ready=ready)

    async def _poll(self, wait: int, allowed: list[str], interval: float) -> None:
        delay = 1.0
        while self.running:
            try:
                raw = await self.bot.do_api_request(
                    "getUpdates",
                    api_kwargs={
                        "offset": self.ledger.offset,
                        "timeout": wait,
                        "allowed_updates": allowed,
                    },
                    read_timeout=wait + 10,
                )
            except InvalidToken:
                log.error("Telegram refused the token; polling stops")
                raise
            except TelegramError as exc:
                log.warning("getUpdates failed (%s); trying again in %.0f s",
                            type(exc).__name__, delay)  # fmt: skip
                await asyncio.sleep(delay)
                delay = min(delay * 2, 30.0)
                continue
            delay = 1.0
            if self.on_contact is not None:
                self.on_contact()
            fresh = await self._queue(raw if isinstance(raw, list) else [])
            if not fresh:
                await asyncio.sleep(BUSY_WAIT if raw else interval)
            elif interval:
                await asyncio.sleep(interval)

    async def _queue(self, raw: list[Any]) -> int:
        """Read and queue each new update; returns how many were queued."""
        queued = 0
        for data in raw:
            update_id = data.get("update_id") if isinstance(data, dict) else None
            if not isinstance(update_id, int):
                log.error("an update without an update_id was skipped")
                continue
            if not self.ledger.is_new(update_id):
                continue
            queued += await admit(data, update_id, self.bot, self.update_queue, self.ledger)
        return queued


async def admit(
    data: dict[str, Any],
    update_id: int,
    bot: Any,
    queue: asyncio.Queue[object],
    ledger: DeliveryLedger,
) -> bool:
    """Read one update on its own and queue it for the handlers; True when queued. One that
    cannot be read is logged once (its id and the error class: the exception's text quotes the
    update), counted and recorded as handled, so it is confirmed and never fetched again."""
    try:
        update = Update.de_json(data, bot)
    except Exception as exc:  # any reading error: skip this update only
        log.error("update %d could not be read (%s); skipped", update_id, type(exc).__name__)
        ledger.poison(update_id)
        return False
    ledger.started(update_id)
    await queue.put(update)
    return True


class DurableWebhookHandler(TelegramHandler):
    """Answers Telegram only once the update is handled, or known to be handled already.

    An update that cannot be read is logged once (id and error class), counted and answered
    200, so Telegram stops sending it; a retry of an update still being handled waits for it.
    """

    def initialize(  # type: ignore[override]
        self,
        bot: Any,
        update_queue: asyncio.Queue[object],
        secret_token: str,
        ledger: DeliveryLedger,
    ) -> None:
        super().initialize(bot, update_queue, secret_token)
        self.ledger = ledger

    def log_exception(self, *args: Any) -> None:
        """Tornado's own error log would quote the request; our lines say what happened."""

    async def post(self) -> None:
        self._validate_post()
        try:
            data = json.loads(self.request.body)
            update_id = data["update_id"]
        except (ValueError, TypeError, KeyError):
            raise tornado.web.HTTPError(HTTPStatus.BAD_REQUEST) from None
        if not isinstance(update_id, int):
            raise tornado.web.HTTPError(HTTPStatus.BAD_REQUEST)
        self.set_status(HTTPStatus.OK)
        if await self.ledger.handled_anywhere(update_id):
            return
        queue, ledger = self.update_queue, self.ledger
        if not ledger.in_flight(update_id) and not await admit(
            data, update_id, self.bot, queue, ledger
        ):
            return  # unreadable: skipped, and answered 200 so Telegram stops sending it
        if not await self.ledger.wait(update_id, WEBHOOK_WAIT):
            log.warning("update %d still being handled after %d s; answered", update_id,
                        WEBHOOK_WAIT)  # fmt: skip
