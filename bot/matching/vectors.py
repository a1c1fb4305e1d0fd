"""A sparse TF-IDF term-document matrix, searched with numpy (no scipy needed).

The index keeps several of these: phrasing words, phrasing character n-grams, the same per
entry and language ("centroids"), and answer words.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt

from bot.matching.hashed import Numbering

FloatArray = npt.NDArray[np.float32]


class SparseVectors:
    """Documents as L2-normalized TF-IDF vectors in compressed sparse column form: for feature
    `f`, `docs[indptr[f]:indptr[f + 1]]` are the documents that have it and `values` their
    weights. `weight_of(feature, idf)` adjusts a feature's IDF (function words, concepts).

    `vocab`: another matrix's feature numbers, to share (the per-group matrices have the same
    features as the per-phrasing ones: one numbering of 47,000 n-grams instead of two). A
    feature of `vocab` that no document here has counts as unknown, as if it were not there.
    Features are numbered by their hashes (`hashed.Numbering`), not kept as strings."""

    def __init__(
        self,
        docs: Sequence[Counter[str]],
        weight_of: Callable[[str, float], float],
        vocab: Numbering | None = None,
    ) -> None:
        self.n_docs = len(docs)
        df: Counter[str] = Counter()
        for doc in docs:
            df.update(doc.keys())
        self.vocab: Numbering
        if vocab is None:
            number_of = {f: i for i, f in enumerate(df)}
            self.vocab = Numbering(number_of)
        else:
            self.vocab = vocab
            number_of = dict(zip(df, self._numbers(list(df)), strict=True))
        self.weight_of = weight_of
        self.unknown_idf = math.log(self.n_docs + 1) + 1.0
        # A feature of a shared `vocab` that no document has: the unknown IDF (`feature_idf`).
        idf = np.full(len(self.vocab), self.unknown_idf, dtype=np.float64)
        for f, n in df.items():
            idf[number_of[f]] = weight_of(f, math.log((self.n_docs + 1) / (n + 1)) + 1.0)
        self.idf = idf.astype(np.float32)
        rows: list[int] = []
        cols: list[int] = []
        values: list[float] = []
        for d, doc in enumerate(docs):
            ids = [number_of[f] for f in doc]
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

    def _numbers(self, features: Sequence[str]) -> list[int]:
        numbers = self.vocab.numbers(features)
        if len(numbers) and int(numbers.min()) < 0:
            raise ValueError("a document has a feature the shared numbering does not")
        return [int(n) for n in numbers]

    def has(self, doc: int, number: int) -> bool:
        """Whether document `doc` has the feature numbered `number` (-1: none)."""
        if number < 0:
            return False
        postings = self.docs[self.indptr[number] : self.indptr[number + 1]]
        at = int(np.searchsorted(postings, doc))
        return at < len(postings) and int(postings[at]) == doc

    def feature_idf(self, feature: str, number: int | None = None) -> float:
        """The feature's IDF here; `number`: its number when looked up already (-1: none)."""
        fid = self.vocab.get(feature) if number is None else (number if number >= 0 else None)
        if fid is not None and self.indptr[fid + 1] > self.indptr[fid]:
            return float(self.idf[fid])
        return self.weight_of(feature, self.unknown_idf)

    def numbers(self, counts: Counter[str]) -> list[int]:
        """The number of each of the query's features (-1: unknown), to pass to `query` and
        `coverage` of every matrix sharing this one's numbering (hashed once, not each time)."""
        numbers: list[int] = self.vocab.numbers(list(counts)).tolist()
        return numbers

    def query(
        self, counts: Counter[str], numbers: list[int] | None = None
    ) -> tuple[FloatArray, list[int]]:
        """Cosine of the query with every document; also the ids of known features."""
        features = list(counts)
        numbers = self.numbers(counts) if numbers is None else numbers
        known = [(n, counts[f]) for f, n in zip(features, numbers, strict=True) if n >= 0]
        if not known:
            return np.zeros(self.n_docs, dtype=np.float32), []
        total = math.sqrt(
            sum(
                ((1.0 + math.log(counts[f])) * self.feature_idf(f, n)) ** 2
                for f, n in zip(features, numbers, strict=True)
            )
        )
        ids = [fid for fid, _ in known]
        factors = [(1.0 + math.log(c)) * float(self.idf[fid]) / (total or 1.0) for fid, c in known]
        return self.accumulate(ids, factors, use_values=True), ids

    def coverage(
        self, counts: Counter[str], known_ids: list[int], numbers: list[int] | None = None
    ) -> FloatArray:
        """Share of the query's feature weight (IDF) present in each document."""
        features = list(counts)
        numbers = self.numbers(counts) if numbers is None else numbers
        total = sum(self.feature_idf(f, n) for f, n in zip(features, numbers, strict=True))
        if not known_ids or total == 0:
            return np.zeros(self.n_docs, dtype=np.float32)
        factors = [float(self.idf[fid]) / total for fid in known_ids]
        return self.accumulate(known_ids, factors, use_values=False)


def plain_idf(_feature: str, idf: float) -> float:
    """`weight_of` for vectors whose features all count the same (character n-grams)."""
    return idf
