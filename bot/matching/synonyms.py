"""Synonym groups: terms that mean the same thing share one concept token.

"IOM", "OIM", "МОМ" and "المنظمة الدولية للهجرة" all add the token `§iom`, on the
phrasings and on the question alike, so a question written with one name finds a phrasing
written with another. A term word of six letters or more also matches other forms of the word
with the same stem (Исландия / Исландии, Islanti / Islantiin). Case-sensitive terms (UN)
match only words written in capitals, so the Spanish article "un" stays a word.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from bot.matching.normalize import stem
from bot.matching.params import STEM_LENGTH
from bot.text import tokens

CONCEPT_MARK = "§"


class SynonymGroup(Protocol):
    """A group as the matcher reads it: `bot.kb`'s model, or any object with these fields."""

    @property
    def id(self) -> str: ...

    @property
    def terms(self) -> Sequence[str]: ...

    @property
    def case_sensitive(self) -> Sequence[str]: ...

    @property
    def name(self) -> bool: ...


@dataclass(frozen=True)
class _Term:
    words: tuple[str, ...]
    concept: str
    capitals_only: bool
    # A proper name of several words stands for the name only: its words do not count on
    # their own ("International" in the IOM's name is not a question about anything).
    whole_name: bool = False


class SynonymMap:
    """Replaces every synonym term in a word list with its group's concept token."""

    def __init__(self, groups: Iterable[SynonymGroup]) -> None:
        self._by_first: dict[str, list[_Term]] = {}
        self.words: set[str] = set()
        for group in groups:
            concept = CONCEPT_MARK + group.id
            for term, capitals in [(t, False) for t in group.terms] + [
                (t, True) for t in group.case_sensitive
            ]:
                words = tuple(tokens(term))
                if not words:
                    continue
                self.words.update(words)
                entry = _Term(words, concept, capitals, whole_name=group.name and len(words) > 1)
                for key in {words[0], _key(words[0])}:
                    self._by_first.setdefault(key, []).append(entry)
        for candidates in self._by_first.values():
            candidates.sort(key=lambda t: -len(t.words))

    def apply(self, words: Sequence[str], capitals: Sequence[bool] | None = None) -> list[str]:
        """`words` with the concept of the longest synonym term at each position added after
        the term's own words.

        The words stay so that a question using only part of a term ("diversity") still meets
        a phrasing that uses all of it ("cultural diversity"). `capitals[i]` says whether word
        i was written in capitals; without it no case-sensitive term matches.
        """
        upper = capitals if capitals is not None else [False] * len(words)
        out: list[str] = []
        i = 0
        while i < len(words):
            term = self._match_at(words, upper, i)
            if term is None:
                out.append(words[i])
                i += 1
            else:
                if not term.whole_name:
                    out.extend(words[i : i + len(term.words)])
                out.append(term.concept)
                i += len(term.words)
        return out

    def _match_at(self, words: Sequence[str], upper: Sequence[bool], i: int) -> _Term | None:
        candidates = self._by_first.get(words[i], []) + self._by_first.get(_key(words[i]), [])
        for term in sorted(candidates, key=lambda t: -len(t.words)):
            n = len(term.words)
            if i + n > len(words):
                continue
            if term.capitals_only and not all(upper[i + k] for k in range(n)):
                continue
            if all(_same_word(term.words[k], words[i + k]) for k in range(n)):
                return term
        return None


def _key(word: str) -> str:
    return "~" + stem(word) if len(word) >= STEM_LENGTH else word


def _same_word(term_word: str, word: str) -> bool:
    if term_word == word:
        return True
    return (
        len(term_word) >= STEM_LENGTH and len(word) >= STEM_LENGTH and stem(term_word) == stem(word)
    )


def is_concept(token: str) -> bool:
    return token.startswith(CONCEPT_MARK)
