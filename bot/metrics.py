"""What operators watch: Prometheus metrics and a health check, never about a person.

Metrics (Prometheus' standard client, one registry per process):
- `bot_updates_total{kind}`: updates handled (question, command, button, inline, handoff...),
  and `bot_unreadable_updates_total`: updates skipped because they could not be read;
- `bot_decisions_total{status}` (answer, suggest, none, crisis, smalltalk, language) and
  `bot_crisis_replies_total{kind}`;
- `bot_reply_seconds`: from an update's arrival to its last reply sent (histogram);
- `bot_telegram_errors_total{method,error}` and `bot_telegram_retries_total{method}`;
- `bot_knowledge_info{fingerprint}` (1 for the served knowledge), `bot_knowledge_entries`,
  `bot_knowledge_reload_failures_total`.
Labels carry kinds and statuses only: no user, chat, text or entry a person could be found by.

`Health` answers /healthz: the knowledge is loaded, the store answers, and Telegram was
reached recently (polling: the last getUpdates; with a webhook Telegram calls only when users
write, so silence is not a failure there).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

__all__ = ["CONTENT_TYPE_LATEST", "Health", "Metrics"]

# With long polling Telegram is asked at least every poll time-out (10 s): a minute of silence
# means it cannot be reached.
TELEGRAM_SILENCE_SECONDS = 120.0


class Metrics:
    """The bot's metrics on their own registry (tests and benchmarks make their own)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.updates = Counter("bot_updates", "Updates handled, by kind", ["kind"], registry=r)
        self.unreadable = Counter(
            "bot_unreadable_updates", "Updates skipped because they could not be read",
            registry=r,
        )  # fmt: skip
        self.decisions = Counter(
            "bot_decisions", "What the matcher decided for a question", ["status"], registry=r
        )
        self.crisis = Counter(
            "bot_crisis_replies", "Safety replies, by kind of danger", ["kind"], registry=r
        )
        self.reply_seconds = Histogram(
            "bot_reply_seconds",
            "Seconds from an update's arrival to its last reply sent",
            buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
            registry=r,
        )
        self.telegram_errors = Counter(
            "bot_telegram_errors", "Failed Bot API calls", ["method", "error"], registry=r
        )
        self.telegram_retries = Counter(
            "bot_telegram_retries", "Bot API calls sent again", ["method"], registry=r
        )
        self.knowledge = Gauge(
            "bot_knowledge_info", "The served knowledge (value 1)", ["fingerprint"], registry=r
        )
        self.entries = Gauge("bot_knowledge_entries", "FAQ entries served", registry=r)
        self.reload_failures = Counter(
            "bot_knowledge_reload_failures", "Edits that did not load (errors)", registry=r
        )

    def served(self, fingerprint: str, entries: int) -> None:
        self.knowledge.clear()
        self.knowledge.labels(fingerprint=fingerprint[:16]).set(1)
        self.entries.set(entries)

    def reloaded(self, failed: bool, fingerprint: str, entries: int) -> None:
        """After a reload (or a look for changes): a failure counted, the served set shown."""
        if failed:
            self.reload_failures.inc()
        self.served(fingerprint, entries)

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


@dataclass
class Health:
    """The checks behind /healthz; `contact()` is called whenever Telegram answered."""

    knowledge: Callable[[], dict[str, Any]]
    store_ok: Callable[[], bool]
    clock: Callable[[], float] = time.monotonic
    started: float = field(default_factory=time.monotonic)
    last_contact: float | None = None
    # With a webhook, Telegram calls when users write: silence is no sign of trouble.
    webhook: bool = False

    def contact(self) -> None:
        self.last_contact = self.clock()

    def check(self) -> tuple[bool, dict[str, Any]]:
        now = self.clock()
        since = None if self.last_contact is None else round(now - self.last_contact, 1)
        store = self.store_ok()
        # Right after start-up there has been no contact yet: not a failure for a minute.
        waiting = self.last_contact is None and now - self.started < TELEGRAM_SILENCE_SECONDS
        recent = since is not None and since < TELEGRAM_SILENCE_SECONDS
        telegram = self.webhook or waiting or recent
        report = {
            "status": "ok" if store and telegram else "failing",
            "knowledge": self.knowledge(),
            "store": "ok" if store else "failing",
            "telegram_seconds_ago": since,
        }
        return store and telegram, report
