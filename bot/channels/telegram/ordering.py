"""Updates of one chat are handled one after another, in the order Telegram sent them.

Different chats still run concurrently. Without this, a user who sends several questions at
once (or a slow send for the first) gets the answers in another order than they asked.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

# Updates handled at once over all chats (waiting ones included).
MAX_CONCURRENT_UPDATES = 256


class ChatOrderedProcessor(BaseUpdateProcessor):
    """One queue per chat (an asyncio.Lock wakes its waiters first come, first served)."""

    def __init__(
        self,
        max_concurrent_updates: int = MAX_CONCURRENT_UPDATES,
        on_done: Callable[[int], None] | None = None,
    ) -> None:
        """`on_done`: told each update's id once it has been handled (see `delivery`)."""
        super().__init__(max_concurrent_updates)
        self.on_done = on_done
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        try:
            await self._in_order(update, coroutine)
        finally:
            if self.on_done is not None and isinstance(update, Update):
                self.on_done(update.update_id)

    async def _in_order(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:
            # Inline queries and the like belong to no chat: nothing to keep in order.
            await coroutine
            return
        lock = self._locks.setdefault(chat.id, asyncio.Lock())
        self._waiting[chat.id] = self._waiting.get(chat.id, 0) + 1
        try:
            async with lock:
                await coroutine
        finally:
            self._waiting[chat.id] -= 1
            if not self._waiting[chat.id]:
                # The last one out removes the chat's queue: memory stays bounded by active chats.
                del self._waiting[chat.id], self._locks[chat.id]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""
