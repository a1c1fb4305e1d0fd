"""The numbers of one period, gathered from a store: questions per day and language, what
happened to them, crisis replies by kind, each entry's use and votes, and the sent questions in
groups. Everything here is a count or a question its sender chose to send."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from bot.dialog.usage import CRISIS, QUESTION_STATUSES
from bot.report.groups import Group, group_questions
from bot.store import Store


@dataclass(frozen=True)
class Period:
    since: str
    until: str

    @classmethod
    def last(cls, days: int, until: date) -> Period:
        return cls((until - timedelta(days=days - 1)).isoformat(), until.isoformat())

    def days(self) -> list[str]:
        first, last = date.fromisoformat(self.since), date.fromisoformat(self.until)
        return [(first + timedelta(days=n)).isoformat() for n in range((last - first).days + 1)]


@dataclass(frozen=True)
class EntryUse:
    entry: str
    answered: int
    opened: int
    up: int
    down: int

    @property
    def shown(self) -> int:
        return self.answered + self.opened


@dataclass(frozen=True)
class Summary:
    period: Period
    # day → language → questions asked
    per_day: dict[str, dict[str, int]]
    # status → how many questions ended so ("crisis" for every safety reply)
    outcomes: dict[str, int]
    crisis_kinds: dict[str, int]
    buttons: dict[str, int]
    entries: list[EntryUse]
    groups: list[Group]

    @property
    def questions(self) -> int:
        return sum(self.outcomes.values())

    @property
    def languages(self) -> list[str]:
        totals: Counter[str] = Counter()
        for counts in self.per_day.values():
            totals.update(counts)
        return [lang for lang, _ in totals.most_common()]

    def share(self, status: str) -> float:
        return self.outcomes.get(status, 0) / self.questions if self.questions else 0.0


def is_question(status: str) -> bool:
    return status in QUESTION_STATUSES or status.startswith(CRISIS)


def summarize(store: Store, period: Period) -> Summary:
    per_day: dict[str, Counter[str]] = {day: Counter() for day in period.days()}
    outcomes: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    buttons: Counter[str] = Counter()
    uses: dict[str, Counter[str]] = {}
    for count in store.counts(period.since, period.until):
        if is_question(count.status):
            per_day.setdefault(count.day, Counter())[count.lang] += count.n
            crisis = count.status.startswith(CRISIS)
            outcomes["crisis" if crisis else count.status] += count.n
            if crisis:
                kinds[count.status.removeprefix(CRISIS) or "other"] += count.n
        else:
            buttons[count.status] += count.n
        if count.entry:
            uses.setdefault(count.entry, Counter())[count.status] += count.n
    entries = [
        EntryUse(entry, c["answer"], c["opened"], c["vote-up"], c["vote-down"])
        for entry, c in uses.items()
    ]
    entries.sort(key=lambda e: (-(e.up + e.down), -e.shown, e.entry))
    groups = group_questions(store.sent_questions(period.since, period.until))
    return Summary(
        period,
        {day: dict(c) for day, c in sorted(per_day.items())},
        dict(outcomes.most_common()),
        dict(kinds.most_common()),
        dict(buttons.most_common()),
        entries,
        groups,
    )
