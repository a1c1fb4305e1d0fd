"""The matcher's crude stemmer. Folding text into words is in `bot.text`."""

from __future__ import annotations

from bot.matching.params import STEM_LENGTH

# Arabic attaches "and", "the", "for the", "with the" to the word: strip them so the stem
# "هجره" is shared by الهجرة, للهجرة and والهجرة. Longest first.
_AR_PREFIXES = ("وال", "بال", "كال", "فال", "لل", "ال", "و")
_AR_SUFFIXES = ("ها", "ان", "ات", "ون", "ين", "يه", "ه", "ي")


def stem(token: str) -> str:
    """A crude, language-independent stem: enough to join the common forms of a word.

    Arabic loses its attached article and conjunctions and a few endings; other words are cut
    to their first `STEM_LENGTH` (6) letters, which joins inflected forms such as Islanti /
    Islantiin / Islannissa or Исландия / Исландии (a truncation that works well in retrieval for
    inflected languages such as Finnish, Polish and Russian).
    """
    if token.isdigit():
        return token
    if _is_arabic(token):
        for prefix in _AR_PREFIXES:
            if token.startswith(prefix) and len(token) - len(prefix) >= 3:
                token = token[len(prefix) :]
                break
        for suffix in _AR_SUFFIXES:
            if token.endswith(suffix) and len(token) - len(suffix) >= 3:
                token = token[: -len(suffix)]
                break
        return token
    return token[:STEM_LENGTH]


def _is_arabic(token: str) -> bool:
    return "\u0600" <= token[0] <= "\u06ff"
