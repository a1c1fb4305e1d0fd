"""Matching: from a question to a decision (answer, suggest, none). Pure code, no I/O."""

from bot.matching.matcher import Decision, Matcher, Suggestion, Thresholds

__all__ = ["Decision", "Matcher", "Suggestion", "Thresholds"]
