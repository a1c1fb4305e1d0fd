"""The search index: every phrasing of every entry, scored several ways against a question.

For each phrasing the index keeps
- a character n-gram TF-IDF vector (3 to 5 letters inside word boundaries): tolerant of
  misspellings, word forms and missing diacritics;
- a word TF-IDF vector over stems and synonym concepts: rewards the rare, meaningful words;
- its words, to measure how much of the question's weight a phrasing covers (a question
  about "a work visa in Canada" that matches only "work visa" is not covered).

A question's score for an entry, in one language, combines its best phrasing with how well
the other phrasings agree and with the similarity to all of them taken together (a
"centroid"). Function words count a quarter (see `stopwords`); synonym concepts never count
less than a word found in 2% of phrasings, since maintainers declared them meaningful.

Misspelt words are first corrected against the index's vocabulary with rapidfuzz (optimal
string alignment distance), then synonyms become concept tokens. The arithmetic is sparse dot
products done with numpy's `bincount`.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.matching.normalize import stem
from bot.matching.semantic import Embedder
from bot.matching.stopwords import QUESTION_WORDS, STOPWORDS
from bot.matching.synonyms import SynonymGroup, SynonymMap, is_concept
from bot.text import tokens_with_case

FloatArray = npt.NDArray[np.float32]


@dataclass(frozen=True)
class Phrasing:
    """One way of asking for one entry, in one language."""

    entry: str
    lang: str
    text: str


@dataclass(frozen=True)
class Weights:
    """How the signals combine. Chosen on the public benchmarks in ../shared/benchmarks
    (see benchmarks/external.py), never on the evaluation questions."""

    char: float = 0.45
    word: float = 0.25
    coverage: float = 0.30
    agreement: float = 0.3
    centroid: float = 0.5
    stopword: float = 0.25
    answer: float = 1.0
    other_language: float = 0.5
    # A phrasing matched this closely (0-1, on the phrasing's own score) is taken as the
    # question itself: the entry's score moves towards 1.
    exact: float = 0.8
    # Weight of the optional semantic signal (see `semantic`), when an embedder is given.
    semantic: float = 0.3
    concept_df: float = 0.005
    char_min: int = 3
    char_max: int = 5


@dataclass(frozen=True)
class Analysis:
    """What the index made of a question: corrected words, concepts and features."""

    words: tuple[str, ...]
    corrections: tuple[tuple[str, str], ...]
    features: tuple[str, ...]
    terms: tuple[str, ...] = ()


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


class _Vectors:
    """A sparse TF-IDF term-document matrix in compressed sparse column form: for feature
    `f`, `docs[indptr[f]:indptr[f + 1]]` are the documents that have it and `values` the
    L2-normalized weights."""

    def __init__(
        self, docs: Sequence[Counter[str]], weight_of: Callable[[str, float], float]
    ) -> None:
        self.n_docs = len(docs)
        df: Counter[str] = Counter()
        for doc in docs:
            df.update(doc.keys())
        self.vocab = {f: i for i, f in enumerate(df)}
        self.weight_of = weight_of
        idf = [weight_of(f, math.log((self.n_docs + 1) / (n + 1)) + 1.0) for f, n in df.items()]
        self.idf = np.array(idf, dtype=np.float32)
        self.unknown_idf = math.log(self.n_docs + 1) + 1.0
        rows: list[int] = []
        cols: list[int] = []
        values: list[float] = []
        for d, doc in enumerate(docs):
            ids = [self.vocab[f] for f in doc]
            weights = [(1.0 + math.log(c)) * idf[i] for i, c in zip(ids, doc.values(), strict=True)]
            norm = math.sqrt(sum(w * w for w in weights)) or 1.0
            rows.extend([d] * len(ids))
            cols.extend(ids)
            values.extend(w / norm for w in weights)
        order = np.argsort(np.array(cols, dtype=np.int64), kind="stable")
        self.docs = np.array(rows, dtype=np.int32)[order]
        self.values = np.array(values, dtype=np.float32)[order]
        counts = np.bincount(np.array(cols, dtype=np.int64), minlength=len(self.vocab))
        self.indptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)

    def gather(self, ids: Sequence[int]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """Positions in `docs`/`values` of all postings of `ids`, and how many each has."""
        fids = np.asarray(ids, dtype=np.int64)
        starts = self.indptr[fids]
        lengths = self.indptr[fids + 1] - starts
        shifts = np.repeat(starts - np.concatenate([[0], np.cumsum(lengths)[:-1]]), lengths)
        return shifts + np.arange(int(lengths.sum()), dtype=np.int64), lengths

    def accumulate(
        self, ids: Sequence[int], factors: Sequence[float], use_values: bool
    ) -> FloatArray:
        """For each document, the sum over the features `ids` of factor × (value or 1)."""
        positions, lengths = self.gather(ids)
        weights = np.repeat(np.asarray(factors, dtype=np.float64), lengths)
        if use_values:
            weights = weights * self.values[positions]
        totals = np.bincount(self.docs[positions], weights=weights, minlength=self.n_docs)
        return totals.astype(np.float32)

    def feature_idf(self, feature: str) -> float:
        fid = self.vocab.get(feature)
        if fid is not None:
            return float(self.idf[fid])
        return self.weight_of(feature, self.unknown_idf)

    def query(self, counts: Counter[str]) -> tuple[FloatArray, list[int]]:
        """Cosine of the query with every document; also the ids of known features."""
        known = [(self.vocab[f], c) for f, c in counts.items() if f in self.vocab]
        if not known:
            return np.zeros(self.n_docs, dtype=np.float32), []
        total = math.sqrt(
            sum(((1.0 + math.log(c)) * self.feature_idf(f)) ** 2 for f, c in counts.items())
        )
        ids = [fid for fid, _ in known]
        factors = [(1.0 + math.log(c)) * float(self.idf[fid]) / (total or 1.0) for fid, c in known]
        return self.accumulate(ids, factors, use_values=True), ids


class MatchIndex:
    """Built once per knowledge base (or benchmark); `search` is pure and thread-safe."""

    def __init__(
        self,
        phrasings: Iterable[Phrasing],
        synonyms: Iterable[SynonymGroup] = (),
        weights: Weights | None = None,
        answers: Mapping[tuple[str, str], str] | None = None,
        embedder: Embedder | None = None,
    ) -> None:
        self.weights = weights or Weights()
        # Phrasings grouped by entry, then by language inside the entry, so that per-group and
        # per-entry maxima and means are each one `reduceat`.
        grouped: dict[str, dict[str, list[Phrasing]]] = {}
        for p in phrasings:
            grouped.setdefault(p.entry, {}).setdefault(p.lang, []).append(p)
        self.phrasings = [p for by_lang in grouped.values() for g in by_lang.values() for p in g]
        self.entries: list[str] = list(grouped)
        group_sizes = [len(g) for by_lang in grouped.values() for g in by_lang.values()]
        self.group_size = np.array(group_sizes, dtype=np.float32)
        self.group_start = _starts(group_sizes)
        self.entry_group_start = _starts([len(by_lang) for by_lang in grouped.values()])

        self.group_of = np.repeat(np.arange(len(group_sizes), dtype=np.int32), group_sizes)
        entry_of_group = np.repeat(
            np.arange(len(self.entries), dtype=np.int32), [len(b) for b in grouped.values()]
        )
        self.entry_of = entry_of_group[self.group_of]

        self.synonym_groups = tuple(synonyms)
        self.synonyms = SynonymMap(self.synonym_groups)
        self._stop_features = {stem(w) for w in STOPWORDS}
        self._light_features = self._stop_features | {stem(w) for w in QUESTION_WORDS}
        raw = [tokens_with_case(p.text) for p in self.phrasings]
        known = set(self.synonyms.words)
        for words in raw:
            known.update(w for w, _ in words)
        self._known = known
        self._buckets: dict[str, list[str]] = {}
        for word in sorted(known):
            if not word.isdigit():
                self._buckets.setdefault(word[0], []).append(word)
        terms = [self._terms(*_unzip(words)) for words in raw]
        analyses = [self._features(t) for t in terms]
        n = max(1, len(self.phrasings))
        self._concept_idf = math.log((n + 1) / (self.weights.concept_df * n + 1)) + 1.0
        self._words = _Vectors([Counter(f) for f in analyses], self._word_weight)
        char_docs = [self._char_counts(t) for t in terms]
        self._chars = _Vectors(char_docs, _same)
        self._word_sets = [frozenset(f) for f in analyses]
        # One "centroid" document per entry and language: all its phrasings together.
        group_words: list[Counter[str]] = [Counter() for _ in group_sizes]
        group_chars: list[Counter[str]] = [Counter() for _ in group_sizes]
        for d, feats in enumerate(analyses):
            group_words[self.group_of[d]].update(feats)
            group_chars[self.group_of[d]].update(char_docs[d])
        self._centroid_words = _Vectors(group_words, self._word_weight)
        self._centroid_chars = _Vectors(group_chars, _same)
        # The answer of each entry and language: its words also say what the entry is about
        # ("Geneva", "Homa Hasan"), though more weakly than a phrasing.
        self.answers = dict(answers or {})
        group_keys = [(e, lang) for e, by_lang in grouped.items() for lang in by_lang]
        self.group_lang = np.array([lang for _, lang in group_keys])
        self.embedder = embedder
        self._embeddings = (
            embedder.embed([p.text for p in self.phrasings]) if embedder is not None else None
        )
        answer_words = [
            Counter(self._features(self._terms(*_split_case(self.answers.get(key, "")))))
            for key in group_keys
        ]
        self._answer_words = _Vectors(answer_words, self._word_weight) if self.answers else None

    # ---- analysis -----------------------------------------------------------------------

    def _word_weight(self, feature: str, idf: float) -> float:
        if is_concept(feature):
            return max(idf, self._concept_idf)
        if feature in self._stop_features:
            return idf * self.weights.stopword
        return idf

    def analyse(self, text: str) -> Analysis:
        pairs = tokens_with_case(text)
        words = [w for w, _ in pairs]
        corrected, corrections = self._correct(words)
        terms = self._terms(corrected, [u for _, u in pairs])
        features = self._features(terms)
        return Analysis(tuple(corrected), tuple(corrections), tuple(features), tuple(terms))

    def _correct(self, words: list[str]) -> tuple[list[str], list[tuple[str, str]]]:
        out: list[str] = []
        corrections: list[tuple[str, str]] = []
        for word in words:
            if word in self._known or len(word) < 4 or word.isdigit():
                out.append(word)
                continue
            max_edits = 1 if len(word) < 12 else 2
            bucket = self._buckets.get(word[0], [])
            best = process.extractOne(word, bucket, scorer=OSA.distance, score_cutoff=max_edits)
            if best is None:
                out.append(word)
            else:
                out.append(best[0])
                corrections.append((word, best[0]))
        return out, corrections

    def _terms(self, words: Sequence[str], capitals: Sequence[bool]) -> list[str]:
        """The words with synonym concepts added."""
        return self.synonyms.apply(words, capitals)

    @staticmethod
    def _features(terms: Sequence[str]) -> list[str]:
        """Word features: stems of words, concepts as they are."""
        return [t if is_concept(t) else stem(t) for t in terms]

    def _char_counts(self, terms: Sequence[str]) -> Counter[str]:
        # Character n-grams of the whole words (long compounds such as
        # "maahanmuuttovirasto" stay distinct) and concepts, padded with spaces.
        counts: Counter[str] = Counter()
        lo, hi = self.weights.char_min, self.weights.char_max
        for term in terms:
            feature = term if is_concept(term) else stem(term)
            if feature in self._stop_features:
                continue
            padded = f" {term} "
            for n in range(lo, hi + 1):
                for i in range(max(1, len(padded) - n + 1)):
                    counts[padded[i : i + n]] += 1
        return counts

    # ---- search -------------------------------------------------------------------------

    def search(
        self, text: str, top: int = 5, lang: str | None = None, lang_confidence: float = 0.0
    ) -> tuple[Analysis, list[Candidate]]:
        """The `top` entries for `text`, best first.

        When the question's language is known (`lang`, with a confidence in 0-1), phrasings in
        other languages count a little less: they matched through shared names and numbers.
        """
        analysis = self.analyse(text)
        if not analysis.features or not self.phrasings:
            return analysis, []
        w = self.weights
        char_query = self._char_counts(analysis.terms)
        char_scores, _ = self._chars.query(char_query)
        query_words = Counter(analysis.features)
        word_scores, word_ids = self._words.query(query_words)
        coverage = self._coverage(query_words, word_ids)
        combined = w.char * char_scores + w.word * word_scores + w.coverage * coverage
        # Per entry and language: the best phrasing, pulled towards how well the other
        # phrasings agree and towards the similarity with all phrasings taken together.
        best = np.maximum.reduceat(combined, self.group_start)
        mean = np.add.reduceat(combined, self.group_start) / self.group_size
        group_scores = best + w.agreement * (mean - best)
        if w.centroid:
            cw, _ = self._centroid_words.query(query_words)
            cc, _ = self._centroid_chars.query(char_query)
            group_scores = (1 - w.centroid) * group_scores + w.centroid * 0.5 * (cw + cc)
        if self.embedder is not None and self._embeddings is not None and w.semantic:
            query_vector = self.embedder.embed([text])[0]
            similarity = np.clip(self._embeddings @ query_vector, 0.0, 1.0)
            semantic = np.maximum.reduceat(similarity, self.group_start)
            group_scores = (1.0 - w.semantic) * group_scores + w.semantic * semantic
        if self._answer_words is not None and w.answer:
            aw, _ = self._answer_words.query(query_words)
            group_scores = (group_scores + w.answer * aw) / (1.0 + w.answer)
        if lang is not None and w.other_language:
            other = self.group_lang != lang
            group_scores = np.where(
                other, group_scores * (1.0 - w.other_language * lang_confidence), group_scores
            )
        entry_scores = np.maximum.reduceat(group_scores, self.entry_group_start)
        if w.exact < 1.0:
            closest = np.maximum.reduceat(best, self.entry_group_start)
            boost = np.clip((closest - w.exact) / (1.0 - w.exact), 0.0, 1.0)
            entry_scores = entry_scores + boost * (1.0 - entry_scores)
        order = np.argsort(-entry_scores, kind="stable")[:top]
        candidates = []
        for e in order:
            docs = np.flatnonzero(self.entry_of == e)
            best_doc = int(docs[np.argmax(combined[docs])])
            matched = tuple(f for f in analysis.features if f in self._word_sets[best_doc])
            substantive = any(f not in self._light_features for f in matched)
            candidates.append(
                Candidate(
                    entry=self.entries[e],
                    score=float(entry_scores[e]),
                    phrasing=self.phrasings[best_doc],
                    char=float(char_scores[best_doc]),
                    word=float(word_scores[best_doc]),
                    coverage=float(coverage[best_doc]),
                    matched=matched,
                    substantive=substantive,
                )
            )
        return analysis, candidates

    def _coverage(self, query: Counter[str], known_ids: list[int]) -> FloatArray:
        """Share of the question's word weight (IDF) present in each phrasing."""
        vectors = self._words
        total = sum(vectors.feature_idf(f) for f in query)
        if not known_ids or total == 0:
            return np.zeros(vectors.n_docs, dtype=np.float32)
        factors = [float(vectors.idf[fid]) / total for fid in known_ids]
        return vectors.accumulate(known_ids, factors, use_values=False)


def _split_case(text: str) -> tuple[list[str], list[bool]]:
    return _unzip(tokens_with_case(text))


def _unzip(pairs: Sequence[tuple[str, bool]]) -> tuple[list[str], list[bool]]:
    return [w for w, _ in pairs], [u for _, u in pairs]


def _same(_feature: str, idf: float) -> float:
    return idf


def _starts(sizes: Sequence[int]) -> npt.NDArray[np.int64]:
    """Start offsets of consecutive runs of the given sizes (for `reduceat`)."""
    return np.cumsum([0, *sizes[:-1]]).astype(np.int64)
