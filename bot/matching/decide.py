"""From ranked candidates to what the bot does: answer, suggest, or say it does not know."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from bot.matching.index import Candidate
from bot.matching.params import Thresholds

FaqStatus = Literal["answer", "suggest", "none"]


@dataclass(frozen=True)
class Suggestion:
    """An entry offered as "did you mean", or as a close question under an answer."""

    entry: str
    topic: str
    raw_score: float
    display_score: int


def decide(
    candidates: Sequence[Candidate], t: Thresholds, topic_of: Mapping[str, str]
) -> tuple[FaqStatus, str | None, tuple[Suggestion, ...]]:
    """Answer when the best entry is good enough, shares a content word with the question and
    is clearly ahead of other topics; suggest the close runners-up when it is good but not
    clear; otherwise admit we do not know.

    With an answer, the suggestions are the entries that came close (usually in the same
    topic); the dialog offers them as buttons under the answer.
    """
    if not candidates or candidates[0].score < t.suggest:
        return "none", None, ()
    first = candidates[0]
    second = candidates[1].score if len(candidates) > 1 else 0.0
    other_topic = next(
        (c.score for c in candidates[1:] if topic_of[c.entry] != topic_of[first.entry]), 0.0
    )
    floor = max(t.suggest, first.score - t.spread)
    close = tuple(
        Suggestion(c.entry, topic_of[c.entry], c.score, t.display_score(c.score))
        for c in candidates[: t.max_suggestions]
        if c.score >= floor
    )
    if (
        first.score >= t.answer
        and first.substantive
        and first.score - other_topic >= t.margin
        and first.score - second >= t.entry_margin
    ):
        return "answer", first.entry, close[1:]
    return "suggest", None, close
