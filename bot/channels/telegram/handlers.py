"""Telegram updates in, dialog events through, rendered replies out. Translation only: every
decision about what to say is the dialog's.

One way through for each kind of update:
- commands (/start, /help, ..., and unknown ones) → `Command`;
- text, new or edited → `TextMessage` (in groups only when the bot is mentioned or replied to);
- anything else a user can send (sticker, photo, voice, location, file...) → `Unsupported`;
- button presses → `Press` (the query is always answered, forged data included);
- inline queries → `Dialog.inline`;
- with the hand-off on, the staff group's messages → `StaffDesk` (`handoff.py`), and the
  hand-off steps in a user's `Outcome` are carried out there too.
"""

from __future__ import annotations

import asyncio
import logging
import time
import traceback
from collections.abc import Sequence
from datetime import UTC, datetime

from telegram import (
    Bot,
    BotCommand,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Message,
    MessageEntity,
    Update,
)
from telegram import User as TelegramUser
from telegram.constants import ChatType
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from bot.channels.state import record
from bot.channels.telegram.handoff import StaffDesk
from bot.channels.telegram.render import keyboard, to_messages
from bot.dialog import (
    COMMANDS,
    Command,
    Event,
    Outcome,
    Press,
    Reply,
    TextMessage,
    Unsupported,
    User,
)
from bot.dialog.texts import Texts
from bot.live import LiveKnowledge
from bot.metrics import Health, Metrics
from bot.report import Period, summarize
from bot.report.render import stats_message
from bot.store import Store

log = logging.getLogger(__name__)
# What /stats covers: a week, short enough for a chat message.
STATS_DAYS = 7
# Message kinds that are not text, named for the logs (never with content).
UNSUPPORTED_KINDS = (
    "sticker", "photo", "voice", "video", "video_note", "audio", "document", "animation",
    "location", "venue", "contact", "poll", "dice", "game", "story",
)  # fmt: skip


