"""The gates `eval` enforces, in a module of its own: the command line builds its options from
them without importing the matcher."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Targets:
    """The gates `eval` enforces (exit status 1 when one is missed)."""

    min_correct: float = 0.0
    max_wrong: float = 1.0
    min_reachable: float = 0.0
    max_false_answer: float = 1.0
    min_language: float = 0.0
    min_crisis: float = 0.0
    max_false_alarm: float = 1.0
    min_smalltalk: float = 0.0
    min_unsupported: float = 0.0
