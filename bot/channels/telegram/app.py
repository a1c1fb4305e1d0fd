"""Wiring only: build the `Application`, then run it with long polling or a webhook."""

from __future__ import annotations

import asyncio
import logging
import secrets
import sys
from pathlib import Path
from urllib.parse import urlparse

from telegram import Bot, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.ext import Application, ContextTypes, Defaults, ExtBot
from telegram.request import HTTPXRequest

from bot.channels.telegram.delivery import DeliveryLedger, DurableUpdater
from bot.channels.telegram.handlers import TelegramChannel, set_commands
from bot.channels.telegram.handoff import StaffDesk
from bot.channels.telegram.ordering import ChatOrderedProcessor
from bot.channels.telegram.ratelimit import READ_TIMEOUT, PatientRateLimiter
from bot.config import Settings
from bot.dialog import DialogOptions, HandoffOptions
from bot.live import LiveKnowledge, open_live
from bot.logs import configure
from bot.metrics import Health, Metrics
from bot.monitor import MonitorServer, routes
from bot.store import BotStore, StoreError

log = logging.getLogger(__name__)


def handoff_options(settings: Settings) -> HandoffOptions | None:
    """The hand-off to a person, on only when a staff group is named."""
    if settings.moderator_chat_id is None:
        return None
    return HandoffOptions(hours=settings.handoff_hours, staff_lang=settings.staff_language)


def dialog_options(settings: Settings) -> DialogOptions:
    """What the operator set up for the conversation (see `DialogOptions`)."""
    return DialogOptions(
        settings.operator_name, handoff_options(settings), settings.unanswered_days
    )


def build_application(
    settings: Settings,
    live: LiveKnowledge,
    store: BotStore,
    rate_limiter: PatientRateLimiter | None = None,
    read_timeout: float = READ_TIMEOUT,
) -> Application:  # type: ignore[type-arg]
    """`live` must be opened with `handoff_options(settings)`, so that its dialog offers
    the hand-off exactly when there is a staff group. The metrics are in
    `app.bot_data["metrics"]`; with BOT_METRICS_PORT set, /healthz and /metrics are served."""
    assert settings.token is not None
    metrics = Metrics()
    health = Health(knowledge=lambda: _knowledge_state(live), store_ok=store.reachable)
    limiter = rate_limiter or PatientRateLimiter()
    limiter.metrics = metrics
    base = settings.api_base() or "https://api.telegram.org/bot"
    bot = ExtBot(
        settings.token.get_secret_value(),
        base_url=base,
        base_file_url=base.removesuffix("/bot") + "/file/bot",
        # Every message is HTML built by `render` (escaped), and links never unfold a preview.
        defaults=Defaults(
            parse_mode=ParseMode.HTML,
            link_preview_options=LinkPreviewOptions(is_disabled=True),
        ),
        rate_limiter=limiter,
        # A slow answer is waited for rather than sent again (see ratelimit.py).
        request=HTTPXRequest(connection_pool_size=256, read_timeout=read_timeout),
        get_updates_request=HTTPXRequest(connection_pool_size=1),
    )
    updates: asyncio.Queue[object] = asyncio.Queue()
    ledger = DeliveryLedger(store, on_poison=metrics.unreadable.inc)
    desk = None
    if settings.moderator_chat_id is not None:
        desk = StaffDesk(live, store, settings.moderator_chat_id)
    channel = TelegramChannel(live, store, settings.admin_ids, desk, metrics, health)
    monitor = None
    if settings.metrics_port is not None:
        monitor = MonitorServer(metrics, health, settings.metrics_listen, settings.metrics_port)

    async def on_startup(app: Application) -> None:  # type: ignore[type-arg]
        await set_commands(app, live)
        if monitor is not None:
            await monitor.start()

    async def on_shutdown(app: Application) -> None:  # type: ignore[type-arg]
        if monitor is not None:
            await monitor.stop()

    app = (
        Application.builder()
        # The bot and the update queue come with the updater. Polling confirms an update to
        # Telegram only once it is handled (delivery.py).
        .updater(
            DurableUpdater(
                bot,
                updates,
                ledger,
                on_contact=health.contact,
                routes=routes(metrics, health),
                on_webhook=lambda: setattr(health, "webhook", True),
            )
        )
        # Chats run concurrently; the updates of one chat keep their order.
        .concurrent_updates(ChatOrderedProcessor(on_done=ledger.done))
        .post_init(on_startup)
        .post_shutdown(on_shutdown)
        .build()
    )
    channel.register(app)
    app.bot_data["metrics"] = metrics
    app.bot_data["monitor"] = monitor
    served = live.current.kb
    metrics.served(served.fingerprint, len(served.entries))
    if settings.reload_seconds > 0 and app.job_queue is not None:

        async def reload_job(context: ContextTypes.DEFAULT_TYPE) -> None:
            result = await asyncio.to_thread(live.reload_if_changed)
            kb = live.current.kb
            metrics.reloaded(result.changed and not result.ok, kb.fingerprint, len(kb.entries))

        app.job_queue.run_repeating(reload_job, interval=settings.reload_seconds, first=10)
    return app


