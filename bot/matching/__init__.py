"""Matching: from a question to a decision (answer, suggest, none). Pure code, no I/O.

Start reading at `matcher`; every weight and threshold is in `params`.
"""

from bot.matching.decide import Suggestion
from bot.matching.matcher import Decision, Matcher
from bot.matching.params import Thresholds, Weights

__all__ = ["Decision", "Matcher", "Suggestion", "Thresholds", "Weights"]
