"""Folding text into the words the matcher compares, shared by the matcher and the validator.

Both sides go through the same steps, so a question typed without diacritics, in capitals,
with emoji or Arabic tatweel meets the phrasing it means:
- Unicode NFKC, case folding;
- Arabic: harakat, tatweel and Quranic marks removed; alef, yeh, teh marbuta and hamza
  carriers unified (أ إ آ ٱ → ا, ى → ي, ة → ه, ؤ → و, ئ → ي);
- Latin and Cyrillic diacritics removed (á → a, ł → l, þ → th, ё → е, ї → і, й → и);
- apostrophes dropped so "Iceland's" and "зв'язок" stay one word.

It imports nothing from the bot, so the knowledge validator (`bot.kb`) can judge two questions
the same way the matcher (`bot.matching`) will.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

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
# French and Italian elide a short word onto the next ("l'OIM", "qu'est-ce", "d'asile"): those
# apostrophes separate words; the others join them ("Iceland's", "зв'язок").
_ELISION = re.compile("\\b([cdjlmnstCDJLMNST]|[Qq]u)['’ʼ]")
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
    text = _ELISION.sub(r"\1 ", unicodedata.normalize("NFKC", text))
    text = _APOSTROPHES.sub("", _ARABIC_MARKS.sub("", text))
    return [w for w in _TOKEN.findall(text) if w.strip("_")]


def tokens(text: str) -> list[str]:
    """Folded words of `text` (letters and digits; punctuation and emoji separate words)."""
    return [fold(w) for w in _words(text)]


def tokens_with_case(text: str) -> list[tuple[str, bool]]:
    """Folded words, each with whether it was written in capitals (an acronym such as UN)."""
    return [(fold(w), len(w) > 1 and w.isupper()) for w in _words(text)]


def question_key(text: str) -> str:
    """The words of `text` as the matcher sees them, joined by spaces.

    Two questions with the same key are the same question to the matcher ("Ísland?" and
    "island"); a text with no letters or digits has the empty key.
    """
    return " ".join(tokens(text))


# What can point to a person in a question, replaced by a neutral word. Order matters: an
# e-mail address holds an @name, a phone number holds a digit run.
_SCRUBS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE), "[link]"),
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "[e-mail]"),
    (re.compile(r"(?<!\w)@\w{3,}"), "[@name]"),
    # Phone numbers: an optional +, then digits with spaces, dots, dashes or brackets, with
    # at least seven digits in all.
    (re.compile(r"\+?\(?\d(?:[\s().-]*\d){6,}"), "[phone]"),
    # Any other run of five digits or more (ids, case and document numbers); years stay.
    (re.compile(r"\d{5,}"), "[number]"),
)
MAX_SENT_CHARS = 500


def scrub(text: str) -> str:
    """The question without links, e-mail addresses, @names, phone numbers or long numbers,
    each replaced by a neutral word ("[phone]"), as a question sent to the team is kept."""
    for pattern, word in _SCRUBS:
        text = pattern.sub(word, text)
    return " ".join(text.split())[:MAX_SENT_CHARS]


def strip_personal(text: str) -> str:
    """The same details removed outright: what the matcher reads. A phone number says nothing
    about what is asked, and its digits once made a question look like Yoruba."""
    for pattern, _ in _SCRUBS:
        text = pattern.sub(" ", text)
    return " ".join(text.split())
