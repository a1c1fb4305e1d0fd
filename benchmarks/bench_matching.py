"""Speed and memory of the matcher, with the naive baseline timed in the same process.

    python benchmarks/bench_matching.py

Rows: index build time and peak memory, then per-question latency (median and p99, one
thread, index built, normalization included) for
- the shipped knowledge base: every phrasing with a typo, plus out-of-scope questions;
- CLINC150's 15,000 training phrasings (if ../shared/benchmarks is there) with its test
  questions.
The naive baseline is `process.extractOne(q, phrasings, scorer=fuzz.token_set_ratio)`.
Absolute times drift between machines: compare the ratio to the baseline.
"""

from __future__ import annotations

import argparse
import random
import time
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

import benchdata
import yaml
from benchdata import timed
from rapidfuzz import fuzz, process, utils

from bot.kb import load_knowledge
from bot.kb.models import SafetyFile
from bot.matching import Matcher
from bot.matching.index import MatchIndex, Phrasing
from bot.matching.semantic import load_embedder

ROOT = Path(__file__).resolve().parents[1]


def build_measured(build: Callable[[], object]) -> tuple[object, float, float]:
    """The built object, seconds taken, and peak memory in MB while building.

    Built twice: timed without tracemalloc (which slows allocation several times), then
    measured with it.
    """
    start = time.perf_counter()
    built = build()
    seconds = time.perf_counter() - start
    tracemalloc.start()
    build()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return built, seconds, peak / 1e6


def naive(phrasings: Sequence[str]) -> Callable[[str], object]:
    processed = [utils.default_process(p) for p in phrasings]

    def run(question: str) -> object:
        return process.extractOne(
            utils.default_process(question), processed, scorer=fuzz.token_set_ratio, processor=None
        )

    return run


def typo(text: str, rng: random.Random) -> str:
    """One adjacent swap inside a longer word: the kind of slip thumbs make."""
    words = text.split()
    long = [i for i, w in enumerate(words) if len(w) > 4]
    if not long:
        return text
    i = rng.choice(long)
    w = words[i]
    j = rng.randrange(1, len(w) - 2)
    words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
    return " ".join(words)


def main() -> int:
    rng = random.Random(7)
    rows: list[tuple[str, str, str, str, str, str]] = []
    kb = load_knowledge(ROOT / "knowledge")
    matcher, seconds, memory = build_measured(lambda: Matcher(kb))
    assert isinstance(matcher, Matcher)
    texts = [p.text for p in matcher.index.phrasings]
    out_of_scope = yaml.safe_load((ROOT / "benchmarks" / "data" / "out_of_scope.yaml").read_text())
    questions = [typo(t, rng) for t in texts] + [q for qs in out_of_scope.values() for q in qs]
    ours = timed(lambda q: matcher.match(q), questions)
    base = timed(naive(texts), questions)
    label = f"shipped knowledge, full matcher ({len(texts)} phrasings, {len(questions)} questions)"
    ratio = f"{base[1] / ours[1]:.1f}x faster"
    rows.append((label, f"{seconds:.2f} s", f"{memory:.0f} MB", *_ms(ours), ratio))
    rows.append((label, "-", "-", *_ms(base), "naive baseline"))
    # The same questions without the safety scan (no cues): what the scan adds per message.
    unsafe = Matcher(replace(kb, safety=SafetyFile(kinds=())))
    bare = timed(lambda q: unsafe.match(q), questions)
    added = f"scan adds {ours[1] - bare[1]:+.2f} ms to p99"
    rows.append(
        ("shipped knowledge, full matcher without the safety scan", "-", "-", *_ms(bare), added)
    )
    embedder = load_embedder()
    if embedder is not None:
        semantic, seconds, memory = build_measured(lambda: Matcher(kb, embedder=embedder))
        assert isinstance(semantic, Matcher)
        timing = timed(lambda q: semantic.match(q), questions)
        ratio = f"{base[1] / timing[1]:.1f}x faster"
        label = "shipped knowledge, full matcher + semantic signal"
        rows.append((label, f"{seconds:.2f} s", f"{memory:.0f} MB", *_ms(timing), ratio))
    if benchdata.available():
        task = benchdata.clinc150(None)
        phrasings = [Phrasing(e, "en", t) for e, ts in task.phrasings.items() for t in ts]
        index, seconds, memory = build_measured(lambda: MatchIndex(phrasings))
        assert isinstance(index, MatchIndex)
        clinc_questions = [q for q, _ in task.test][:1500]
        ours = timed(lambda q: index.search(q), clinc_questions)
        base = timed(naive([p.text for p in phrasings]), clinc_questions[:400])
        label = f"CLINC150 index ({len(phrasings)} phrasings, {len(clinc_questions)} questions)"
        ratio = f"{base[1] / ours[1]:.1f}x faster"
        rows.append((label, f"{seconds:.2f} s", f"{memory:.0f} MB", *_ms(ours), ratio))
        rows.append((label, "-", "-", *_ms(base), "naive baseline"))
    print("| setting | index build | build peak memory | median ms | p99 ms | p99 vs naive |")
    print("|---|---:|---:|---:|---:|---:|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    return 0


def _ms(pair: tuple[float, float]) -> tuple[str, str]:
    return f"{pair[0]:.2f}", f"{pair[1]:.2f}"


if __name__ == "__main__":
    # --help says what the script measures, before it runs anything.
    argparse.ArgumentParser(description=__doc__).parse_args()
    raise SystemExit(main())
