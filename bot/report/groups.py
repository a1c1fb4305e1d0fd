"""Sent questions grouped by similarity, so the biggest need comes first.

Within each language, two questions are alike when their folded words, sorted, are close
(rapidfuzz `token_sort_ratio`), or when one's words are nearly all in the other's and both say
something (`token_set_ratio`, three words or more). Then star-shaped groups, greedily: the
question alike to the most others leads a group of all of them; repeat with those left.
A chain of small rewordings therefore never merges two different questions. Among leaders
alike to as many, the wording sent most often leads.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

from bot.store.usage import SentQuestion
from bot.text import tokens

SORTED_ALIKE = 70
SUBSET_ALIKE = 90
SUBSET_MIN_WORDS = 3


@dataclass(frozen=True)
class Group:
    lang: str
    # The question that leads the group (alike to all the others), then the rest.
    questions: tuple[SentQuestion, ...]
    # The entry most often nearest to the group's questions ("" when none was near).
    nearest: str

    @property
    def size(self) -> int:
        return len(self.questions)

    @property
    def leader(self) -> SentQuestion:
        return self.questions[0]

    def examples(self, limit: int) -> list[str]:
        """Other wordings in the group, each once, the leader's left out."""
        seen = {self.leader.text.casefold()}
        found: list[str] = []
        for question in self.questions[1:]:
            if question.text.casefold() not in seen and len(found) < limit:
                seen.add(question.text.casefold())
                found.append(question.text)
        return found


def group_questions(questions: Sequence[SentQuestion]) -> list[Group]:
    """Groups of alike questions, biggest first (ties: most recent first)."""
    by_lang: dict[str, list[SentQuestion]] = {}
    for question in questions:
        by_lang.setdefault(question.lang, []).append(question)
    groups: list[Group] = []
    for lang, items in by_lang.items():
        for members in _stars(items):
            chosen = [items[i] for i in members]
            nearest = Counter(q.nearest[0] for q in chosen if q.nearest).most_common(1)
            groups.append(Group(lang, tuple(chosen), nearest[0][0] if nearest else ""))
    groups.sort(key=lambda g: (-g.size, -max(_day_number(q.day) for q in g.questions)))
    return groups


def _alike(items: Sequence[SentQuestion]) -> np.ndarray:
    """The boolean matrix of alike pairs (diagonal included)."""
    texts = [" ".join(tokens(q.text)) for q in items]
    by_sorted = process.cdist(texts, texts, scorer=fuzz.token_sort_ratio, dtype=np.uint8,
                              score_cutoff=SORTED_ALIKE, workers=-1)  # fmt: skip
    alike = by_sorted >= SORTED_ALIKE
    long_enough = np.array([len(t.split()) >= SUBSET_MIN_WORDS for t in texts])
    if long_enough.sum() > 1:
        index = np.flatnonzero(long_enough)
        chosen = [texts[i] for i in index]
        by_subset = process.cdist(chosen, chosen, scorer=fuzz.token_set_ratio, dtype=np.uint8,
                                  score_cutoff=SUBSET_ALIKE, workers=-1)  # fmt: skip
        alike[np.ix_(index, index)] |= by_subset >= SUBSET_ALIKE
    np.fill_diagonal(alike, True)
    return alike


def _stars(items: Sequence[SentQuestion]) -> list[list[int]]:
    alike = _alike(items)
    left = np.ones(len(items), dtype=bool)
    # Ties go to the wording sent most often, as it was sent (a shortened variant loses).
    said = Counter(q.text.casefold() for q in items)
    often = np.array([said[q.text.casefold()] for q in items])
    degree = alike.sum(axis=1) * (len(items) + 1) + often
    stars: list[list[int]] = []
    while left.any():
        candidates = np.where(left, degree, -1)
        leader = int(candidates.argmax())
        members = np.flatnonzero(alike[leader] & left)
        ordered = [leader, *(int(i) for i in members if i != leader)]
        stars.append(ordered)
        left[members] = False
        # Degrees count only the questions still left.
        degree -= alike[:, members].sum(axis=1) * (len(items) + 1)
    return stars


def _day_number(day: str) -> int:
    return int(day.replace("-", ""))
