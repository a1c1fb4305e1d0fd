"""From text to features: words, typo correction, synonym concepts, stems, n-grams.

The phrasings and the questions go through the same `Analyzer`, so both sides meet on the
same features:
- words: folded (see `normalize`), each with whether it was written in capitals;
- typo correction: a word the index does not know is replaced by the closest known word
  within one edit (two for long words; rapidfuzz's optimal string alignment distance);
- synonym concepts: "IOM", "OIM" and "МОМ" all add the token `§iom` (see `synonyms`);
- word features: stems of words, concepts as they are;
- character n-grams of whole words and concepts (function words left out).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Container, Iterable, Mapping, Sequence
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.matching.normalize import stem
from bot.matching.params import CHAR_MAX, CHAR_MIN, TYPO_MIN_LENGTH, TYPO_TWO_EDITS_FROM
from bot.matching.stopwords import QUESTION_WORDS, STOPWORDS
from bot.matching.synonyms import CONCEPT_MARK, SynonymGroup, SynonymMap, is_concept
from bot.text import tokens, tokens_with_case


@dataclass(frozen=True)
class Analysis:
    """What the analyzer made of a text: corrected words, terms with concepts, features."""

    words: tuple[str, ...]
    corrections: tuple[tuple[str, str], ...]
    features: tuple[str, ...]
    terms: tuple[str, ...] = ()


class Analyzer:
    """The analysis of one index: its vocabulary (for typo correction) and synonyms."""

    def __init__(
        self,
        vocabulary: Iterable[str],
        synonyms: Iterable[SynonymGroup],
        common: Mapping[str, Container[str]] | None = None,
        by_language: Mapping[str, Iterable[str]] | None = None,
        any_common: Container[str] = frozenset(),
    ) -> None:
        """`vocabulary`: the folded words of every phrasing (the words typos are fixed to);
        `by_language`: the same words by language, to prefer a question's own language;
        `common`: common words per language, never "corrected" in a question of that
        language (or of any, when the language is unknown): folded Icelandic "hæð" is "haed",
        which in English is a typo of "head"; `any_common`: the same of all languages together,
        for a question whose language is not known."""
        self.common = dict(common or {})
        self._any_common = any_common
        groups = list(synonyms)
        self.synonyms = SynonymMap(groups)
        # Proper names (IOM, Iceland): their concepts and the stems of their one-word terms
        # (the words of "International Organization for Migration" keep their own meaning).
        names: set[str] = set()
        for group in groups:
            if group.name:
                names.add(CONCEPT_MARK + group.id)
                for term in (*group.terms, *group.case_sensitive):
                    words = tokens(term)
                    if len(words) == 1:
                        names.add(stem(words[0]))
        self.name_features = frozenset(names)
        self.stop_features = frozenset(stem(w) for w in STOPWORDS)
        # Question and function words: sharing only these with a phrasing is not a match.
        self.light_features = self.stop_features | {stem(w) for w in QUESTION_WORDS}
        # How often each word is used: of two corrections equally close, the common one wins.
        self._uses: Counter[str] = Counter(vocabulary)
        known = set(self.synonyms.words)
        known.update(self._uses)
        self.known = frozenset(known)
        self._buckets: dict[str, list[str]] = {}
        for word in sorted(known):
            if not word.isdigit():
                self._buckets.setdefault(word[0], []).append(word)
        # The same per language: a typo is first fixed to a word of its own language.
        self._lang_buckets: dict[tuple[str, str], list[str]] = {}
        for lang, lang_words in (by_language or {}).items():
            for word in sorted(set(lang_words)):
                if not word.isdigit():
                    self._lang_buckets.setdefault((lang, word[0]), []).append(word)

    def analyse(self, text: str, lang: str | None = None) -> Analysis:
        """Words, corrections, terms and word features of a question in `lang` (if known)."""
        pairs = tokens_with_case(text)
        corrected, corrections = self.correct([w for w, _ in pairs], lang)
        terms = self.terms(corrected, [u for _, u in pairs])
        features = word_features(terms)
        return Analysis(tuple(corrected), tuple(corrections), tuple(features), tuple(terms))

    def correct(
        self, words: Sequence[str], lang: str | None = None
    ) -> tuple[list[str], list[tuple[str, str]]]:
        """Unknown words replaced by the closest known word, and the replacements made."""
        common = self.common.get(lang, self._any_common) if lang else self._any_common
        out: list[str] = []
        corrections: list[tuple[str, str]] = []
        for word in words:
            if (
                word in self.known
                or word in common
                or len(word) < TYPO_MIN_LENGTH
                or word.isdigit()
            ):
                out.append(word)
                continue
            max_edits = 1 if len(word) < TYPO_TWO_EDITS_FROM else 2
            best = None
            if lang is not None:
                best = self._closest(word, self._lang_buckets.get((lang, word[0]), []), max_edits)
            if best is None:
                best = self._closest(word, self._buckets.get(word[0], []), max_edits)
            if best is None:
                out.append(word)
            else:
                out.append(best)
                corrections.append((word, best))
        return out, corrections

    def _closest(self, word: str, bucket: Sequence[str], max_edits: int) -> str | None:
        """The known word fewest edits away; of equals, a swap of two letters first (the
        commonest slip of thumbs: "haed" is "head", not "hard"), then the most used word."""
        found = process.extract(
            word, bucket, scorer=OSA.distance, score_cutoff=max_edits, limit=None
        )
        if not found:
            return None
        letters = sorted(word)
        choice, _, _ = min(
            found, key=lambda f: (f[1], sorted(f[0]) != letters, -self._uses[f[0]], f[0])
        )
        return str(choice)

    def terms(self, words: Sequence[str], capitals: Sequence[bool]) -> list[str]:
        """The words with synonym concepts added."""
        return self.synonyms.apply(words, capitals)

    def text_terms(self, pairs: Sequence[tuple[str, bool]]) -> list[str]:
        """The terms of a tokenized text without typo correction (phrasings and answers)."""
        return self.terms([w for w, _ in pairs], [u for _, u in pairs])

    def char_counts(self, terms: Sequence[str]) -> Counter[str]:
        """Character n-grams of whole words and concepts, padded with spaces (so long
        compounds such as "maahanmuuttovirasto" stay distinct); function words left out."""
        counts: Counter[str] = Counter()
        for term in terms:
            feature = term if is_concept(term) else stem(term)
            if feature in self.stop_features:
                continue
            padded = f" {term} "
            for n in range(CHAR_MIN, CHAR_MAX + 1):
                for i in range(max(1, len(padded) - n + 1)):
                    counts[padded[i : i + n]] += 1
        return counts


def word_features(terms: Sequence[str]) -> list[str]:
    """Word features: stems of words, concepts as they are."""
    return [t if is_concept(t) else stem(t) for t in terms]
