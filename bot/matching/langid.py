"""Which of our languages a question is written in.

The writing system narrows the choice first (Arabic script: `ar`; Cyrillic: `ru` or `uk`;
Latin: `en es fi is pl`). Inside a script, a naive Bayes model over character 1-3-grams and
words decides; it is trained on the knowledge base's own texts (questions, answers, menus), so
it knows the words people use for these topics in each language, diacritics included.

A text too short to tell (a name, "IOM?", "twitter dashboard") keeps the language the user
is known to use: their Telegram language or their `/language` choice.
"""

from __future__ import annotations

import itertools
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from bot.matching.hashed import Numbering
from bot.matching.params import (
    LANGID_ALPHA,
    PRIOR_LEAD,
    SHORT_TEXT_CONFIDENCE,
    SHORT_TEXT_LETTERS,
)

_SCRIPT_LANGS = {
    "arabic": ("ar", "fa"),
    "cyrillic": ("ru", "uk"),
    "latin": ("en", "es", "fi", "is", "pl", "fr"),
}
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class LanguageGuess:
    """The most likely language, and how sure the model is (0: a coin toss)."""

    lang: str
    confidence: float
    scores: tuple[tuple[str, float], ...]


def script_of(text: str) -> str | None:
    """The writing system most of the letters of `text` belong to."""
    counts: Counter[str] = Counter()
    for ch in text:
        if not ch.isalpha():
            continue
        if "\u0600" <= ch <= "\u06ff" or "\u0750" <= ch <= "\u077f" or "\ufb50" <= ch <= "\ufefc":
            counts["arabic"] += 1
        elif "\u0400" <= ch <= "\u04ff":
            counts["cyrillic"] += 1
        elif ch.isascii() or "\u00c0" <= ch <= "\u024f":
            counts["latin"] += 1
    if not counts:
        return None
    return counts.most_common(1)[0][0]


def _prepare(text: str) -> str:
    # Keep diacritics: á, ð, ł, ї and ы are the best clues there are.
    return unicodedata.normalize("NFC", text).casefold().replace("ـ", "")


def _features(text: str) -> Counter[str]:
    """The word itself ("w:" + word) and its letters, letter pairs and triples, with a space
    marking where the word starts and ends ("_ab", "ab_" become " a", "b ")."""
    grams: list[str] = []
    for word in _WORD.findall(_prepare(text)):
        if word.isdigit():
            continue
        padded = f" {word} "
        grams.append("w:" + word)
        grams.extend(word)  # single letters (the padding spaces are not features)
        grams.extend(map("".join, itertools.pairwise(padded)))
        grams.extend(map("".join, zip(padded, padded[1:], padded[2:], strict=False)))
    return Counter(grams)


class LanguageModel:
    """Naive Bayes over character n-grams and words, one class per language.

    The log-probabilities are one matrix, a row per feature (numbered by hash, see `hashed`)
    and a column per language, NaN where the language never has the feature: 31,000 features
    in ten languages take 2.5 MB in one block instead of 5 MB of dictionaries."""

    def __init__(self, texts: Mapping[str, Iterable[str]], alpha: float = LANGID_ALPHA) -> None:
        self.languages = tuple(texts)
        self._column = {lang: i for i, lang in enumerate(self.languages)}
        counts: dict[str, Counter[str]] = {}
        for lang, items in texts.items():
            c: Counter[str] = Counter()
            for text in items:
                c.update(_features(text))
            counts[lang] = c
        number = {f: i for i, f in enumerate(dict.fromkeys(f for c in counts.values() for f in c))}
        self._features = Numbering(number)
        size = len(number) + 1
        self._log_p = np.full((len(number), len(self.languages)), np.nan, dtype=np.float64)
        self._log_unseen = np.zeros(len(self.languages), dtype=np.float64)
        for lang, c in counts.items():
            total = sum(c.values()) + alpha * size
            column = self._column[lang]
            for f, n in c.items():
                self._log_p[number[f], column] = math.log((n + alpha) / total)
            self._log_unseen[column] = math.log(alpha / total)

    def guess(self, text: str, prior: str | None = None) -> LanguageGuess | None:
        """The language of `text`; None when it has no letters at all.

        `prior` is the language we already believe the user writes in; it wins when the text
        does not clearly say otherwise.
        """
        script = script_of(text)
        if script is None:
            return None
        candidates = [lang for lang in _SCRIPT_LANGS[script] if lang in self._column]
        if not candidates:
            return None
        features = _features(text)
        n = sum(features.values()) or 1
        numbers = self._features.numbers(list(features))
        known, rows = numbers >= 0, np.maximum(numbers, 0)
        tallies = list(features.values())
        scores: dict[str, float] = {}
        for lang in candidates:
            column = self._column[lang]
            logs = np.where(known, self._log_p[rows, column], np.nan)
            logs = np.where(np.isnan(logs), self._log_unseen[column], logs)
            # Summed in order, as Python floats: the same scores to the last bit as always.
            scores[lang] = sum(c * p for c, p in zip(tallies, logs.tolist(), strict=True)) / n
        ranked = sorted(scores.items(), key=lambda kv: -kv[1])
        best, best_score = ranked[0]
        margin = best_score - ranked[1][1] if len(ranked) > 1 else 10.0
        # Per-feature log-likelihood margin, scaled by how much text there is: a long text with
        # a small per-feature margin is still clear, a two-word text needs a bigger one.
        confidence = 1.0 - math.exp(-margin * math.sqrt(n))
        letters = sum(1 for ch in text if ch.isalpha())
        if (
            prior is not None
            and prior in self._column
            and prior not in scores
            and letters < SHORT_TEXT_LETTERS
            and confidence < SHORT_TEXT_CONFIDENCE
        ):
            # A few letters of another script from an Arabic or Cyrillic reader are usually
            # a name ("IOM?", "Twitter"), not a switch of language.
            return LanguageGuess(prior, 0.0, tuple(ranked))
        if prior is not None and prior in scores and prior != best:
            prior_gap = best_score - scores[prior]
            if prior_gap * math.sqrt(n) < PRIOR_LEAD:
                best, confidence = prior, 0.0
        return LanguageGuess(best, confidence, tuple(ranked))
