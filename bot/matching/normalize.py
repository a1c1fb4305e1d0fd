"""Text normalization shared by the index and the queries.

Both sides go through the same steps, so a question typed without diacritics, in capitals,
with emoji or Arabic tatweel meets the phrasing it means:
- Unicode NFKC, case folding;
- Arabic: harakat, tatweel and Quranic marks removed; alef, yeh, teh marbuta and hamza
  carriers unified (أ إ آ ٱ → ا, ى → ي, ة → ه, ؤ → و, ئ → ي);
- Latin and Cyrillic diacritics removed (á → a, ł → l, þ → th, ё → е, ї → і, й → и);
- apostrophes dropped so "Iceland's" and "зв'язок" stay one word.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from bot.matching.params import STEM_LENGTH

_ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_ARABIC_LETTERS = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ى": "ي",
        "ة": "ه",
        "ؤ": "و",
        "ئ": "ي",
        "ک": "ك",
        "ی": "ي",
        # Eastern Arabic digits read as the digits everybody types.
        "٠": "0",
        "١": "1",
        "٢": "2",
        "٣": "3",
        "٤": "4",
        "٥": "5",
        "٦": "6",
        "٧": "7",
        "٨": "8",
        "٩": "9",
    }
)
# Letters that NFKD does not split into a base letter and a mark.
_LATIN_LETTERS = str.maketrans(
    {
        "ß": "ss",
        "ø": "o",
        "æ": "ae",
        "œ": "oe",
        "þ": "th",
        "ð": "d",
        "ł": "l",
        "đ": "d",
        "ı": "i",
    }
)
_APOSTROPHES = re.compile("['’ʼ`´]")
_TOKEN = re.compile(r"\w+")


@lru_cache(maxsize=4096)
def fold(text: str) -> str:
    """Lower-case, mark-free form of `text` used for every comparison."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = _ARABIC_MARKS.sub("", text).translate(_ARABIC_LETTERS)
    text = text.translate(_LATIN_LETTERS)
    decomposed = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    text = _APOSTROPHES.sub("", text)
    return unicodedata.normalize("NFC", text)


def _words(text: str) -> list[str]:
    """Words of `text` with marks and apostrophes removed but their case kept."""
    text = unicodedata.normalize("NFKC", text)
    text = _APOSTROPHES.sub("", _ARABIC_MARKS.sub("", text))
    return [w for w in _TOKEN.findall(text) if w.strip("_")]


def tokens(text: str) -> list[str]:
    """Folded words of `text` (letters and digits; punctuation and emoji separate words)."""
    return [fold(w) for w in _words(text)]


def tokens_with_case(text: str) -> list[tuple[str, bool]]:
    """Folded words, each with whether it was written in capitals (an acronym such as UN)."""
    return [(fold(w), len(w) > 1 and w.isupper()) for w in _words(text)]


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
