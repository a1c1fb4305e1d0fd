"""The matcher on public FAQ and intent datasets, beside the published baselines.

    pip install -e '.[bench]'      # scikit-learn and rank-bm25, for the baselines only
    python benchmarks/external.py [--quick]

Protocol of ../shared/benchmarks/BASELINES.md, baselines re-run in this same process:
- CLINC150 with the first 10 training phrasings per intent; StackFAQ with the question and
  5 paraphrases per thread (every 5th thread held out as out-of-scope); xSID with the valid
  sentences as phrasings, per language, and the mean over the 18 languages.
- in-scope accuracy: top-1 over in-scope test queries, no rejection;
- AUROC: the top score, in-scope against out-of-scope test queries;
- conservative point: the threshold with the most out-of-scope rejection on the validation
  split whose in-scope accuracy stays within 5 points of no rejection, applied to test;
- latency: one query at a time, normalization included, index already built.
`ours` is the shipped matcher's index with no knowledge-base extras (no synonyms, no answer
texts, no language hints); `ours + semantic` adds the optional wordllama signal.
"""

from __future__ import annotations

import argparse
import math
import re
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import benchdata
import numpy as np
from rapidfuzz import fuzz, process, utils

from bot.matching.index import MatchIndex, Phrasing
from bot.matching.semantic import Embedder, load_embedder

Search = Callable[[str], tuple[str, float]]
Builder = Callable[[dict[str, list[str]]], Search]


def rapidfuzz_method(scorer: Callable[..., float]) -> Builder:
    def build(phrasings: dict[str, list[str]]) -> Search:
        labels = [e for e, ts in phrasings.items() for _ in ts]
        texts = [utils.default_process(t) for ts in phrasings.values() for t in ts]

        def search(query: str) -> tuple[str, float]:
            found = process.extractOne(
                utils.default_process(query), texts, scorer=scorer, processor=None
            )
            return (labels[found[2]], float(found[1]) / 100) if found else ("", 0.0)

        return search

    return build


def bm25(phrasings: dict[str, list[str]]) -> Search:
    from rank_bm25 import BM25Okapi

    labels = [e for e, ts in phrasings.items() for _ in ts]
    corpus = [re.findall(r"\w+", t.lower()) for ts in phrasings.values() for t in ts]
    model = BM25Okapi(corpus)

    def search(query: str) -> tuple[str, float]:
        scores = model.get_scores(re.findall(r"\w+", query.lower()))
        best = int(np.argmax(scores))
        return labels[best], float(scores[best])

    return search


def tfidf_char(phrasings: dict[str, list[str]]) -> Search:
    from sklearn.feature_extraction.text import TfidfVectorizer

    labels = [e for e, ts in phrasings.items() for _ in ts]
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4))
    matrix = vectorizer.fit_transform([t for ts in phrasings.values() for t in ts])

    def search(query: str) -> tuple[str, float]:
        scores = (matrix @ vectorizer.transform([query]).T).toarray().ravel()
        best = int(np.argmax(scores))
        return labels[best], float(scores[best])

    return search


def ours(embedder: Embedder | None = None) -> Builder:
    def build(phrasings: dict[str, list[str]]) -> Search:
        index = MatchIndex(
            [Phrasing(e, "xx", t) for e, ts in phrasings.items() for t in ts], embedder=embedder
        )

        def search(query: str) -> tuple[str, float]:
            _, candidates = index.search(query, top=1)
            return (candidates[0].entry, candidates[0].score) if candidates else ("", 0.0)

        return search

    return build


@dataclass
class Result:
    accuracy: float
    auroc: float | None
    conservative: tuple[float, float] | None
    median_ms: float
    p99_ms: float


def run(build: Builder, task: benchdata.Task) -> Result:
    search = build(task.phrasings)
    test: list[tuple[str, float, str | None]] = []
    times: list[float] = []
    for query, label in task.test:
        start = time.perf_counter()
        entry, score = search(query)
        times.append((time.perf_counter() - start) * 1000)
        test.append((entry, score, label))
    times.sort()
    median, p99 = statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.99))]
    in_scope = [(e, s, label) for e, s, label in test if label is not None]
    accuracy = sum(1 for e, _, label in in_scope if e == label) / len(in_scope)
    out_scores = [s for _, s, label in test if label is None]
    if not out_scores:
        return Result(accuracy, None, None, median, p99)
    threshold = _conservative_threshold([(*search(q), label) for q, label in task.val])
    kept = sum(1 for e, s, label in in_scope if s >= threshold and e == label) / len(in_scope)
    rejected = sum(1 for s in out_scores if s < threshold) / len(out_scores)
    in_scores = [s for _, s, _ in in_scope]
    return Result(accuracy, benchdata.auroc(in_scores, out_scores), (kept, rejected), median, p99)


def _conservative_threshold(val: Sequence[tuple[str, float, str | None]]) -> float:
    """The most out-of-scope rejection that keeps validation accuracy within 5 points."""
    in_scope = [(e, s, label) for e, s, label in val if label is not None]
    out = [s for _, s, label in val if label is None]
    base = sum(1 for e, _, label in in_scope if e == label) / len(in_scope)
    best_threshold, best_rejection = -math.inf, -1.0
    for threshold in sorted({s for _, s, _ in val}):
        accuracy = sum(1 for e, s, label in in_scope if s >= threshold and e == label) / len(
            in_scope
        )
        if accuracy < base - 0.05:
            break
        rejection = sum(1 for s in out if s < threshold) / max(1, len(out))
        if rejection > best_rejection:
            best_threshold, best_rejection = threshold, rejection
    return best_threshold


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="skip the slow WRatio baseline")
    args = parser.parse_args()
    if not benchdata.available():
        print(f"no datasets at {benchdata.BENCHMARKS}; set BOT_SHARED_DIR", file=sys.stderr)
        return 2
    methods: dict[str, Builder] = {}
    if not args.quick:
        methods["wratio"] = rapidfuzz_method(fuzz.WRatio)
    methods["tokenset"] = rapidfuzz_method(fuzz.token_set_ratio)
    methods["bm25"] = bm25
    methods["tfidf_char"] = tfidf_char
    methods["ours"] = ours()
    embedder = load_embedder()
    if embedder is not None:
        methods["ours + semantic"] = ours(embedder)
    print(
        "| dataset | method | in-scope acc | AUROC in vs OOS | conservative acc / OOS rej "
        "| median ms | p99 ms |"
    )
    print("|---|---|---:|---:|---:|---:|---:|")
    for task in (benchdata.clinc150(10), benchdata.stackfaq(True)):
        for name, build in methods.items():
            r = run(build, task)
            cons = f"{r.conservative[0]:.3f} / {r.conservative[1]:.3f}" if r.conservative else "-"
            bold = "**" if name.startswith("ours") else ""
            print(
                f"| {task.name} | {bold}{name}{bold} | {r.accuracy:.3f} | {r.auroc:.3f} | {cons} | "
                f"{r.median_ms:.2f} | {r.p99_ms:.2f} |"
            )
    languages = benchdata.xsid_languages()
    for name, build in methods.items():
        results = [run(build, benchdata.xsid(lang)) for lang in languages]
        mean = sum(r.accuracy for r in results) / len(results)
        median = statistics.mean(r.median_ms for r in results)
        p99 = max(r.p99_ms for r in results)
        bold = "**" if name.startswith("ours") else ""
        dataset = f"xSID mean of {len(languages)} languages"
        print(f"| {dataset} | {bold}{name}{bold} | {mean:.3f} | - | - | {median:.2f} | {p99:.2f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