class TelegramChannel:
    """The handlers of one bot; `register` adds them to an `Application`."""

    def __init__(
        self,
        live: LiveKnowledge,
        store: Store,
        admins: frozenset[int],
        desk: StaffDesk | None = None,
        metrics: Metrics | None = None,
        health: Health | None = None,
    ) -> None:
        """`desk`: the staff group, when the hand-off to a person is on; `metrics` and
        `health`: what operators watch (bot/metrics.py)."""
        self.live = live
        self.store = store
        self.admins = admins
        self.desk = desk
        self.metrics = metrics or Metrics()
        self.health = health

    def register(self, app: Application) -> None:  # type: ignore[type-arg]
        if self.desk is not None:
            self.desk.register(app)
        app.add_handler(CommandHandler("reload", self.on_reload))
        app.add_handler(CommandHandler("stats", self.on_stats))
        app.add_handler(CommandHandler(list(COMMANDS), self.on_command))
        app.add_handler(MessageHandler(filters.COMMAND, self.on_command))
        app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, self.on_text))
        app.add_handler(MessageHandler(~filters.TEXT & ~filters.StatusUpdate.ALL, self.on_other))
        app.add_handler(CallbackQueryHandler(self.on_press))
        app.add_handler(InlineQueryHandler(self.on_inline))
        app.add_error_handler(self.on_error)

    # ---- state --------------------------------------------------------------------------

    async def user(self, who: TelegramUser | None, private: bool) -> User:
        if who is None:
            return User(private=False)
        chosen = await asyncio.to_thread(self.store.get_language, who.id)
        if self.desk is None or not private:
            return User(chosen, who.language_code, private=private)
        ticket, writing, wait = await self.desk.state(who.id)
        return User(chosen, who.language_code, True, ticket, writing, wait)

    async def apply(
        self, outcome: Outcome, who: TelegramUser | None, bot: Bot, message: Message | None
    ) -> tuple[Reply, ...]:
        """Apply the state changes; returns the replies to send (the dialog's, then those the
        hand-off adds once a ticket exists)."""
        replies = outcome.replies
        if who is not None and outcome.forget and self.desk is not None:
            await self.desk.forget(who.id, bot)
        await asyncio.to_thread(record, self.store, outcome, who.id if who is not None else None)
        if who is not None and outcome.handoff is not None and self.desk is not None:
            replies += await self.desk.apply(outcome.handoff, who.id, message, bot)
        detail = " ".join(f"{k}={v}" for k, v in sorted(outcome.details.items()))
        log.info("handled %s %s", outcome.kind, detail)
        self._observe(outcome)
        return replies

    def _observe(self, outcome: Outcome) -> None:
        """Counts for operators: kinds and statuses only."""
        if self.health is not None:
            self.health.contact()
        self.metrics.updates.labels(outcome.kind).inc()
        status = outcome.details.get("status")
        if outcome.kind == "question" and status:
            self.metrics.decisions.labels(status).inc()
        if outcome.details.get("kind") and (status == "crisis" or outcome.kind == "handoff"):
            self.metrics.crisis.labels(outcome.details["kind"]).inc()

    # ---- handlers -----------------------------------------------------------------------

    async def on_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is None or not message.text:
            return
        if not _addressed(message, context.bot.username, context.bot.id, command=True):
            return
        word, _, payload = message.text.partition(" ")
        name = word.lstrip("/").split("@", 1)[0]
        await self._run(update, context, Command(name, payload.strip()))

    async def on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is None or message.text is None:
            return
        if not _addressed(message, context.bot.username, context.bot.id):
            return
        question = message.text.replace(f"@{context.bot.username}", " ")
        await self._run(update, context, TextMessage(question))

    async def on_other(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is None or not _addressed(message, context.bot.username, context.bot.id):
            return
        kind = next((k for k in UNSUPPORTED_KINDS if getattr(message, k, None)), "other")
        await self._run(update, context, Unsupported(kind))

    async def on_press(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None:
            return
        served = self.live.current
        message = query.message if isinstance(query.message, Message) else None
        private = message is not None and message.chat.type == ChatType.PRIVATE
        user = await self.user(query.from_user, private)
        outcome = served.dialog.handle(Press(query.data), user)
        # State first: a "thank you" means the vote is already counted.
        replies = await self.apply(outcome, query.from_user, context.bot, None)
        try:
            # Always answered, so the button stops spinning, whatever the data was.
            await query.answer(text=outcome.notice)
        except BadRequest as exc:
            # A query older than Telegram's limit can no longer be answered; the reply still goes.
            log.warning("could not answer a button press: %s", exc)
        if message is not None:
            await self.deliver(context, message.chat_id, replies, editable=message)
        elif replies and query.from_user is not None:
            # The button sat on a message we can no longer see: answer in the private chat.
            await self.deliver(context, query.from_user.id, replies)

    async def on_inline(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.inline_query
        if query is None:
            return
        served = self.live.current
        user = await self.user(query.from_user, private=False)
        results = served.dialog.inline(query.query, user)
        self.metrics.updates.labels("inline").inc()
        articles = [
            InlineQueryResultArticle(
                id=result.id[:64],
                title=result.title,
                description=result.description,
                input_message_content=InputTextMessageContent(
                    to_messages(result.reply)[0],
                ),
            )
            for result in results
        ]
        # Results depend on the user's language: Telegram must not serve one user's to another.
        await query.answer(articles, cache_time=300, is_personal=True)
        log.info("handled inline results=%d", len(articles))

    async def _admin_chat(
        self, update: Update, context: ContextTypes.DEFAULT_TYPE, command: str
    ) -> int | None:
        """The chat to answer an admin command in; None (after answering it as the unknown
        command it is to everyone else) when the sender is not an admin."""
        message = update.effective_message
        who = update.effective_user
        if message is None:
            return None
        if who is None or who.id not in self.admins:
            await self._run(update, context, Command(command))
            return None
        return message.chat_id

    async def on_reload(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        chat_id = await self._admin_chat(update, context, "reload")
        if chat_id is None:
            return
        result = await asyncio.to_thread(self.live.reload)
        kb = self.live.current.kb
        self.metrics.reloaded(not result.ok, kb.fingerprint, len(kb.entries))
        lines = [result.summary(), *result.report.render(errors_only=True, limit=20)]
        await context.bot.send_message(chat_id, "\n".join(lines))

    async def on_stats(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The last 7 days in a few lines, for admins (counts only, as `bot report`)."""
        chat_id = await self._admin_chat(update, context, "stats")
        if chat_id is None:
            return
        today = datetime.now(UTC).date()
        summary = await asyncio.to_thread(summarize, self.store, Period.last(STATS_DAYS, today))
        await context.bot.send_message(chat_id, stats_message(summary))

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        error = context.error
        where = ""
        if error is not None and error.__traceback__ is not None:
            frame = traceback.extract_tb(error.__traceback__)[-1]
            where = f" at {frame.filename.rsplit('/', 1)[-1]}:{frame.lineno}"
        update_id = update.update_id if isinstance(update, Update) else None
        # The class and place only: exception texts can quote what the user wrote.
        log.error("error %s%s while handling update %s", type(error).__name__, where, update_id)

    # ---- the one way through ------------------------------------------------------------

    async def _run(self, update: Update, context: ContextTypes.DEFAULT_TYPE, event: Event) -> None:
        message = update.effective_message
        who = update.effective_user
        if message is None:
            return
        started = time.perf_counter()
        served = self.live.current
        user = await self.user(who, message.chat.type == ChatType.PRIVATE)
        outcome = served.dialog.handle(event, user)
        replies = await self.apply(outcome, who, context.bot, message)
        await self.deliver(context, message.chat_id, replies, reply_to=message)
        self.metrics.reply_seconds.observe(time.perf_counter() - started)

    async def deliver(
        self,
        context: ContextTypes.DEFAULT_TYPE,
        chat_id: int,
        replies: Sequence[Reply],
        editable: Message | None = None,
        reply_to: Message | None = None,
    ) -> None:
        for reply in replies:
            chunks = to_messages(reply)
            markup = keyboard(reply)
            if reply.edit and editable is not None and len(chunks) == 1:
                try:
                    await editable.edit_text(
                        chunks[0],
                        reply_markup=markup,
                    )
                    continue
                except BadRequest as exc:
                    if "not modified" in str(exc).lower():
                        continue
                    # Too old or gone: send the menu as a new message instead.
                    log.info("edit failed (%s); sending a new message", type(exc).__name__)
            for i, chunk in enumerate(chunks):
                last = i == len(chunks) - 1
                try:
                    await context.bot.send_message(
                        chat_id,
                        chunk,
                        reply_markup=markup if last else None,
                        reply_to_message_id=reply_to.message_id
                        if reply_to is not None and reply_to.chat.type != ChatType.PRIVATE
                        else None,
                    )
                except Forbidden:
                    log.info("the user blocked the bot; reply dropped")
                    return


def _addressed(message: Message, username: str, bot_id: int, command: bool = False) -> bool:
    """In private chats everything is for us; in groups only mentions, replies to us and
    commands written as /command@our_bot."""
    if message.chat.type == ChatType.PRIVATE:
        return True
    replied = message.reply_to_message
    if replied is not None and replied.from_user is not None and replied.from_user.id == bot_id:
        return True
    mention = f"@{username}".lower()
    if command:
        word = (message.text or "").split(maxsplit=1)[0] if message.text else ""
        return word.lower().endswith(mention)
    for entity, value in message.parse_entities([MessageEntity.MENTION]).items():
        if entity.type == MessageEntity.MENTION and value.lower() == mention:
            return True
    return False


async def set_commands(app: Application, live: LiveKnowledge) -> None:  # type: ignore[type-arg]
    """Per-language command menus, plus a default in the source language."""
    kb = live.current.kb
    menu = live.current.dialog.commands()
    for lang in (None, *kb.languages):
        t = Texts(kb, lang or kb.source_language)
        commands = [BotCommand(name, t(key)) for name, key in menu.items()]
        try:
            await app.bot.set_my_commands(commands, language_code=lang)
        except TelegramError as exc:
            log.warning("could not set the %s command menu: %s", lang or "default", exc)