def _knowledge_state(live: LiveKnowledge) -> dict[str, object]:
    kb = live.current.kb
    return {"entries": len(kb.entries), "fingerprint": kb.fingerprint[:16]}


async def check_connection(settings: Settings) -> tuple[str, str]:
    """Ask the Bot API who we are and whether we see the staff group; raise a readable error
    when the first cannot be done. Returns the username and a word on the hand-off."""
    assert settings.token is not None
    bot = Bot(
        settings.token.get_secret_value(),
        base_url=settings.api_base() or "https://api.telegram.org/bot",
    )
    async with bot:
        me = await bot.get_me()
        handoff = "off"
        group = settings.moderator_chat_id
        if group is not None:
            try:
                chat = await bot.get_chat(group)
                kind = "forum: a topic per ticket" if chat.is_forum else "reply threads"
                handoff = f"staff group {group} ({kind})"
            except TelegramError as exc:
                handoff = (
                    f"staff group {group} NOT reachable ({type(exc).__name__}): add the bot to "
                    "the group as an admin, or fix BOT_MODERATOR_CHAT_ID"
                )
    return me.username or str(me.id), handoff


def run_telegram(settings: Settings, knowledge: Path, webhook_url: str | None) -> int:
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
    assert settings.token is not None
    configure(
        settings.log_level, [settings.token.get_secret_value(), secret or ""], settings.log_format
    )
    live = open_live(knowledge, settings.embedder(), dialog_options(settings))
    if live is None:
        return 1
    try:
        store = settings.open_store()
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    api = settings.api_base_url or "https://api.telegram.org"
    try:
        username, handoff = asyncio.run(check_connection(settings))
    except InvalidToken:
        print(
            "error: Telegram rejected TELEGRAM_BOT_TOKEN; copy it again from @BotFather",
            file=sys.stderr,
        )
        return 1
    except (NetworkError, TelegramError, OSError) as exc:
        print(
            f"error: cannot reach the Telegram Bot API at {api} ({type(exc).__name__})",
            file=sys.stderr,
        )
        return 1
    webhook = webhook_url or settings.webhook_url
    # Through `live` each time, not a local name: this frame lasts as long as the process, and
    # would keep the first knowledge base alive after every reload.
    mode = f"webhook {webhook}" if webhook else "long polling"
    print(
        f"@{username}: knowledge loaded ({len(live.current.kb.entries)} entries, languages "
        f"{' '.join(live.current.kb.languages)}); matching: {live.current.matcher.mode}; "
        f"mode: {mode}; state: "
        f"{'PostgreSQL' if settings.database_url else settings.database_path}; "
        f"hand-off: {handoff}",
        file=sys.stderr,
    )
    app = build_application(settings, live, store)
    asyncio.set_event_loop(asyncio.new_event_loop())
    try:
        if webhook:
            path = urlparse(webhook).path.lstrip("/")
            app.run_webhook(
                listen=settings.webhook_listen,
                port=settings.webhook_port,
                url_path=path,
                webhook_url=webhook,
                secret_token=secret or secrets.token_urlsafe(32),
                allowed_updates=Update.ALL_TYPES,
            )
        else:
            app.run_polling(allowed_updates=Update.ALL_TYPES)
    except InvalidToken:
        print("error: Telegram rejected TELEGRAM_BOT_TOKEN", file=sys.stderr)
        return 1
    finally:
        store.close()
    return 0
