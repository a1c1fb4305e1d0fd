"""Which countries a message names, in any language the bot reads.

Country names come from CLDR through Babel (`Locale.territories`), in every language of the
knowledge base plus English, so nobody maintains a hand-written list. Inflected forms are
caught by a prefix: a name word of five letters keeps four, a longer one loses its last two
letters but keeps at least five (Suomi → Suomessa, Islanti → Islannissa, Niemcy → Niemczech,
Германия → Германии); names of four letters or fewer must be written whole.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from babel import Locale, UnknownLocaleError

from bot.text import tokens

# CLDR codes that are not countries people live in or ask about.
_NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "ZZ", "QO", "XA", "XB", "AQ"})


@dataclass(frozen=True)
class _Name:
    country: str
    words: tuple[str, ...]


def _key(word: str) -> tuple[str, bool]:
    """The lookup key of a name word and whether longer written words may extend it."""
    if len(word) <= 4:
        return word, False
    if len(word) == 5:
        return word[:4], True
    return word[: max(5, len(word) - 2)], True


class PlaceFinder:
    """Country names of the given languages; `countries` is pure and thread-safe."""

    def __init__(self, languages: Iterable[str]) -> None:
        self._by_key: dict[str, list[tuple[_Name, int]]] = {}
        self._prefix_lengths: set[int] = set()
        seen: set[tuple[str, tuple[str, ...]]] = set()
        for lang in {"en", *languages}:
            try:
                territories = Locale.parse(lang).territories
            except (UnknownLocaleError, ValueError):
                continue
            for code, name in territories.items():
                if len(code) != 2 or not code.isalpha() or code in _NOT_COUNTRIES:
                    continue
                words = tuple(tokens(name))
                if not words or (code, words) in seen:
                    continue
                seen.add((code, words))
                key, extends = _key(words[0])
                if extends:
                    self._prefix_lengths.add(len(key))
                self._by_key.setdefault(key, []).append((_Name(code, words), 0))

    def countries(self, text: str) -> list[str]:
        """ISO 3166 codes of the countries `text` names, in order of first mention."""
        words = tokens(text)
        found: list[str] = []
        for i, word in enumerate(words):
            for name in self._names_at(word):
                if _matches(name.words, words, i) and name.country not in found:
                    found.append(name.country)
        return found

    def _names_at(self, word: str) -> list[_Name]:
        names = [n for n, _ in self._by_key.get(word, ())]
        for length in self._prefix_lengths:
            if len(word) > length:
                names.extend(n for n, _ in self._by_key.get(word[:length], ()))
        return names


def _matches(name: Sequence[str], words: Sequence[str], i: int) -> bool:
    if i + len(name) > len(words):
        return False
    for part, word in zip(name, words[i : i + len(name)], strict=True):
        key, extends = _key(part)
        if word != part and not (extends and word.startswith(key) and len(word) <= len(part) + 5):
            return False
    return True
