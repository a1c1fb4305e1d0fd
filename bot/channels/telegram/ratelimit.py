"""A rate limiter that also rides out network trouble, so a Telegram fault loses no reply.

`AIORateLimiter` keeps us under Telegram's flood limits and retries after a 429 (RetryAfter)
when `max_retries` is set. On top of it, time-outs, dropped connections and 5xx answers
(`NetworkError`, but not `BadRequest`, which is its subclass and means our request was wrong)
are retried with exponential back-off.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.constants import FloodLimit
from telegram.error import BadRequest, NetworkError
from telegram.ext import AIORateLimiter

log = logging.getLogger(__name__)

JSON = bool | dict[str, Any] | list[dict[str, Any]]


class PatientRateLimiter(AIORateLimiter):
    """`AIORateLimiter` plus retries of transient network errors."""

    def __init__(
        self,
        max_retries: int = 5,
        network_retries: int = 5,
        first_delay: float = 0.5,
        overall_max_rate: float = FloodLimit.MESSAGES_PER_SECOND,
        group_max_rate: float = FloodLimit.MESSAGES_PER_MINUTE_PER_GROUP,
    ) -> None:
        """`overall_max_rate` (per second) and `group_max_rate` (per minute to one group) are
        Telegram's flood limits; 0 switches one off (for measurements only)."""
        super().__init__(
            max_retries=max_retries,
            overall_max_rate=overall_max_rate,
            group_max_rate=group_max_rate,
        )
        self.network_retries = network_retries
        self.first_delay = first_delay

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, JSON]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> JSON:
        delay = self.first_delay
        for attempt in range(self.network_retries + 1):
            try:
                return await super().process_request(
                    callback, args, kwargs, endpoint, data, rate_limit_args
                )
            except NetworkError as exc:
                if isinstance(exc, BadRequest) or attempt == self.network_retries:
                    raise
                log.warning(
                    "Telegram %s on %s (attempt %d); retrying in %.1f s",
                    type(exc).__name__,
                    endpoint,
                    attempt + 1,
                    delay,
                )
                await asyncio.sleep(delay)
                delay = min(delay * 2, 30.0)
        raise AssertionError("unreachable")
