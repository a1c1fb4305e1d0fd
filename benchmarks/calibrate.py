"""Calibrate the matcher's decision thresholds on our own knowledge base.

In-scope questions: each phrasing of the knowledge base, held out in turn (5 folds: the
phrasing is removed from the index, then asked). Out-of-scope questions: public datasets
with nothing to do with migration (CLINC150's out-of-scope queries, xSID's assistant
commands in Arabic and English, StackFAQ's web-app questions). The evaluation questions in
../shared/eval are never used here.

It prints how often held-out phrasings are answered right, answered wrong or suggested at
the shipped thresholds, how often out-of-scope questions get a false answer, and the best
thresholds found by a grid search under the same constraints, so a change to the matcher
can be re-calibrated in one command:

    python benchmarks/calibrate.py [--knowledge DIR]
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import benchdata
import numpy as np
import yaml

from bot.kb import load_knowledge
from bot.matching import Matcher, Thresholds, Weights
from bot.matching.decide import decide
from bot.matching.index import Candidate, MatchIndex, Phrasing
from bot.matching.semantic import load_embedder

FOLDS = 5
MAX_FALSE_ANSWERS = 0.02
MAX_WRONG = 0.03
MIN_DECLINED = 0.8


@dataclass(frozen=True)
class Outcome:
    expected_entry: str | None
    expected_topic: str | None
    candidates: tuple[Candidate, ...]


def held_out(matcher: Matcher) -> list[Outcome]:
    phrasings = list(matcher.index.phrasings)
    position: dict[Phrasing, int] = {}
    seen: dict[tuple[str, str], int] = {}
    for p in phrasings:
        key = (p.entry, p.lang)
        position[p] = seen.get(key, 0)
        seen[key] = position[p] + 1
    outcomes: list[Outcome] = []
    for fold in range(FOLDS):
        train = [p for p in phrasings if position[p] % FOLDS != fold]
        test = [p for p in phrasings if position[p] % FOLDS == fold]
        index = MatchIndex(
            train,
            matcher.index.synonym_groups,
            matcher.index.weights,
            matcher.index.answers,
            matcher.index.embedder,
        )
        for p in test:
            candidates = search(matcher, index, p.text)
            outcomes.append(Outcome(p.entry, matcher.topic_of[p.entry], candidates))
    return outcomes


def search(matcher: Matcher, index: MatchIndex, text: str) -> tuple[Candidate, ...]:
    """The top candidates as `Matcher.match` would rank them (language-aware)."""
    guess = matcher.language_model.guess(text)
    _, candidates = index.search(
        text,
        top=4,
        lang=guess.lang if guess else None,
        lang_confidence=guess.confidence if guess else 0.0,
    )
    return tuple(candidates)


def out_of_scope_texts() -> dict[str, list[str]]:
    """Out-of-scope questions by language: our own multilingual set and public datasets."""
    written = Path(__file__).resolve().parent / "data" / "out_of_scope.yaml"
    texts: dict[str, list[str]] = yaml.safe_load(written.read_text(encoding="utf-8"))
    clinc = benchdata.clinc150(10)
    texts["en"] += [q for q, label in clinc.val + clinc.test if label is None]
    for lang in ("ar", "en"):
        texts[lang] += [q for q, _ in benchdata.xsid(lang).test]
    texts["en"] += [q for q, _ in benchdata.stackfaq(False).test[:300]]
    return texts


class Table:
    """The top candidates of many outcomes as arrays, so thresholds are tried in bulk."""

    def __init__(self, outcomes: Sequence[Outcome], topic_of: dict[str, str], k: int = 3) -> None:
        n = len(outcomes)
        self.scores = np.zeros((n, k))
        self.right_topic = np.zeros((n, k), dtype=bool)
        self.right_entry = np.zeros(n, dtype=bool)
        self.other_topic = np.zeros(n)
        self.substantive = np.ones(n, dtype=bool)
        for i, o in enumerate(outcomes):
            cands = o.candidates
            for j, c in enumerate(cands[:k]):
                self.scores[i, j] = c.score
                self.right_topic[i, j] = topic_of[c.entry] == o.expected_topic
            if cands:
                self.substantive[i] = cands[0].substantive
                self.right_entry[i] = cands[0].entry == o.expected_entry
                first_topic = topic_of[cands[0].entry]
                self.other_topic[i] = next(
                    (c.score for c in cands[1:] if topic_of[c.entry] != first_topic), 0.0
                )

    def statuses(self, t: Thresholds) -> tuple[np.ndarray, np.ndarray]:
        """Masks of outcomes answered and suggested, as `decide` would (see its tests)."""
        s1, s2 = self.scores[:, 0], self.scores[:, 1]
        answered = (
            (s1 >= t.answer)
            & (s1 >= t.suggest)
            & self.substantive
            & (s1 - self.other_topic >= t.margin)
            & (s1 - s2 >= t.entry_margin)
        )
        suggested = (s1 >= t.suggest) & ~answered
        return answered, suggested

    def rates(self, t: Thresholds) -> dict[str, float]:
        answered, suggested = self.statuses(t)
        n = max(1, len(answered))
        floor = np.maximum(t.suggest, self.scores[:, 0] - t.spread)[:, None]
        shown = (self.scores >= floor) & self.right_topic
        right = answered & self.right_topic[:, 0]
        return {
            "correct": float(right.sum() / n),
            "wrong": float((answered & ~self.right_topic[:, 0]).sum() / n),
            "reachable": float((right | (suggested & shown.any(axis=1))).sum() / n),
            "answered": float(answered.sum() / n),
            "declined": float((~answered & ~suggested).sum() / n),
            "entry_top1": float(self.right_entry.mean()) if len(self.right_entry) else 0.0,
        }


def _parse(default: object, text: str) -> Any:
    if isinstance(default, bool):
        return text.lower() in ("1", "true", "yes")
    if isinstance(default, int):
        return int(text)
    return float(text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--knowledge", type=Path, default=Path(__file__).resolve().parents[1] / "knowledge"
    )
    parser.add_argument(
        "--weights", default="", help="override index weights, e.g. 'char=0.5,agreement=0.2'"
    )
    parser.add_argument(
        "--semantic", action="store_true", help="with the optional wordllama signal"
    )
    args = parser.parse_args()
    if not benchdata.available():
        print(
            f"benchmarks not found at {benchdata.BENCHMARKS}; set BOT_SHARED_DIR", file=sys.stderr
        )
        return 2
    kb = load_knowledge(args.knowledge)
    started = time.perf_counter()
    embedder = load_embedder() if args.semantic else None
    if args.semantic and embedder is None:
        print("wordllama is not installed: pip install '.[semantic]'", file=sys.stderr)
        return 2
    matcher = Matcher(kb, embedder=embedder)
    if args.weights:
        overrides = {
            k: _parse(getattr(Weights(), k), v)
            for k, v in (kv.split("=") for kv in args.weights.split(","))
        }
        weights = replace(Weights(), **overrides)
        matcher.index = MatchIndex(
            matcher.index.phrasings,
            matcher.index.synonym_groups,
            weights,
            matcher.index.answers,
            embedder,
        )
    inside = held_out(matcher)
    outside_by_lang = {
        lang: [Outcome(None, None, search(matcher, matcher.index, q)) for q in questions]
        for lang, questions in out_of_scope_texts().items()
    }
    outside = [o for group in outside_by_lang.values() for o in group]
    topic_of = dict(matcher.topic_of)
    top_in = [o.candidates[0].score if o.candidates else 0.0 for o in inside]
    top_out = [o.candidates[0].score if o.candidates else 0.0 for o in outside]
    topic_top1 = sum(
        1 for o in inside if o.candidates and topic_of[o.candidates[0].entry] == o.expected_topic
    ) / len(inside)
    separation = benchdata.auroc(top_in, top_out)
    print(f"held-out topic top-1 {topic_top1:.3f}; AUROC held-out vs out-of-scope {separation:.3f}")
    shipped = matcher.thresholds
    print(
        f"{len(inside)} held-out phrasings, {len(outside)} out-of-scope questions "
        f"({time.perf_counter() - started:.1f} s)\n"
    )
    columns = ["thresholds", "answer", "margin", "entry margin", "suggest", "correct", "wrong"]
    columns += ["reachable", "false answers", "declined", "entry top-1"]
    print("| " + " | ".join(columns) + " |")
    print("|---" + "|---:" * (len(columns) - 1) + "|")

    inside_table = Table(inside, topic_of)
    outside_tables = {lang: Table(group, topic_of) for lang, group in outside_by_lang.items()}

    def measure(t: Thresholds) -> dict[str, float]:
        r = inside_table.rates(t)
        # Averaged over languages, so the 2,000 English questions do not hide the others.
        per_lang = [table.rates(t) for table in outside_tables.values()]
        r["false_answer"] = sum(o["answered"] for o in per_lang) / len(per_lang)
        r["declined"] = sum(o["declined"] for o in per_lang) / len(per_lang)
        return r

    def row(name: str, t: Thresholds) -> None:
        r = measure(t)
        values = [t.answer, t.margin, t.entry_margin, t.suggest]
        values += [r[k] for k in ("correct", "wrong", "reachable", "false_answer", "declined")]
        values.append(r["entry_top1"])
        print(f"| {name} | " + " | ".join(f"{v:.3f}" for v in values) + " |")

    # The bulk replica of `decide` must agree with it, or the grid search means nothing.
    answered, suggested = inside_table.statuses(shipped)
    for i, o in enumerate(inside):
        status = decide(o.candidates, shipped, topic_of)[0]
        assert (status == "answer") == answered[i]
        assert (status == "suggest") == suggested[i]
    row("shipped", shipped)
    best: tuple[float, Thresholds] | None = None
    for answer, margin, entry_margin, suggest in itertools.product(
        [x / 100 for x in range(10, 60)],
        [x / 100 for x in range(0, 16)],
        [0.0, 0.01, 0.02, 0.03],
        [x / 100 for x in range(6, 50)],
    ):
        if suggest > answer or entry_margin > margin:
            continue
        t = replace(
            shipped, answer=answer, margin=margin, entry_margin=entry_margin, suggest=suggest
        )
        r = measure(t)
        if (
            r["false_answer"] > MAX_FALSE_ANSWERS
            or r["wrong"] > MAX_WRONG
            or r["declined"] < MIN_DECLINED
        ):
            continue
        score = r["correct"] + 0.25 * r["reachable"]
        if best is None or score > best[0]:
            best = (score, t)
    if best is not None:
        row("best found", best[1])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
