"""The search index: every phrasing of every entry, measured several ways against a question.

For each phrasing the index keeps a character n-gram TF-IDF vector (3 to 5 letters inside
word boundaries: tolerant of misspellings, word forms and missing diacritics), a word TF-IDF
vector over stems and synonym concepts (rewards the rare, meaningful words) and its set of
word features. Per entry and language it keeps the same vectors over all phrasings together
(the "centroid") and the answer's words; optionally each phrasing's embedding.

`search` runs the pipeline: analyse (`analysis`) → signals (here) → `fusion.fuse` → the top
candidates with their evidence. `decide` then turns candidates into an answer, suggestions
or "don't know".
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Container, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from bot.matching.analysis import Analysis, Analyzer, word_features
from bot.matching.fusion import Fusion, Layout, Signals, fuse
from bot.matching.params import SHARED_PREFIX, Weights
from bot.matching.semantic import Embedder
from bot.matching.synonyms import SynonymGroup, is_concept
from bot.matching.vectors import SparseVectors, plain_idf
from bot.text import tokens_with_case


@dataclass(frozen=True, slots=True)
class Phrasing:
    """One way of asking for one entry, in one language."""

    entry: str
    lang: str
    text: str


@dataclass(frozen=True)
class Candidate:
    """An entry's score for a question and the evidence behind it."""

    entry: str
    score: float
    phrasing: Phrasing
    char: float
    word: float
    coverage: float
    matched: tuple[str, ...] = field(default=())
    # Whether the shared words include a content word (not only question or function words).
    substantive: bool = True
    # Each fusion step's value for this entry (see `fusion.fuse`), for `python -m bot ask`.
    steps: tuple[tuple[str, float], ...] = field(default=(), compare=False)


@dataclass(frozen=True)
class WordWeight:
    """The IDF of a word feature as the index weighs it: concepts at least `concept_idf`,
    function words scaled down by `stopword`."""

    concept_idf: float
    stop_features: frozenset[str]
    stopword: float

    def __call__(self, feature: str, idf: float) -> float:
        if is_concept(feature):
            return max(idf, self.concept_idf)
        if feature in self.stop_features:
            return idf * self.stopword
        return idf


