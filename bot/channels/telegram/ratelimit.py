"""A rate limiter that also rides out network trouble: no reply lost, none sent twice.

`AIORateLimiter` keeps us under Telegram's flood limits and retries after a 429 (RetryAfter)
when `max_retries` is set. On top of it, with exponential back-off, what cannot have been
delivered is retried: a connection that was never made (refused, connect or pool time-out) and
an error answer from the server (5xx). A request that went out and got no answer (a read or
write time-out, a connection dropped mid-way) may have been carried out: it is retried only for
methods that are safe to repeat (`SAFE_TO_REPEAT`); a message is never sent blindly twice.
Read time-outs are long (`READ_TIMEOUT`), so a slow answer arrives instead of timing out.
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
# httpx errors raised before the request reached Telegram.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


def not_delivered(exc: NetworkError) -> bool:
    """True when the request cannot have been carried out: never sent, or refused by a 5xx."""
    cause = exc.__cause__
    if isinstance(cause, _NOT_SENT):
        return True
    if isinstance(exc, TimedOut):
        # The request went out and the answer did not come back in time.
        return False
    # An answer from the server (5xx; its cause is the page that was not JSON), or the
    # connection failed mid-way (an httpx cause: it may have arrived).
    return cause is None or isinstance(cause, TelegramError)


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
                if not not_delivered(exc) and endpoint not in SAFE_TO_REPEAT:
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
