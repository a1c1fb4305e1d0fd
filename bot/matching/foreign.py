"""Is a message in a language the bot does not read, and which one?

Choosing among the bot's own languages is `langid`'s job (trained on the knowledge base). This
module answers the question before it: "is it one of ours at all?", so that a Somali message is
not answered in Finnish. In order:
1. too few letters or words to tell ("ok", "112", a name, "help me please"): not foreign, the
   user's language stays (a writing system none of ours uses tells at once);
2. a writing system none of ours uses names the language: Ethiopic (Tigrinya when it has
   letters only Tigrinya writes, else Amharic), Devanagari, Bengali, Han, Hangul, Thai...;
3. Arabic script with letters Arabic and Persian never write: Sorani Kurdish (ڕ ڵ ۆ ێ ە),
   Pashto (ټ ډ ړ ږ ښ ګ ڼ), Urdu (ٹ ڈ ڑ ں ے);
4. otherwise Google's CLD2 (`pycld2`; its tables are compiled into the wheel, about 2 MB
   resident) decides: the language it is sure of, any of the ~165 it knows; when it is not
   sure, its best guess among ours and the languages migrants to the Nordic countries most
   often write. A text it gives to another language is still ours when most of its words are
   words of the knowledge base (CLD2 takes about one phrasing in sixty-five of our own for another
   language, mostly Spanish for Galician, Portuguese or Indonesian, Russian for Serbian).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable

import pycld2

from bot.matching.params import FOREIGN_MIN_LETTERS, FOREIGN_MIN_WORDS, FOREIGN_OURS_SHARE
from bot.text import tokens

# Languages CLD2's best guess may name besides ours when it is not sure: the ones people seeking
# protection or work in the Nordic countries write most, and the Nordic ones. Not every language
# it knows: the fewer it weighs, the fewer questions of ours it takes for another.
_OTHERS = [
    "so",
    "sw",
    "yo",
    "tl",
    "tr",
    "de",
    "nl",
    "da",
    "sv",
    "nb",
    "pt",
    "it",
    "ro",
    "sq",
    "hr",
    "vi",
    "hi",
    "ur",
    "ps",
]
# CLD2's codes that are not today's ISO 639-1 ones; "xx-..." are scripts, not languages.
_ISO = {"iw": "he", "jw": "jv", "no": "nb", "zh-Hant": "zh"}

# Writing systems none of the bot's languages uses, with the language they mostly mean.
_SCRIPTS = [
    ("\u1200", "\u139f", "am"),  # Ethiopic (Tigrinya: see _TIGRINYA)
    ("\u0900", "\u097f", "hi"),  # Devanagari
    ("\u0980", "\u09ff", "bn"),  # Bengali
    ("\u0a00", "\u0a7f", "pa"),  # Gurmukhi
    ("\u0a80", "\u0aff", "gu"),  # Gujarati
    ("\u0b80", "\u0bff", "ta"),  # Tamil
    ("\u0c00", "\u0c7f", "te"),  # Telugu
    ("\u0d80", "\u0dff", "si"),  # Sinhala
    ("\u0e00", "\u0e7f", "th"),  # Thai
    ("\u1000", "\u109f", "my"),  # Myanmar
    ("\u1780", "\u17ff", "km"),  # Khmer
    ("\u10a0", "\u10ff", "ka"),  # Georgian
    ("\u0530", "\u058f", "hy"),  # Armenian
    ("\u0590", "\u05ff", "he"),  # Hebrew
    ("\u0370", "\u03ff", "el"),  # Greek
    ("\u3040", "\u30ff", "ja"),  # Hiragana, Katakana
    ("\uac00", "\ud7af", "ko"),  # Hangul
    ("\u4e00", "\u9fff", "zh"),  # Han (Japanese when kana are there too)
]
# Letters Tigrinya writes often and Amharic hardly ever (ቐ-series, ኣ).
_TIGRINYA = set("ቐቑቒቓቔቕቖኣ")
# Arabic-script letters of other languages than Arabic and Persian.
_ARABIC_SCRIPT = [("ckb", set("ڕڵۆێە")), ("ps", set("ټډړږښګڼۍ")), ("ur", set("ٹڈڑںےۓ"))]


class ForeignLanguages:
    """Built once per knowledge base; `detect` is pure and thread-safe."""

    def __init__(self, ours: Iterable[str], knows: Callable[[str], bool]) -> None:
        """`ours`: the languages the bot reads; `knows(word)`: whether a folded word is one
        of the knowledge base's (or a misspelling of one)."""
        self.ours = frozenset(ours)
        self._knows = knows
        self._expected = self.ours | frozenset(_OTHERS)

    def detect(self, text: str) -> str | None:
        """The ISO 639 code of the language `text` is in when the bot does not read it;
        None when it is one of ours, or too short to tell."""
        letters = [ch for ch in text if ch.isalpha() or "\u0900" <= ch <= "\u0dff"]
        script = _script_language(letters)
        if script is not None:
            return None if script in self.ours else script
        if len(letters) < FOREIGN_MIN_LETTERS or len(tokens(text)) < FOREIGN_MIN_WORDS:
            return None
        arabic = sum(1 for ch in letters if "\u0600" <= ch <= "\u06ff")
        if arabic > len(letters) / 2:
            for other, marks in _ARABIC_SCRIPT:
                if any(ch in marks for ch in letters):
                    return None if other in self.ours else other
        code = _identify(text, self._expected)
        if code is None or code in self.ours:
            return None
        words = tokens(text)
        known = sum(1 for w in words if self._knows(w))
        if words and known / len(words) >= FOREIGN_OURS_SHARE:
            return None
        return code


def _script_language(letters: list[str]) -> str | None:
    counts: Counter[str] = Counter()
    for ch in letters:
        for low, high, code in _SCRIPTS:
            if low <= ch <= high:
                counts[code] += 1
                break
    if not counts or sum(counts.values()) < len(letters) / 2:
        return None
    code = counts.most_common(1)[0][0]
    if code == "am" and any(ch in _TIGRINYA for ch in letters):
        return "ti"
    if code == "zh" and counts["ja"]:
        return "ja"
    return code


def _identify(text: str, expected: frozenset[str]) -> str | None:
    """CLD2's language for `text`: the one it is sure of, else its best guess among `expected`;
    None when it has none."""
    # CLD2 refuses control characters and noncharacters ("invalid UTF-8"): they say nothing
    # about the language anyway.
    clean = "".join(ch if ch.isprintable() else " " for ch in text)
    try:
        sure = _iso(pycld2.detect(clean)[2][0][1])
        if sure is not None:
            return sure
        guesses = pycld2.detect(clean, bestEffort=True)[2]
    except pycld2.error:
        return None
    return next((c for _, code, _, _ in guesses if (c := _iso(code)) in expected), None)


def _iso(code: str) -> str | None:
    if code == "un" or code.startswith("xx-"):
        return None
    return _ISO.get(code, code)
