"""`python -m bot eval FILE`: score a file of questions as DESIGN.md describes.

A case is `{q, expect, lang, accept, kind, user_lang}`; `expect` is a topic, `none`, `crisis`,
`smalltalk` or `language`; `user_lang` plays the user's Telegram language for that case.
Ordinary cases (a topic or `none`):
- correct: status `answer` with an accepted topic; wrong: `answer` with another topic;
- reachable: correct, or `suggest` with an accepted topic among the suggestions;
- out of scope (`expect: none`): any `answer` is a false answer;
- reply language: for correct answers, the decision's `lang` equals the case's `lang`.
The conversation around the FAQ:
- crisis recall: share of `crisis` cases with status `crisis` (the kind is reported apart);
- false alarms: share of the other cases with status `crisis`, unless `accept` lists it;
- small talk: share of `smalltalk` cases with status `smalltalk`;
- unsupported language: share of `language` cases with status `language` and `lang` right.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import yaml

from bot.matching import Decision, Matcher
from bot.tools.targets import Targets

SPECIAL = ("crisis", "smalltalk", "language")


@dataclass(frozen=True)
class Case:
    question: str
    expect: str | None
    lang: str
    accept: frozenset[str] = frozenset()
    kind: str | None = None
    user_lang: str | None = None

    @property
    def accepted(self) -> frozenset[str]:
        return self.accept | ({self.expect} if self.expect else set())


@dataclass
class Tally:
    in_scope: int = 0
    correct: int = 0
    wrong: int = 0
    reachable: int = 0
    out_of_scope: int = 0
    false_answers: int = 0
    language_right: int = 0
    crisis: int = 0
    crisis_found: int = 0
    crisis_kind_right: int = 0
    not_crisis: int = 0
    false_alarms: int = 0
    smalltalk: int = 0
    smalltalk_found: int = 0
    unsupported: int = 0
    unsupported_found: int = 0

    def add(self, case: Case, kind: str) -> None:
        """Count one case, classified by `classify`."""
        if case.expect == "crisis":
            self.crisis += 1
            self.crisis_found += kind in ("crisis", "crisis, other kind")
            self.crisis_kind_right += kind == "crisis"
            return
        self.not_crisis += 1
        self.false_alarms += kind == "FALSE ALARM"
        if case.expect == "smalltalk":
            self.smalltalk += 1
            self.smalltalk_found += kind in ("small talk", "accepted")
        elif case.expect == "language":
            self.unsupported += 1
            self.unsupported_found += kind == "language named"
        elif case.expect is None:
            self.out_of_scope += 1
            self.false_answers += kind == "false answer"
        else:
            self.in_scope += 1
            self.correct += kind in ("correct", "wrong language", "accepted")
            self.language_right += kind in ("correct", "accepted")
            self.wrong += kind == "WRONG answer"
            self.reachable += kind in (
                "correct",
                "wrong language",
                "accepted",
                "suggested (reachable)",
            )

    def rates(self) -> dict[str, float | None]:
        def share(part: int, whole: int) -> float | None:
            return part / whole if whole else None

        return {
            "correct": share(self.correct, self.in_scope),
            "wrong": share(self.wrong, self.in_scope),
            "reachable": share(self.reachable, self.in_scope),
            "false_answer": share(self.false_answers, self.out_of_scope),
            "language": share(self.language_right, self.correct),
            "crisis": share(self.crisis_found, self.crisis),
            "crisis_kind": share(self.crisis_kind_right, self.crisis_found),
            "false_alarm": share(self.false_alarms, self.not_crisis),
            "smalltalk": share(self.smalltalk_found, self.smalltalk),
            "unsupported": share(self.unsupported_found, self.unsupported),
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
                kind=str(item["kind"]) if item.get("kind") else None,
                user_lang=str(item["user_lang"]) if item.get("user_lang") else None,
            )
        )
    return cases


def evaluate(matcher: Matcher, cases: Iterable[Case], user_lang: str | None = None) -> EvalReport:
    report = EvalReport()
    for case in cases:
        decision = matcher.match(case.question, user_lang=case.user_lang or user_lang)
        kind = classify(case, decision)
        report.overall.add(case, kind)
        report.by_lang.setdefault(case.lang, Tally()).add(case, kind)
        if kind not in (
            "correct",
            "accepted",
            "declined",
            "small talk",
            "language named",
            "crisis",
        ):
            report.failures.append((case, decision, kind))
    return report


def classify(case: Case, decision: Decision) -> str:
    """What happened to one case, in the terms of DESIGN.md."""
    status = decision.status
    if case.expect == "crisis":
        if status != "crisis":
            return "MISSED CRISIS"
        return "crisis" if case.kind in (None, decision.kind) else "crisis, other kind"
    if status == "crisis" and "crisis" not in case.accept:
        return "FALSE ALARM"
    if case.expect == "smalltalk":
        if status == "smalltalk":
            return "small talk"
        return "accepted" if status in case.accept else "small talk missed"
    if case.expect == "language":
        if status != "language":
            return "language missed"
        return "language named" if decision.lang == case.lang else "language misnamed"
    if status in SPECIAL and status in case.accepted:
        return "accepted" if case.expect is not None else "declined"
    answered = status == "answer"
    if case.expect is None:
        return "false answer" if answered and decision.topic not in case.accepted else "declined"
    if answered and decision.topic in case.accepted:
        return "correct" if decision.lang == case.lang else "wrong language"
    if answered:
        return "WRONG answer"
    if status == "suggest":
        if any(s.topic in case.accepted for s in decision.suggestions):
            return "suggested (reachable)"
        return "suggested, none right"
    if status == "none" and "none" in case.accept:
        return "accepted"
    return "no answer"


def _fmt(value: float | None) -> str:
    return "   -  " if value is None else f"{value * 100:5.1f}%"


_COLUMNS = (
    ("correct", "correct"),
    ("wrong", "wrong"),
    ("reach", "reachable"),
    ("false", "false_answer"),
    ("lang", "language"),
    ("crisis", "crisis"),
    ("alarm", "false_alarm"),
    ("small", "smalltalk"),
    ("unsup", "unsupported"),
)


def print_report(report: EvalReport, out: TextIO) -> None:
    header = f"{'':8} {'cases':>5} {'oos':>4} " + " ".join(f"{name:>7}" for name, _ in _COLUMNS)
    out.write(header + "\n")
    rows = [("overall", report.overall), *sorted(report.by_lang.items())]
    for name, tally in rows:
        r = tally.rates()
        cases = tally.in_scope + tally.out_of_scope + tally.crisis
        cases += tally.smalltalk + tally.unsupported
        values = " ".join(f"{_fmt(r[key]):>7}" for _, key in _COLUMNS)
        out.write(f"{name:8} {cases:5d} {tally.out_of_scope:4d} {values}\n")
    kind = report.overall.rates()["crisis_kind"]
    if kind is not None:
        out.write(f"\ncrisis kind right (of crises found): {_fmt(kind).strip()}\n")
    if report.failures:
        out.write(f"\n{len(report.failures)} case(s) not answered as expected:\n")
    for case, decision, problem in report.failures:
        got = decision.topic if decision.status == "answer" else decision.status
        if decision.status == "suggest":
            got = "suggest " + ",".join(s.topic for s in decision.suggestions)
        if decision.status == "crisis":
            got = f"crisis {decision.kind}"
        expected = case.expect or "none"
        if case.kind:
            expected += f" {case.kind}"
        out.write(
            f"- [{case.lang}] {case.question!r}: expected {expected}, got {got} "
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
        ("crisis recall", r["crisis"], targets.min_crisis, True),
        ("false alarms", r["false_alarm"], targets.max_false_alarm, False),
        ("small talk", r["smalltalk"], targets.min_smalltalk, True),
        ("unsupported language", r["unsupported"], targets.min_unsupported, True),
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
