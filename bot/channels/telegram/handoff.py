"""The hand-off to a person on Telegram: tickets in the staff group, answers back to users.

The dialog decides; this module only carries. One way through for each kind of message:
- a user's `HandoffStep` → `StaffDesk.apply`: the request is remembered or dropped, a ticket
  opened (its own forum topic when the staff group has topics, else a first message whose
  replies are the ticket), the message posted to it (text as text; a photo, file, voice or
  video as a copy, which shows no sender), or the ticket closed;
- a message in the staff group → `StaffDesk.on_staff`: placed by its topic (forum) or by the
  ticket message it replies to (plain group), handed to the dialog as a `StaffMessage`, and
  the `StaffOutcome` carried out: the answer goes to the ticket's user, or a note to the group.
The staff handler sees only the staff group's updates, and the FAQ handlers never see them.
Nothing here logs a message text or a user id: tickets are named by number.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Callable
from html import escape
from typing import Any, Literal

from telegram import Bot, Message, ReplyParameters, Update
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import Application, ContextTypes, MessageHandler, filters

from bot.channels.telegram.render import to_messages
from bot.dialog import Handoff, HandoffStep, Reply, StaffMessage
from bot.dialog.handoff import ticket_in
from bot.live import LiveKnowledge
from bot.store import Ticket, TicketStore

log = logging.getLogger(__name__)
# A user may send this many messages to the team at once, then one every REFILL_SECONDS.
BURST = 5
REFILL_SECONDS = 10.0


class Cooldown:
    """A token bucket per user, in memory only: `burst` messages at once, then one every
    `every` seconds, so that nobody can flood the staff group."""

    def __init__(
        self,
        burst: int = BURST,
        every: float = REFILL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.burst = burst
        self.every = every
        self.clock = clock
        self._buckets: dict[int, tuple[float, float]] = {}

    def _tokens(self, user_id: int) -> float:
        tokens, since = self._buckets.get(user_id, (float(self.burst), self.clock()))
        return min(float(self.burst), tokens + (self.clock() - since) / self.every)

    def wait(self, user_id: int) -> int:
        """Whole seconds until this user may send again (0: now)."""
        missing = 1.0 - self._tokens(user_id)
        return 0 if missing <= 0 else max(1, math.ceil(missing * self.every))

    def spend(self, user_id: int) -> None:
        now = self.clock()
        self._buckets[user_id] = (self._tokens(user_id) - 1.0, now)
        # Forget users whose bucket is full again: they are like users never seen.
        every, burst = self.every, self.burst
        full = [k for k, (t, s) in self._buckets.items() if t + (now - s) / every >= burst]
        for key in full:
            del self._buckets[key]


class StaffDesk:
    """The staff group of one bot: opens tickets, posts to them, answers users."""

    def __init__(
        self,
        live: LiveKnowledge,
        store: TicketStore,
        group_id: int,
        cooldown: Cooldown | None = None,
    ) -> None:
        self.live = live
        self.store = store
        self.group_id = group_id
        self.cooldown = cooldown or Cooldown()
        self._forum: bool | None = None
        # One step at a time per user (two quick messages must not open two tickets); a
        # lock lives while someone holds or awaits it.
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}

    def register(self, app: Application) -> None:  # type: ignore[type-arg]
        """Before the FAQ handlers, so that the staff group's updates stop here."""
        app.add_handler(MessageHandler(filters.Chat(chat_id=self.group_id), self.on_staff))

    @property
    def handoff(self) -> Handoff:
        handoff = self.live.current.dialog.handoff
        assert handoff is not None, "the dialog was built without the hand-off"
        return handoff

    async def state(self, user_id: int) -> tuple[int | None, bool, int]:
        """The user's open ticket, whether they are writing to the team, their cool-down."""
        ticket, writing = await asyncio.to_thread(self.store.handoff_state, user_id)
        return (ticket.number if ticket else None), writing, self.cooldown.wait(user_id)

    # ---- the user's side ----------------------------------------------------------------

    async def apply(
        self, step: HandoffStep, user_id: int, message: Message | None, bot: Bot
    ) -> tuple[Reply, ...]:
        """Carry out a user's step; returns the replies that need the ticket (its number)."""
        if step.kind in ("prompt", "cancel"):
            await asyncio.to_thread(self.store.set_writing, user_id, step.kind == "prompt")
            return ()
        lock = self._locks.setdefault(user_id, asyncio.Lock())
        self._waiting[user_id] = self._waiting.get(user_id, 0) + 1
        try:
            async with lock:
                if step.kind == "close":
                    await self._close_by_user(user_id, bot, erased=False)
                    return ()
                return await self._post_for_user(step, user_id, message, bot)
        finally:
            self._waiting[user_id] -= 1
            if not self._waiting[user_id]:
                del self._waiting[user_id], self._locks[user_id]

    async def forget(self, user_id: int, bot: Bot) -> None:
        """/forget: the staff are told the ticket is closed; the store then erases it."""
        await self._close_by_user(user_id, bot, erased=True)

    async def _post_for_user(
        self, step: HandoffStep, user_id: int, message: Message | None, bot: Bot
    ) -> tuple[Reply, ...]:
        handoff = self.handoff
        if message is None:
            return ()
        if step.kind == "open":
            ticket, created = await asyncio.to_thread(
                self.store.open_ticket, user_id, message.chat_id, step.lang
            )
        else:
            found, _ = await asyncio.to_thread(self.store.handoff_state, user_id)
            if found is None:
                # Closed by the team in the meantime.
                return (handoff.none_open(step.lang),)
            ticket, created = found, False
        try:
            if created:
                topic = await self._new_topic(bot, ticket)
                root = await self._post(bot, ticket, topic, step, message, first=True)
                await asyncio.to_thread(self.store.place_ticket, ticket.number, topic, root)
            else:
                await self._post(bot, ticket, ticket.topic_id, step, message, first=False)
        except TelegramError as exc:
            log.warning("could not post to ticket %d: %s", ticket.number, type(exc).__name__)
            if created:
                await asyncio.to_thread(self.store.drop_ticket, ticket.number)
                await asyncio.to_thread(self.store.set_writing, user_id, True)
            return (handoff.failed(step.lang),)
        self.cooldown.spend(user_id)
        log.info("ticket %d: %s message posted", ticket.number, "first" if created else "next")
        if created:
            return (handoff.opened(ticket.number, step.lang),)
        # Two messages sent at once both asked to open: the second joined the first's ticket.
        return (handoff.added(ticket.number, step.lang),) if step.kind == "open" else ()

    async def _close_by_user(self, user_id: int, bot: Bot, erased: bool) -> None:
        ticket, _ = await asyncio.to_thread(self.store.handoff_state, user_id)
        if ticket is None:
            return
        if not erased:
            closed = await asyncio.to_thread(self.store.close_ticket, ticket.number)
            if closed is None:
                return
        note = self.handoff.user_closed(ticket.number, erased)
        await self._note(bot, ticket, note)
        await self._close_topic(bot, ticket)
        log.info("ticket %d closed by its user%s", ticket.number, " (erased)" if erased else "")

    async def _new_topic(self, bot: Bot, ticket: Ticket) -> int | None:
        """The ticket's forum topic, or None in a plain group (or without the right to make
        topics: then the ticket is a thread of replies in the group)."""
        if not await self._is_forum(bot):
            return None
        try:
            topic = await bot.create_forum_topic(
                self.group_id, self.handoff.topic_name(ticket.number, ticket.lang)
            )
        except BadRequest as exc:
            log.warning("could not create a forum topic (%s); using a reply thread", exc)
            return None
        return topic.message_thread_id

    async def _is_forum(self, bot: Bot) -> bool:
        if self._forum is None:
            try:
                chat = await bot.get_chat(self.group_id)
            except TelegramError as exc:
                log.warning("cannot see the staff group: %s", type(exc).__name__)
                return False
            self._forum = bool(chat.is_forum)
        return self._forum

    async def _post(
        self,
        bot: Bot,
        ticket: Ticket,
        topic: int | None,
        step: HandoffStep,
        message: Message,
        first: bool,
    ) -> int:
        """Post a user's message to the ticket; returns the id of the first message posted."""
        handoff = self.handoff
        where = self._where(topic, ticket.root_message_id)
        forum = topic is not None
        if step.text is not None:
            reply = handoff.to_staff(ticket.number, step, first, forum)
            return await self._send(bot, self.group_id, reply, where)
        posted = None
        if first:
            # A photo or file that opens a ticket: the header and how to answer come first.
            intro = handoff.to_staff(ticket.number, step, first=True, forum=forum)
            posted = await self._send(bot, self.group_id, intro, where)
            where = self._where(topic, posted)
        caption = handoff.caption(ticket.number, step, message.caption)
        copied = await bot.copy_message(
            self.group_id,
            from_chat_id=message.chat_id,
            message_id=message.message_id,
            caption=escape(caption, quote=False),
            **where,
        )
        return posted if posted is not None else copied.message_id

    # ---- the staff's side ---------------------------------------------------------------

    async def on_staff(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.message
        if message is None or filters.StatusUpdate.ALL.check_update(update):
            return  # edits, topic created/closed...: nothing for the user
        sender = message.from_user
        if sender is not None and sender.is_bot and message.sender_chat is None:
            return  # other bots in the group
        ticket, state, number = await self._place(message, context.bot.id)
        source = self.live.current.kb.source_language
        lang = ticket.lang if ticket is not None else source
        outcome = self.handoff.staff(StaffMessage(number, state, lang, message.text))
        notes = list(outcome.to_staff)
        if ticket is not None and ticket.chat_id is not None and outcome.to_user:
            try:
                for reply in outcome.to_user:
                    await self._send(context.bot, ticket.chat_id, reply, {})
                if outcome.copy:
                    # No caption is re-parsed: the staff's own caption and formatting go as sent.
                    await context.bot.copy_message(
                        ticket.chat_id,
                        from_chat_id=self.group_id,
                        message_id=message.message_id,
                        parse_mode=None,
                    )
            except Forbidden:
                await asyncio.to_thread(self.store.close_ticket, ticket.number)
                notes = [self.handoff.undelivered(ticket.number)]
                await self._close_topic(context.bot, ticket)
            if outcome.close:
                await asyncio.to_thread(self.store.close_ticket, ticket.number)
        where = self._where(message.message_thread_id if message.is_topic_message else None,
                            None if message.is_topic_message else message.message_id)  # fmt: skip
        for note in notes:
            await self._send(context.bot, self.group_id, note, where)
        if outcome.close and ticket is not None:
            await self._close_topic(context.bot, ticket)
        log.info("handled staff %s ticket=%s", outcome.kind, number if number else "-")

    async def _place(
        self, message: Message, bot_id: int
    ) -> tuple[Ticket | None, Literal["open", "closed", "unknown", "none"], int | None]:
        """The ticket a staff message is in: the topic's (forum), or the one named by the
        message of the bot it replies to (plain group). Anything else is talk among staff."""
        if message.is_topic_message and message.message_thread_id is not None:
            ticket = await asyncio.to_thread(self.store.ticket_in_topic, message.message_thread_id)
            if ticket is None:
                return None, "none", None
            return ticket, ticket.state, ticket.number
        replied = message.reply_to_message
        if replied is None or replied.from_user is None or replied.from_user.id != bot_id:
            return None, "none", None
        number = ticket_in(replied.text or replied.caption)
        if number is None:
            return None, "unknown", None
        ticket = await asyncio.to_thread(self.store.ticket, number)
        if ticket is None or ticket.state != "open":
            return ticket, "closed", number
        return ticket, "open", number

    # ---- sending ------------------------------------------------------------------------

    def _where(self, topic: int | None, reply_to: int | None) -> dict[str, Any]:
        """In the ticket's topic, or as a reply to its message (when there is one)."""
        if topic is not None:
            return {"message_thread_id": topic}
        if reply_to is not None:
            return {"reply_parameters": ReplyParameters(reply_to, allow_sending_without_reply=True)}
        return {}

    async def _send(self, bot: Bot, chat_id: int, reply: Reply, where: dict[str, Any]) -> int:
        """Send a reply (split below Telegram's limit); returns the first message's id."""
        first: int | None = None
        for chunk in to_messages(reply):
            sent = await bot.send_message(
                chat_id,
                chunk,
                **where,
            )
            first = sent.message_id if first is None else first
        assert first is not None
        return first

    async def _note(self, bot: Bot, ticket: Ticket, note: Reply) -> None:
        try:
            where = self._where(ticket.topic_id, ticket.root_message_id)
            await self._send(bot, self.group_id, note, where)
        except TelegramError as exc:
            log.warning("could not tell the staff about ticket %d: %s", ticket.number, exc)

    async def _close_topic(self, bot: Bot, ticket: Ticket) -> None:
        if ticket.topic_id is None:
            return
        try:
            await bot.close_forum_topic(self.group_id, ticket.topic_id)
        except TelegramError as exc:
            log.info("could not close the topic of ticket %d: %s", ticket.number, exc)
