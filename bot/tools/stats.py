"""The content report of `python -m bot validate --stats`: does every answer fit a phone?

Per language: answer bodies (median and longest, in characters), button labels (longest, and
how many exceed the limit), unchecked translations, and the whole answer message as Telegram
shows it (question, answer, sources, links, contacts, notes) in phone lines: 38 characters a
line, word-wrapped, with the blank line between paragraphs counted. Then entries per topic.
"""

from __future__ import annotations

import statistics
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass

from bot.dialog import Dialog, Press, Reply, User, actions
from bot.kb import KnowledgeBase
from bot.kb.limits import ANSWER_MAX_SOURCE, LABEL_MAX
from bot.matching import Matcher

# About what a phone shows in Telegram at the default text size, in characters and lines.
PHONE_WIDTH = 38
PHONE_SCREEN = 12


def phone_lines(reply: Reply, width: int = PHONE_WIDTH) -> int:
    """How many lines of `width` characters the message takes; links show their text only."""
    # plain_text separates paragraphs with a blank line, which a phone shows as a line too.
    return sum(max(1, len(textwrap.wrap(line, width))) for line in reply.plain_text().split("\n"))


@dataclass(frozen=True)
class LanguageStats:
    lang: str
    answer_median: int
    answer_max: int
    answers_over: int
    label_max: int
    labels_over: int
    unchecked: int
    lines_median: float
    lines_max: int
    messages_over: int


@dataclass(frozen=True)
class ContentStats:
    languages: tuple[LanguageStats, ...]
    entries_per_topic: tuple[tuple[str, int], ...]

    def render(self) -> Iterator[str]:
        """The report as a table, then one line of entries per topic."""
        yield (
            f"{'lang':<5}{'answers: median':>16}{'max':>6}{'>' + str(ANSWER_MAX_SOURCE):>6}"
            f"{'labels: max':>13}{'>' + str(LABEL_MAX):>5}{'unchecked':>11}"
            f"{'phone lines: median':>21}{'max':>5}{'>' + str(PHONE_SCREEN):>5}"
        )
        for s in self.languages:
            yield (
                f"{s.lang:<5}{s.answer_median:>16}{s.answer_max:>6}{s.answers_over:>6}"
                f"{s.label_max:>13}{s.labels_over:>5}{s.unchecked:>11}"
                f"{s.lines_median:>21g}{s.lines_max:>5}{s.messages_over:>5}"
            )
        per_topic = ", ".join(f"{slug} {n}" for slug, n in self.entries_per_topic)
        yield f"entries per topic: {per_topic}"
        yield (
            f"(answers over {ANSWER_MAX_SOURCE} characters count in the source language only; "
            f"phone lines: {PHONE_WIDTH} characters a line, blank lines between paragraphs "
            "counted)"
        )


def content_stats(kb: KnowledgeBase, matcher: Matcher | None = None) -> ContentStats:
    """Measure every entry in every language, its answer message built by the dialog itself."""
    dialog = Dialog(kb, matcher or Matcher(kb))
    source = kb.source_language
    languages = []
    for lang in kb.languages:
        bodies = [len(e.answer.get(lang) or "") for e in kb.entries]
        labels = [len(e.button(lang, source)) for e in kb.entries]
        lines = [
            phone_lines(dialog.handle(Press(actions.entry(e.id, lang)), User(lang)).replies[0])
            for e in kb.entries
        ]
        languages.append(
            LanguageStats(
                lang=lang,
                answer_median=round(statistics.median(bodies)),
                answer_max=max(bodies),
                answers_over=sum(b > ANSWER_MAX_SOURCE for b in bodies) if lang == source else 0,
                label_max=max(labels),
                labels_over=sum(n > LABEL_MAX for n in labels),
                unchecked=sum(lang in e.unchecked for e in kb.entries),
                lines_median=statistics.median(lines),
                lines_max=max(lines),
                messages_over=sum(n > PHONE_SCREEN for n in lines),
            )
        )
    topics = tuple((t.slug, len(kb.entries_in(t.slug))) for t in kb.topics)
    return ContentStats(tuple(languages), topics)
