"""Problems found while loading the knowledge folder, printed as `path:line: what — how`."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one place in one file."""

    path: Path
    line: int
    message: str
    hint: str
    severity: Severity = "error"

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

    def warning(self, path: Path, line: int, message: str, hint: str) -> None:
        self.problems.append(Problem(path, line, message, hint, "warning"))

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


def _display_path(path: Path) -> str:
    # Relative paths are clickable in editors and terminals; fall back to absolute ones.
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)
