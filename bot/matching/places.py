"""Which countries a message names, in any language the bot reads, by country or city.

Country names come from CLDR through Babel (`Locale.territories`), in every language of the
knowledge base plus English, so nobody maintains a hand-written list. Cities are CLDR's
time-zone cities (Helsinki, Stockholm, Reykjavík, Berlin..., about 450, each with its country),
in the same languages. A city name shorter than five letters, or among the 200 most frequent
words of any of those languages (wordfreq), is left out, so that ordinary words do not become
places, except in the countries the knowledge base is about; the zones of remote islands
and stations are left out too. Rare collisions remain (a Persian "Monday" is also Dushanbe).
Smaller towns (Malmö, Tampere, Akureyri) are not known. Inflected forms are
caught by a prefix: a name word of five letters keeps four, a longer one loses its last two
letters but keeps at least five (Suomi → Suomessa, Islanti → Islannissa, Niemcy → Niemczech,
Германия → Германии); names of four letters or fewer must be written whole.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from babel import Locale, UnknownLocaleError
from babel.core import get_global

from bot.matching.lexicon import common_words, common_words_of
from bot.text import tokens

CITY_MIN_LETTERS = 5
# Country names this short must not be among the most frequent words of our languages.
SHORT_NAME = 5
SHORT_NAME_NOT_A_WORD = 2000
# Time zones of remote islands and stations ("Christmas", "Wake"): not where people ask from.
_REMOTE_ZONES = ("Antarctica/", "Arctic/", "Indian/", "Pacific/")
CITY_NOT_A_WORD = 200
# CLDR codes that are not countries people live in or ask about.
_NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "ZZ", "QO", "XA", "XB", "AQ"})


@dataclass(frozen=True, slots=True)
class _Name:
    country: str
    words: tuple[str, ...]
    # Whether inflected forms count (see `_key`).
    loose: bool
    inflected: bool


def _key(word: str, loose: bool) -> tuple[str, bool]:
    """The lookup key of a name word and whether longer written words may extend it.

    A name of six letters or more loses two but keeps five (Германии, Niemczech); one of five
    is kept whole with an ending after it (Saksa → Saksassa; Malta is not "maltrata"), or,
    for the countries the knowledge base is about (`loose`), keeps four (Suomi → Suomessa).
    Cities are inflected only in those countries (Helsingissä); elsewhere they are written
    whole (Minsk is not "míns").
    """
    if len(word) <= 4:
        return word, False
    if len(word) == 5:
        return (word[:4], True) if loose else (word, True)
    return word[: max(5, len(word) - 2)], True


class PlaceFinder:
    """Country names of the given languages; `countries` is pure and thread-safe."""

    def __init__(self, languages: Iterable[str], always: Iterable[str] = ()) -> None:
        """`always`: countries whose cities are kept even when their name is a common word
        (the countries the knowledge base has answers about: Reykjavík must count)."""
        keep = frozenset(always)
        self._by_key: dict[str, list[tuple[_Name, int]]] = {}
        self._prefix_lengths: set[int] = set()
        self._seen: set[tuple[str, tuple[str, ...]]] = set()
        langs = sorted({"en", *languages})
        common = common_words(tuple(langs), CITY_NOT_A_WORD)
        zones: Mapping[str, str] = get_global("zone_territories")
        for lang in langs:
            try:
                locale = Locale.parse(lang)
            except (UnknownLocaleError, ValueError):
                continue
            for code, name in locale.territories.items():
                if len(code) != 2 or not code.isalpha() or code in _NOT_COUNTRIES:
                    continue
                if code not in keep and self._collides(code, name, langs):
                    continue
                self._add(code, name, code in keep, inflected=True)
            for zone, country in zones.items():
                if country in _NOT_COUNTRIES or zone.startswith(_REMOTE_ZONES) or "/" not in zone:
                    continue
                city = locale.time_zones.get(zone, {}).get("city")
                city = city or zone.rsplit("/", 1)[1].replace("_", " ")
                folded = " ".join(tokens(city))
                if len(folded) >= CITY_MIN_LETTERS and (country in keep or folded not in common):
                    self._add(country, city, country in keep, inflected=country in keep)
        del self._seen

    @staticmethod
    def _collides(code: str, name: str, langs: Iterable[str]) -> bool:
        """Whether a short country name is a common word of a language that calls the country
        otherwise: Icelandic "Mön" (the Isle of Man) is French "mon" (my); "Peru" is Peru."""
        folded = " ".join(tokens(name))
        if len(folded) > SHORT_NAME:
            return False
        for lang in langs:
            if folded in common_words_of(lang, SHORT_NAME_NOT_A_WORD):
                own = Locale.parse(lang).territories.get(code, "")
                if " ".join(tokens(own)) != folded:
                    return True
        return False

    def _add(self, country: str, name: str, loose: bool, inflected: bool) -> None:
        words = tuple(tokens(name))
        if not words or (country, words) in self._seen:
            return
        self._seen.add((country, words))
        key, extends = _key(words[0], loose) if inflected else (words[0], False)
        if extends:
            self._prefix_lengths.add(len(key))
        self._by_key.setdefault(key, []).append((_Name(country, words, loose, inflected), 0))

    def countries(self, text: str) -> list[str]:
        """ISO 3166 codes of the countries `text` names, in order of first mention."""
        return list(dict.fromkeys(code for code, _ in self.mentions(text)))

    def mentions(self, text: str) -> list[tuple[str, tuple[str, ...]]]:
        """Each place named in `text`: its country and the words naming it, in order."""
        # Arabic writes "to", "in", "and" onto the word: لفنلندا is ل + فنلندا.
        words = [_without_particle(w) for w in tokens(text)]
        found: list[tuple[str, tuple[str, ...]]] = []
        for i, word in enumerate(words):
            for name in self._names_at(word):
                if _matches(name, words, i):
                    found.append((name.country, tuple(words[i : i + len(name.words)])))
        return found

    def _names_at(self, word: str) -> list[_Name]:
        names = [n for n, _ in self._by_key.get(word, ())]
        for length in self._prefix_lengths:
            if len(word) > length:
                names.extend(n for n, _ in self._by_key.get(word[:length], ()))
        return names


def _without_particle(word: str) -> str:
    if len(word) >= 5 and word[0] in "لبوف" and "\u0600" <= word[1] <= "\u06ff" and word[1] != "ل":
        return word[1:]
    return word


def _matches(name: _Name, words: Sequence[str], i: int) -> bool:
    if i + len(name.words) > len(words):
        return False
    for part, word in zip(name.words, words[i : i + len(name.words)], strict=True):
        if word == part:
            continue
        key, extends = _key(part, name.loose) if name.inflected else (part, False)
        if not (extends and word.startswith(key) and len(word) <= len(part) + 5):
            return False
    return True
