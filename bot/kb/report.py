"""Problems found while loading the knowledge folder, and the one way they are shown.

Each problem reads `path:line: what — how`. `Report.render` is used wherever problems reach a
person: `python -m bot validate`, the commands that load the knowledge, the log of a live
reload and the admin's `/reload` reply.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from bot.languages import LANGUAGES

Severity = Literal["error", "warning"]

# Plural labels of the unchecked-translation summary, in the order it lists them.
_PLURALS: dict[str, str] = {
    "entry": "entries",
    "topic": "topics",
    "article": "articles",
    "locale": "locales",
}


@dataclass(frozen=True)
class Unchecked:
    """What an unchecked-translation warning is about, so it can be counted per language."""

    kind: str  # "article", "topic", "entry" or "locale"
    languages: tuple[str, ...]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one place in one file."""

    path: Path
    line: int
    message: str
    hint: str
    severity: Severity = "error"
    unchecked: Unchecked | None = None

    def format(self) -> str:
        shown = _display_path(self.path)
        level = "warning: " if self.severity == "warning" else ""
        return f"{shown}:{self.line}: {level}{self.message} — {self.hint}"


@dataclass
class Report:
    """Every problem of one load, in the order they were found."""

    problems: list[Problem] = field(default_factory=list)

    def error(self, path: Path, line: int, message: str, hint: str) -> None:
        self.problems.append(Problem(path, line, message, hint, "error"))

    def warning(
        self, path: Path, line: int, message: str, hint: str, unchecked: Unchecked | None = None
    ) -> None:
        self.problems.append(Problem(path, line, message, hint, "warning", unchecked))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def sorted(self) -> list[Problem]:
        """Errors first, then by file and line, so the output reads like a compiler's."""
        return sorted(
            self.problems, key=lambda p: (p.severity != "error", str(p.path), p.line, p.message)
        )

    def render(
        self, *, errors_only: bool = False, verbose: bool = False, limit: int | None = None
    ) -> list[str]:
        """The problems as lines to show a person, errors first.

        Unchecked translations are one line per language unless `verbose`: they are expected
        while translations wait for a check, and listing each would hide the warnings that
        need action. With `limit`, at most that many problems and a line saying how many more.
        """
        shown = [p for p in self.sorted() if p.severity == "error" or not errors_only]
        summary: list[str] = []
        if not verbose:
            summary = _unchecked_summary(shown)
            shown = [p for p in shown if p.unchecked is None]
        lines = [p.format() for p in shown] + summary
        if limit is not None and len(lines) > limit:
            hidden = len(lines) - limit
            lines = [*lines[:limit], f"… and {hidden} more: run `python -m bot validate`"]
        return lines


def _unchecked_summary(problems: list[Problem]) -> list[str]:
    counts: dict[str, Counter[str]] = {}
    for problem in problems:
        if problem.unchecked is not None:
            for lang in problem.unchecked.languages:
                counts.setdefault(lang, Counter())[problem.unchecked.kind] += 1
    lines = []
    for lang in sorted(counts, key=_language_order):
        kinds = counts[lang]
        what = ", ".join(
            f"{kinds[kind]} {plural if kinds[kind] > 1 else kind}"
            for kind, plural in _PLURALS.items()
            if kinds[kind]
        )
        locale = f" and set unchecked: false in locales/{lang}.yaml" if kinds["locale"] else ""
        lines.append(
            f"warning: {lang}: unchecked translations in {what} — once a person has checked "
            f"them, remove '{lang}' from the 'unchecked' lists{locale} (--verbose lists each)"
        )
    return lines


def _language_order(lang: str) -> int:
    return LANGUAGES.index(lang) if lang in LANGUAGES else len(LANGUAGES)


def _display_path(path: Path) -> str:
    # Relative paths are clickable in editors and terminals; fall back to absolute ones.
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)
