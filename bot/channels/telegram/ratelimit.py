"""A rate limiter that also rides out network trouble: no reply lost, and none sent twice
because Telegram was slow.

`AIORateLimiter` keeps us under Telegram's flood limits and retries after a 429 (RetryAfter)
when `max_retries` is set. On top of it, network errors are retried with exponential back-off
when `worth_repeating` says so; Telegram's answer is waited for up to `READ_TIMEOUT`, and a
request that got none in that time is repeated only for methods safe to repeat
(`SAFE_TO_REPEAT`), never a message (measured both ways: benchmarks/bench_faults.py).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any

import httpx
from telegram.constants import FloodLimit
from telegram.error import BadRequest, NetworkError, TelegramError, TimedOut
from telegram.ext import AIORateLimiter

if TYPE_CHECKING:
    from bot.metrics import Metrics

log = logging.getLogger(__name__)

JSON = bool | dict[str, Any] | list[dict[str, Any]]

# Seconds to wait for Telegram's answer to a request that went out: a stalled answer (seen for
# 10 s in fault runs) is waited for, because repeating a send that may have arrived doubles it.
READ_TIMEOUT = 30.0
# Methods that change nothing, or that Telegram refuses to do twice: safe to send again after an
# answer that never came.
SAFE_TO_REPEAT = frozenset({
    "getMe", "getChat", "getUpdates", "getWebhookInfo", "setMyCommands", "deleteWebhook",
    "setWebhook", "answerCallbackQuery", "answerInlineQuery", "closeForumTopic",
})  # fmt: skip
# httpx errors raised before the request reached Telegram (the first two are time-outs too).
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


def worth_repeating(exc: NetworkError) -> bool:
    """Whether repeating the request cannot do more harm than not repeating it.

    Repeated: a request never sent (refused, connect or pool time-out), an error answer (5xx,
    a proxy's page), and a connection dropped mid-way — there is no telling whether Telegram
    carried that one out, and a reply lost is worse than a reply twice. Not repeated: a request
    that went out and got no answer within READ_TIMEOUT (30 s): Telegram is slow, not down, and
    has most likely carried it out (repeating those sent 102 replies twice in the review).
    """
    if isinstance(exc.__cause__, _NOT_SENT):
        return True
    return not isinstance(exc, TimedOut)


class PatientRateLimiter(AIORateLimiter):
    """`AIORateLimiter` plus retries of transient network errors."""

    def __init__(
        self,
        max_retries: int = 5,
        network_retries: int = 5,
        first_delay: float = 0.5,
        overall_max_rate: float = FloodLimit.MESSAGES_PER_SECOND,
        group_max_rate: float = FloodLimit.MESSAGES_PER_MINUTE_PER_GROUP,
        repeat_unanswered: bool = False,
    ) -> None:
        """`overall_max_rate` (per second) and `group_max_rate` (per minute to one group) are
        Telegram's flood limits; 0 switches one off (for measurements only).
        `repeat_unanswered`: also repeat what may have been carried out (the library's old
        behaviour, for benchmarks/bench_faults.py only)."""
        super().__init__(
            max_retries=max_retries,
            overall_max_rate=overall_max_rate,
            group_max_rate=group_max_rate,
        )
        self.network_retries = network_retries
        self.first_delay = first_delay
        self.repeat_unanswered = repeat_unanswered
        # Set by build_application: failed calls and retries are counted there.
        self.metrics: Metrics | None = None

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
            except TelegramError as exc:
                if self.metrics is not None:
                    self.metrics.telegram_errors.labels(endpoint, type(exc).__name__).inc()
                if not isinstance(exc, NetworkError):
                    raise
                if isinstance(exc, BadRequest) or attempt == self.network_retries:
                    raise
                ambiguous = not worth_repeating(exc) and endpoint not in SAFE_TO_REPEAT
                if ambiguous and not self.repeat_unanswered:
                    log.warning(
                        "Telegram gave no answer to %s (%s); not repeated, as it may have been "
                        "carried out",
                        endpoint,
                        type(exc.__cause__ or exc).__name__,
                    )
                    raise
                log.warning(
                    "Telegram %s on %s (attempt %d); retrying in %.1f s",
                    type(exc).__name__,
                    endpoint,
                    attempt + 1,
                    delay,
                )
                if self.metrics is not None:
                    self.metrics.telegram_retries.labels(endpoint).inc()
                await asyncio.sleep(delay)
                delay = min(delay * 2, 30.0)
        raise AssertionError("unreachable")
