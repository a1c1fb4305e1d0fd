"""`python -m bot eval FILE`: score a file of questions as DESIGN.md describes.

A case is `{q: question, expect: topic or none, lang: code, accept: [other topics]}`.
- correct: status `answer` with an accepted topic; wrong: `answer` with another topic;
- reachable: correct, or `suggest` with an accepted topic among the suggestions;
- out of scope (`expect: none`): any `answer` is a false answer;
- reply language: for correct answers, the decision's `lang` equals the case's `lang`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import yaml

from bot.matching import Decision, Matcher


@dataclass(frozen=True)
class Case:
    question: str
    expect: str | None
    lang: str
    accept: frozenset[str] = frozenset()

    @property
    def accepted(self) -> frozenset[str]:
        return self.accept | ({self.expect} if self.expect else set())


@dataclass(frozen=True)
class Targets:
    """The gates `eval` enforces (exit status 1 when one is missed)."""

    min_correct: float = 0.0
    max_wrong: float = 1.0
    min_reachable: float = 0.0
    max_false_answer: float = 1.0
    min_language: float = 0.0


@dataclass
class Tally:
    in_scope: int = 0
    correct: int = 0
    wrong: int = 0
    reachable: int = 0
    out_of_scope: int = 0
    false_answers: int = 0
    language_right: int = 0

    def add(self, case: Case, kind: str) -> None:
        """Count one case, classified by `classify`."""
        if case.expect is None:
            self.out_of_scope += 1
            self.false_answers += kind == "false answer"
            return
        self.in_scope += 1
        self.correct += kind in ("correct", "wrong language")
        self.language_right += kind == "correct"
        self.wrong += kind == "WRONG answer"
        self.reachable += kind in ("correct", "wrong language", "suggested (reachable)")

    def rates(self) -> dict[str, float | None]:
        def share(part: int, whole: int) -> float | None:
            return part / whole if whole else None

        return {
            "correct": share(self.correct, self.in_scope),
            "wrong": share(self.wrong, self.in_scope),
            "reachable": share(self.reachable, self.in_scope),
            "false_answer": share(self.false_answers, self.out_of_scope),
            "language": share(self.language_right, self.correct),
        }


@dataclass
class EvalReport:
    """The tallies of one evaluation, overall and per language, and every failure."""

    overall: Tally = field(default_factory=Tally)
    by_lang: dict[str, Tally] = field(default_factory=dict)
    failures: list[tuple[Case, Decision, str]] = field(default_factory=list)


def load_cases(path: Path) -> list[Case]:
    data: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    items = data.get("cases", []) if isinstance(data, dict) else data
    cases = []
    for item in items or []:
        expect = item.get("expect")
        cases.append(
            Case(
                question=str(item["q"]),
                expect=None if expect in (None, "none") else str(expect),
                lang=str(item.get("lang", "en")),
                accept=frozenset(str(a) for a in item.get("accept", []) or []),
            )
        )
    return cases


def evaluate(matcher: Matcher, cases: Iterable[Case], user_lang: str | None = None) -> EvalReport:
    report = EvalReport()
    for case in cases:
        decision = matcher.match(case.question, user_lang=user_lang)
        kind = classify(case, decision)
        report.overall.add(case, kind)
        report.by_lang.setdefault(case.lang, Tally()).add(case, kind)
        if kind not in ("correct", "declined"):
            report.failures.append((case, decision, kind))
    return report


def classify(case: Case, decision: Decision) -> str:
    """What happened to one case, in the terms of DESIGN.md."""
    answered = decision.status == "answer"
    if case.expect is None:
        return "false answer" if answered and decision.topic not in case.accepted else "declined"
    if answered and decision.topic in case.accepted:
        return "correct" if decision.lang == case.lang else "wrong language"
    if answered:
        return "WRONG answer"
    if decision.status == "suggest":
        if any(s.topic in case.accepted for s in decision.suggestions):
            return "suggested (reachable)"
        return "suggested, none right"
    return "no answer"


def _fmt(value: float | None) -> str:
    return "   -  " if value is None else f"{value * 100:5.1f}%"


def print_report(report: EvalReport, out: TextIO) -> None:
    header = (
        f"{'':8} {'cases':>5} {'correct':>7} {'wrong':>6} {'reach':>6} "
        f"{'oos':>4} {'false':>6} {'lang':>6}"
    )
    out.write(header + "\n")
    rows = [("overall", report.overall), *sorted(report.by_lang.items())]
    for name, tally in rows:
        r = tally.rates()
        out.write(
            f"{name:8} {tally.in_scope + tally.out_of_scope:5d} {_fmt(r['correct']):>7} "
            f"{_fmt(r['wrong']):>6} {_fmt(r['reachable']):>6} {tally.out_of_scope:4d} "
            f"{_fmt(r['false_answer']):>6} {_fmt(r['language']):>6}\n"
        )
    if report.failures:
        out.write(f"\n{len(report.failures)} case(s) not answered as expected:\n")
    for case, decision, problem in report.failures:
        got = decision.topic if decision.status == "answer" else decision.status
        if decision.status == "suggest":
            got = "suggest " + ",".join(s.topic for s in decision.suggestions)
        out.write(
            f"- [{case.lang}] {case.question!r}: expected {case.expect or 'none'}, got {got} "
            f"(score {decision.display_score}, lang {decision.lang}) — {problem}\n"
        )


def run_eval(
    matcher: Matcher,
    path: Path,
    out: TextIO,
    targets: Targets,
    user_lang: str | None = None,
) -> int:
    report = evaluate(matcher, load_cases(path), user_lang=user_lang)
    print_report(report, out)
    r = report.overall.rates()
    checks = [
        ("correct", r["correct"], targets.min_correct, True),
        ("wrong", r["wrong"], targets.max_wrong, False),
        ("reachable", r["reachable"], targets.min_reachable, True),
        ("false answers", r["false_answer"], targets.max_false_answer, False),
        ("reply language", r["language"], targets.min_language, True),
    ]
    failed = [
        f"{name} {value * 100:.1f}% {'<' if at_least else '>'} {limit * 100:.1f}%"
        for name, value, limit, at_least in checks
        if value is not None and (value < limit if at_least else value > limit)
    ]
    if failed:
        out.write("\nBELOW THRESHOLD: " + "; ".join(failed) + "\n")
        return 1
    return 0
