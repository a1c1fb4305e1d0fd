"""Questions the bot could not answer, held in memory until the user decides to send them.

A Telegram button carries 64 bytes, not a question: the "Send this question to the team"
button carries a short random token, and the question waits here, scrubbed (`scrub`). Nothing
is written anywhere unless the user presses the button; an unpressed question is forgotten
after `HOLD_SECONDS`, or sooner when many are waiting. Held only in this process: after a
restart (or on another replica) the button says the question is no longer held and asks the
user to send it again.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from bot.text import scrub

HOLD_SECONDS = 30 * 60
HOLD_MAX = 2000


@dataclass(frozen=True)
class HeldQuestion:
    text: str
    lang: str
    nearest: tuple[str, ...]
    since: float


class HeldQuestions:
    """Token → question, oldest dropped first. Safe to share between threads."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._held: OrderedDict[str, HeldQuestion] = OrderedDict()
        self._lock = threading.Lock()

    def hold(self, text: str, lang: str, nearest: tuple[str, ...]) -> str:
        """Hold the question, scrubbed (`scrub`): what identifies a person never waits here."""
        text = scrub(text)
        token = secrets.token_urlsafe(6)
        now = self.clock()
        with self._lock:
            self._expire(now)
            self._held[token] = HeldQuestion(text, lang, nearest, now)
            while len(self._held) > HOLD_MAX:
                self._held.popitem(last=False)
        return token

    def peek(self, token: str) -> HeldQuestion | None:
        with self._lock:
            self._expire(self.clock())
            return self._held.get(token)

    def take(self, token: str) -> HeldQuestion | None:
        """The question, once: a second press finds nothing (no question is sent twice)."""
        with self._lock:
            self._expire(self.clock())
            return self._held.pop(token, None)

    def __len__(self) -> int:
        return len(self._held)

    def _expire(self, now: float) -> None:
        while self._held:
            token, oldest = next(iter(self._held.items()))
            if now - oldest.since < HOLD_SECONDS:
                break
            del self._held[token]
