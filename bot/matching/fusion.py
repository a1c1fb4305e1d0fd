"""How the signals of a question become one score per entry: `fuse`, one formula.

Read with `params.Weights`, which says what each weight does and how it was chosen.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from bot.matching.params import Weights

# float32 from the index; numpy may widen a step to float64 (the values are the same).
FloatArray = npt.NDArray[np.floating[Any]]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Layout:
    """How phrasings group into (entry, language) groups, and groups into entries: phrasings
    are stored group by group and groups entry by entry, so each level is one `reduceat`."""

    group_start: IntArray
    group_size: FloatArray
    entry_group_start: IntArray
    group_lang: npt.NDArray[np.str_]


@dataclass(frozen=True)
class Signals:
    """What the index measured for one question.

    Per phrasing: `char`, `word` and `coverage`. Per (entry, language) group: `centroid`
    (half word, half character cosine with all the group's phrasings together), `semantic`
    (best embedding cosine, None when the signal is off) and `answer` (word cosine with the
    entry's answer text, None without answers).
    """

    char: FloatArray
    word: FloatArray
    coverage: FloatArray
    centroid: FloatArray | None
    semantic: FloatArray | None
    answer: FloatArray | None


@dataclass(frozen=True)
class Fusion:
    """Every step's value: per phrasing, per group and per entry (see `fuse`)."""

    phrasing: FloatArray
    best: FloatArray
    mean: FloatArray
    steps: dict[str, FloatArray]
    group: FloatArray
    entry_before_exact: FloatArray
    exact_boost: FloatArray
    entry: FloatArray
    entry_group_start: IntArray

    def trace(self, entry: int) -> tuple[tuple[str, float], ...]:
        """The named step values of the group that gave `entry` its score, then the entry's."""
        start = int(self.entry_group_start[entry])
        end = (
            int(self.entry_group_start[entry + 1])
            if entry + 1 < len(self.entry_group_start)
            else len(self.group)
        )
        g = start + int(np.argmax(self.group[start:end]))
        values = [("best phrasing", float(self.best[g])), ("mean phrasing", float(self.mean[g]))]
        values += [(name, float(array[g])) for name, array in self.steps.items()]
        values.append(("exact-match boost", float(self.exact_boost[entry])))
        values.append(("final", float(self.entry[entry])))
        return tuple(values)


def fuse(
    signals: Signals, layout: Layout, w: Weights, lang: str | None, confidence: float
) -> Fusion:
    """One score per entry, in eight steps (p: a phrasing; g: an entry in one language):

        1. phrasing(p) = char·c + word·w + coverage·v
        2. g := best + agreement·(mean − best)          best, mean: of the group's phrasings
        3. g := (1 − centroid)·g + centroid·centroid_signal
        4. g := (1 − semantic)·g + semantic·semantic_signal        (when the signal is on)
        5. g := (g + answer·answer_signal) / (1 + answer)
        6. g := g·(1 − other_language·confidence)       for groups in another language
        7. entry := max over the entry's groups
        8. entry := entry + boost·(1 − entry),  boost = clip((closest − exact)/(1 − exact))
           closest: the entry's best step-1 phrasing score (a near-verbatim question)

    Each step keeps scores in 0-1. A weight of 0 skips its step.
    """
    phrasing = w.char * signals.char + w.word * signals.word + w.coverage * signals.coverage
    best = np.maximum.reduceat(phrasing, layout.group_start)
    mean = np.add.reduceat(phrasing, layout.group_start) / layout.group_size
    steps: dict[str, FloatArray] = {}
    group = best + w.agreement * (mean - best)
    steps["agreement"] = group
    if w.centroid and signals.centroid is not None:
        group = (1 - w.centroid) * group + w.centroid * signals.centroid
        steps["centroid"] = group
    if w.semantic and signals.semantic is not None:
        group = (1.0 - w.semantic) * group + w.semantic * signals.semantic
        steps["semantic"] = group
    if w.answer and signals.answer is not None:
        group = (group + w.answer * signals.answer) / (1.0 + w.answer)
        steps["answer text"] = group
    if lang is not None and w.other_language:
        other = layout.group_lang != lang
        group = np.where(other, group * (1.0 - w.other_language * confidence), group)
        steps["language"] = group
    entry_before = np.maximum.reduceat(group, layout.entry_group_start)
    boost = np.zeros_like(entry_before)
    entry = entry_before
    if w.exact < 1.0:
        closest = np.maximum.reduceat(best, layout.entry_group_start)
        boost = np.clip((closest - w.exact) / (1.0 - w.exact), 0.0, 1.0)
        entry = entry_before + boost * (1.0 - entry_before)
    return Fusion(
        phrasing, best, mean, steps, group, entry_before, boost, entry, layout.entry_group_start
    )
