"""Loaders for the public benchmark datasets in ../shared/benchmarks, cut as BASELINES.md says.

Each task is a set of FAQ entries (entry id -> phrasings) and labelled queries. A query
labelled None is out of scope. Nothing here is shipped with the bot: StackFAQ has no licence.
"""

from __future__ import annotations

import json
import os
import re
import statistics
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

SHARED = Path(os.environ.get("BOT_SHARED_DIR", Path(__file__).resolve().parents[2] / "shared"))
BENCHMARKS = SHARED / "benchmarks"


@dataclass(frozen=True)
class Task:
    """One benchmark setting: phrasings per entry, validation and test queries."""

    name: str
    phrasings: dict[str, list[str]]
    val: list[tuple[str, str | None]]
    test: list[tuple[str, str | None]]


def timed(run: Callable[[str], object], questions: Sequence[str]) -> tuple[float, float]:
    """Median and p99 in milliseconds of `run` over the questions (after a warm-up)."""
    for question in questions[:20]:
        run(question)
    times = []
    for question in questions:
        start = time.perf_counter()
        run(question)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.99))]


def available() -> bool:
    return BENCHMARKS.is_dir()


def clinc150(per_intent: int | None) -> Task:
    data = json.loads((BENCHMARKS / "clinc150" / "data_full.json").read_text(encoding="utf-8"))
    phrasings: dict[str, list[str]] = {}
    for text, intent in data["train"]:
        bucket = phrasings.setdefault(intent, [])
        if per_intent is None or len(bucket) < per_intent:
            bucket.append(text)
    val = [(t, i) for t, i in data["val"]] + [(t, None) for t, _ in data["oos_val"]]
    test = [(t, i) for t, i in data["test"]] + [(t, None) for t, _ in data["oos_test"]]
    label = "all" if per_intent is None else str(per_intent)
    return Task(f"clinc150 (N={label})", phrasings, val, test)


def stackfaq(with_paraphrases: bool) -> Task:
    root = ET.parse(BENCHMARKS / "stackfaq" / "stackExchange-FAQ.xml").getroot()
    phrasings: dict[str, list[str]] = {}
    val: list[tuple[str, str | None]] = []
    test: list[tuple[str, str | None]] = []
    for index, pair in enumerate(root.iter("qapair")):
        rephr = [(r.text or "").strip() for r in pair.iter("rephr")]
        star = rephr.index("*")
        before, after = rephr[:star], rephr[star + 1 :]
        question = (pair.findtext("question") or "").strip()
        held_out = index % 5 == 4
        label = None if held_out else f"thread-{index}"
        if not held_out:
            phrasings[f"thread-{index}"] = [question] + (before if with_paraphrases else [])
        val.extend((q, label) for q in after[:2])
        test.extend((q, label) for q in after[2:])
    name = "stackfaq (N=1+5)" if with_paraphrases else "stackfaq (N=1)"
    return Task(name, phrasings, val, test)


def xsid_languages() -> list[str]:
    folder = BENCHMARKS / "xsid" / "xSID-0.7"
    return sorted({p.name.split(".")[0] for p in folder.glob("*.test.conll")})


def _conll(path: Path) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
        text = intent = None
        for line in block.splitlines():
            if line.startswith("# text = "):
                text = line[len("# text = ") :].strip()
            elif line.startswith("# intent = "):
                intent = line[len("# intent = ") :].strip()
        if text and intent:
            out.append((text, intent))
    return out


def xsid(lang: str) -> Task:
    folder = BENCHMARKS / "xsid" / "xSID-0.7"
    phrasings: dict[str, list[str]] = {}
    for text, intent in _conll(folder / f"{lang}.valid.conll"):
        phrasings.setdefault(intent, []).append(text)
    test: list[tuple[str, str | None]] = [
        (t, i) for t, i in _conll(folder / f"{lang}.test.conll") if i in phrasings
    ]
    return Task(f"xsid-{lang}", phrasings, [], test)


def auroc(positives: Sequence[float], negatives: Sequence[float]) -> float:
    """Probability that a random in-scope score beats a random out-of-scope one (ties: half)."""
    values = np.array([*positives, *negatives], dtype=np.float64)
    order = values.argsort(kind="stable")
    ranks = np.empty(len(values))
    ranks[order] = np.arange(1, len(values) + 1)
    _, inverse, counts = np.unique(values, return_inverse=True, return_counts=True)
    sums = np.bincount(inverse, weights=ranks)
    ranks = (sums / counts)[inverse]  # ties share their mean rank
    n_pos, n_neg = len(positives), len(negatives)
    return float((ranks[:n_pos].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))