class MatchIndex:
    """Built once per knowledge base (or benchmark); `search` is pure and thread-safe."""

    def __init__(
        self,
        phrasings: Iterable[Phrasing],
        synonyms: Iterable[SynonymGroup] = (),
        weights: Weights | None = None,
        answers: Mapping[tuple[str, str], str] | None = None,
        embedder: Embedder | None = None,
        common_words: Mapping[str, Container[str]] | None = None,
        any_common_word: Container[str] = frozenset(),
    ) -> None:
        self.weights = weights or Weights()
        grouped: dict[str, dict[str, list[Phrasing]]] = {}
        for p in phrasings:
            grouped.setdefault(p.entry, {}).setdefault(p.lang, []).append(p)
        self.phrasings = [p for by_lang in grouped.values() for g in by_lang.values() for p in g]
        self.entries: list[str] = list(grouped)
        group_keys = [(e, lang) for e, by_lang in grouped.items() for lang in by_lang]
        group_sizes = [len(g) for by_lang in grouped.values() for g in by_lang.values()]
        self.layout = Layout(
            group_start=_starts(group_sizes),
            group_size=np.array(group_sizes, dtype=np.float32),
            entry_group_start=_starts([len(by_lang) for by_lang in grouped.values()]),
            group_lang=np.array([lang for _, lang in group_keys]),
        )
        group_of = np.repeat(np.arange(len(group_sizes), dtype=np.int32), group_sizes)
        entry_of_group = np.repeat(
            np.arange(len(self.entries), dtype=np.int32), [len(b) for b in grouped.values()]
        )
        self.entry_of = entry_of_group[group_of]

        self.synonym_groups = tuple(synonyms)
        raw = [tokens_with_case(p.text) for p in self.phrasings]
        by_language: dict[str, list[str]] = {}
        for p, words in zip(self.phrasings, raw, strict=True):
            by_language.setdefault(p.lang, []).extend(w for w, _ in words)
        self.analyzer = Analyzer(
            (w for words in raw for w, _ in words),
            self.synonym_groups,
            common_words,
            by_language,
            any_common_word,
        )
        terms = [self.analyzer.text_terms(words) for words in raw]
        features = [word_features(t) for t in terms]
        n = max(1, len(self.phrasings))
        self._concept_idf = math.log((n + 1) / (self.weights.concept_df * n + 1)) + 1.0
        char_docs = [self.analyzer.char_counts(t) for t in terms]
        # A weighting that does not hold the index: the matrices would otherwise keep it alive
        # in a reference cycle, and a replaced matcher would wait for the cyclic collector.
        self._word_weight = WordWeight(
            self._concept_idf, self.analyzer.stop_features, self.weights.stopword
        )
        self._words = SparseVectors([Counter(f) for f in features], self._word_weight)
        self._chars = SparseVectors(char_docs, plain_idf)
        # What each entry answers, in every language: the words of its phrasings (an answer
        # mentions more than it answers: "high wages" is not an answer about salaries).
        said: dict[str, set[str]] = {entry: set() for entry in self.entries}
        for p, feats in zip(self.phrasings, features, strict=True):
            said[p.entry].update(feats)
        group_words: list[Counter[str]] = [Counter() for _ in group_sizes]
        group_chars: list[Counter[str]] = [Counter() for _ in group_sizes]
        for d, feats in enumerate(features):
            group_words[group_of[d]].update(feats)
            group_chars[group_of[d]].update(char_docs[d])
        self._centroid_words = SparseVectors(group_words, self._word_weight, self._words.vocab)
        self._centroid_chars = SparseVectors(group_chars, plain_idf, self._chars.vocab)
        self.answers = dict(answers or {})
        answer_words = [
            Counter(
                word_features(self.analyzer.text_terms(tokens_with_case(self.answers.get(k, ""))))
            )
            for k in group_keys
        ]
        self._answer_words = (
            SparseVectors(answer_words, self._word_weight) if self.answers else None
        )
        self._entry_words = [frozenset(said[entry]) for entry in self.entries]
        # Word beginnings, so that another form of a word still counts as shared (переехать /
        # переезд, konto / konta) and so do cognates across languages (salary / salario).
        self._entry_prefixes = [
            frozenset(w[:SHARED_PREFIX] for w in said[entry] if len(w) >= SHARED_PREFIX)
            for entry in self.entries
        ]
        self.embedder = embedder
        self._embeddings = (
            embedder.embed([p.text for p in self.phrasings]) if embedder is not None else None
        )

    def __getstate__(self) -> dict[str, Any]:
        # The embedder (a tokenizer, an open file) belongs to one process: see `Matcher.attach`.
        return {**self.__dict__, "embedder": None}

    @property
    def semantic(self) -> bool:
        """Whether the semantic signal is on."""
        return self._embeddings is not None and bool(self.weights.semantic)

    def analyse(self, text: str, lang: str | None = None) -> Analysis:
        """What the index reads in `text` (words, corrections, concepts, features)."""
        return self.analyzer.analyse(text, lang)

    def signals(self, text: str, analysis: Analysis) -> Signals:
        """Every signal of `text` against every phrasing and group (see `fusion.Signals`)."""
        w = self.weights
        char_query = self.analyzer.char_counts(analysis.terms)
        # The centroid matrices share the phrasing matrices' numberings: looked up once.
        char_numbers = self._chars.numbers(char_query)
        char, _ = self._chars.query(char_query, char_numbers)
        query_words = Counter(analysis.features)
        word_numbers = self._words.numbers(query_words)
        word, word_ids = self._words.query(query_words, word_numbers)
        coverage = self._words.coverage(query_words, word_ids, word_numbers)
        centroid = None
        if w.centroid:
            cw, _ = self._centroid_words.query(query_words, word_numbers)
            cc, _ = self._centroid_chars.query(char_query, char_numbers)
            centroid = 0.5 * (cw + cc)
        semantic = None
        if self.embedder is not None and self._embeddings is not None and w.semantic:
            query_vector = self.embedder.embed([text])[0]
            similarity = np.clip(self._embeddings @ query_vector, 0.0, 1.0)
            semantic = np.maximum.reduceat(similarity, self.layout.group_start)
        answer = None
        about_names_only = all(
            f in self.analyzer.light_features or f in self.analyzer.name_features
            for f in query_words
        )
        # A question about a name alone ("what is IOM?") is not told apart by answers, which
        # all mention the name; its phrasings decide.
        if self._answer_words is not None and w.answer and not about_names_only:
            answer, _ = self._answer_words.query(query_words)
        return Signals(char, word, coverage, centroid, semantic, answer)

    def search(
        self,
        text: str,
        top: int = 5,
        lang: str | None = None,
        lang_confidence: float = 0.0,
        exclude: frozenset[str] = frozenset(),
        names: frozenset[str] = frozenset(),
        elsewhere: bool = False,
    ) -> tuple[Analysis, list[Candidate]]:
        """The `top` entries for `text`, best first, leaving out the entries in `exclude`.

        `names` are more word features that are proper names (the places the question names):
        an entry that shares only names with a question that asks about something else is not
        `substantive` (see `Candidate`). `elsewhere`: the question names a place no entry is
        about, so an entry must share what it asks about even in words the FAQ knows.

        When the question's language is known (`lang`, with a confidence in 0-1), phrasings in
        other languages count a little less: they matched through shared names and numbers.
        """
        analysis = self.analyse(text, lang)
        if not analysis.features or not self.phrasings:
            return analysis, []
        signals = self.signals(text, analysis)
        fusion = fuse(signals, self.layout, self.weights, lang, lang_confidence)
        ranked = np.argsort(-fusion.entry, kind="stable")
        order = [e for e in ranked if self.entries[e] not in exclude][:top]
        light = self.analyzer.light_features
        names = names | self.analyzer.name_features
        # What the question asks about besides names, in words no phrasing uses: then an entry
        # must share one of its content words ("salary in Iceland" is not answered by "work in
        # Iceland" through "Iceland" alone).
        content = frozenset(f for f in analysis.features if f not in light and f not in names)
        # A question about a place no entry is about must share more than names with an entry
        # in any case ("IOM's office in Nairobi" is not "what is IOM").
        # Each feature's number in the word matrix (-1: no phrasing has it), looked up once.
        numbers = self._words.vocab.numbers(analysis.features).tolist()
        known = {f for f, n in zip(analysis.features, numbers, strict=True) if n >= 0}
        if not elsewhere and content <= known:
            content = frozenset()
        candidates = [
            self._candidate(int(e), analysis, numbers, signals, fusion, content) for e in order
        ]
        # Entries that share only names or function words with the question go after those
        # that share what it asks about, whatever their scores: they are not answers.
        candidates.sort(key=lambda c: not c.substantive)
        return analysis, candidates

    def _shares(self, e: int, content: frozenset[str]) -> bool:
        """Whether entry `e` says anything of what the question asks (besides names)."""
        words, prefixes = self._entry_words[e], self._entry_prefixes[e]
        return any(
            f in words or (len(f) >= SHARED_PREFIX and f[:SHARED_PREFIX] in prefixes)
            for f in content
        )

    def _candidate(
        self,
        e: int,
        analysis: Analysis,
        numbers: list[int],
        signals: Signals,
        fusion: Fusion,
        content: frozenset[str],
    ) -> Candidate:
        docs = np.flatnonzero(self.entry_of == e)
        best_doc = int(docs[np.argmax(fusion.phrasing[docs])])
        matched = tuple(
            f
            for f, n in zip(analysis.features, numbers, strict=True)
            if self._words.has(best_doc, n)
        )
        return Candidate(
            entry=self.entries[e],
            score=float(fusion.entry[e]),
            phrasing=self.phrasings[best_doc],
            char=float(signals.char[best_doc]),
            word=float(signals.word[best_doc]),
            coverage=float(signals.coverage[best_doc]),
            matched=matched,
            substantive=(
                self._shares(e, content)
                if content
                else any(f not in self.analyzer.light_features for f in matched)
            ),
            steps=fusion.trace(e),
        )


def _starts(sizes: Sequence[int]) -> npt.NDArray[np.int64]:
    """Start offsets of consecutive runs of the given sizes (for `reduceat`)."""
    return np.cumsum([0, *sizes[:-1]]).astype(np.int64)
