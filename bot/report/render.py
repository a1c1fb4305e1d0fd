"""The report as text: the whole of it for `python -m bot report`, and a few lines for the
admins' `/stats` in Telegram."""

from __future__ import annotations

from collections.abc import Iterator

import yaml

from bot.kb import KnowledgeBase
from bot.report.groups import Group
from bot.report.summary import Summary

# How each status reads in the report.
OUTCOME_NAMES = {
    "answer": "answered",
    "suggest": "suggestions offered",
    "none": "don't know",
    "crisis": "safety reply",
    "smalltalk": "small talk",
    "unsupported-language": "language not read",
}
BUTTON_NAMES = {
    "opened": "answers opened from a button",
    "vote-up": "👍",
    "vote-down": "👎",
    "none-of-these": "“none of these”",
    "sent-to-team": "questions sent to the team",
    "to-team": "messages to a person",
}
BAR = 30
EXAMPLES = 3


def yaml_suggestion(group: Group, kb: KnowledgeBase | None) -> list[str]:
    """Where the group's leading question would go as a phrasing, ready to paste."""
    entry = kb.entry(group.nearest) if kb is not None and group.nearest else None
    # PyYAML quotes the phrasing only where plain text would not read back.
    item = yaml.safe_dump([group.leader.text], allow_unicode=True, width=10**6).strip()
    phrasing = f"        {item}"
    if entry is None:
        return [
            "no entry is near: if the sources cover it, write a new entry with this phrasing:",
            f"      {group.lang}:",
            phrasing,
            "(if it is someone in danger, add its words to knowledge/safety.yaml instead)",
        ]
    return [
        f"if {entry.id} answers it, add to knowledge/faq/{entry.topic}.yaml, "
        f"entry {entry.id}, questions: {group.lang}:",
        phrasing,
    ]


def report_lines(summary: Summary, kb: KnowledgeBase | None = None) -> Iterator[str]:
    period = summary.period
    days = len(period.days())
    yield (
        f"Report {period.since} to {period.until} ({days} days): {summary.questions:,} questions"
        f" in {len(summary.languages)} languages"
    )
    if summary.questions:
        yield "  " + " · ".join(
            f"{OUTCOME_NAMES.get(status, status)} {summary.share(status):.1%}"
            for status in summary.outcomes
        )
    if summary.crisis_kinds:
        kinds = ", ".join(f"{kind} {n}" for kind, n in summary.crisis_kinds.items())
        yield f"  safety replies by kind: {kinds}"
    yield ""
    yield "Questions per day (by language):"
    peak = max((sum(c.values()) for c in summary.per_day.values()), default=0)
    for day, counts in summary.per_day.items():
        total = sum(counts.values())
        bar = "█" * round(BAR * total / peak) if peak else ""
        langs = " · ".join(f"{lang} {n}" for lang, n in sorted(counts.items(), key=_by_count))
        yield f"  {day}  {bar:<{BAR}} {total:>6,}  {langs}"
    if summary.buttons:
        yield ""
        yield "Buttons: " + ", ".join(
            f"{BUTTON_NAMES.get(status, status)} {n:,}" for status, n in summary.buttons.items()
        )
    if summary.entries:
        yield ""
        yield "Entries, most votes first:"
        yield f"  {'entry':<32}{'answered':>9}{'opened':>8}{'👍':>6}{'👎':>5}"
        for use in summary.entries:
            yield f"  {use.entry:<32}{use.answered:>9,}{use.opened:>8,}{use.up:>6,}{use.down:>5,}"
    yield ""
    sent = sum(group.size for group in summary.groups)
    yield f"Questions sent to the team: {sent:,} in {len(summary.groups):,} groups, biggest first"
    if summary.groups:
        yield (
            "  Read them first for danger: a message about a threat, violence, self-harm or "
            "exploitation the bot did not recognise belongs in knowledge/safety.yaml as cues "
            "(see knowledge/README.md), not in an FAQ entry."
        )
    for number, group in enumerate(summary.groups, start=1):
        yield f"{number:>3}. {group.size}× [{group.lang}] {group.leader.text}"
        others = group.examples(EXAMPLES)
        if others:
            yield "       also: " + " | ".join(others)
        for line in yaml_suggestion(group, kb):
            yield "       " + line


def stats_message(summary: Summary) -> str:
    """A few lines for /stats: the period's questions, what happened, the biggest gaps."""
    lines = [f"{summary.period.since} to {summary.period.until}: {summary.questions:,} questions"]
    if summary.questions:
        lines.append(
            ", ".join(f"{OUTCOME_NAMES.get(s, s)} {summary.share(s):.0%}" for s in summary.outcomes)
        )
        lines.append("languages: " + ", ".join(summary.languages[:6]))
    ups = sum(e.up for e in summary.entries)
    downs = sum(e.down for e in summary.entries)
    lines.append(f"votes: 👍 {ups:,} · 👎 {downs:,}")
    if summary.groups:
        sent = sum(g.size for g in summary.groups)
        lines.append(f"sent to the team: {sent:,}; most asked:")
        lines.extend(f"{g.size}× [{g.lang}] {g.leader.text[:80]}" for g in summary.groups[:3])
    lines.append("Full report: python -m bot report --html report.html")
    return "\n".join(lines)


def _by_count(item: tuple[str, int]) -> tuple[int, str]:
    return -item[1], item[0]
