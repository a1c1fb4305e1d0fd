"""What the maintainers may learn from use, and nothing more: counts and consented questions.

- `Count`: how many times, on one day (UTC), in one language, something happened (a status of
  the matcher, a button, a vote), optionally for one FAQ entry. No user id, no text: a row is
  the same whoever caused it.
- `SentQuestion`: a question a user chose to send to the team with the button under "I don't
  know". Only its scrubbed text (see `bot.dialog.held.scrub`), language, day and the nearest
  entries are kept, no user id, and it is deleted after the retention period
  (`BOT_UNANSWERED_DAYS`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

# How long a sent question is kept unless BOT_UNANSWERED_DAYS says otherwise.
DEFAULT_RETENTION_DAYS = 90


@dataclass(frozen=True)
class Count:
    day: str
    lang: str
    status: str
    entry: str
    n: int


@dataclass(frozen=True)
class SentQuestion:
    day: str
    lang: str
    text: str
    # The entries the matcher found closest, best first (may be empty).
    nearest: tuple[str, ...] = ()


def today(clock_seconds: float) -> str:
    return datetime.fromtimestamp(clock_seconds, UTC).date().isoformat()


def days_before(day: str, days: int) -> str:
    return (date.fromisoformat(day) - timedelta(days=days)).isoformat()
