"""Common words of a language, from the `wordfreq` package (its word lists ship inside it).

Used where a hand list would be wrong or endless: a word that is common in a language the bot
reads is a real word, never a misspelling to "correct" ("hola", "ok", "menu" are not typos of
"homa", "oik", "mena").
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from functools import lru_cache

import wordfreq
from wordfreq import top_n_list

from bot.matching.params import COMMON_WORDS_PER_LANGUAGE
from bot.text import fold


def common_words(languages: tuple[str, ...], n: int = COMMON_WORDS_PER_LANGUAGE) -> frozenset[str]:
    """The `n` most frequent words of each language, folded as the matcher folds text."""
    return _union(tuple(sorted(set(languages))), n)


def common_words_of(lang: str, n: int = COMMON_WORDS_PER_LANGUAGE) -> frozenset[str]:
    """The `n` most frequent words of one language, folded (computed once per process)."""
    return _of(lang, n)


@lru_cache(maxsize=8)
def _union(languages: tuple[str, ...], n: int) -> frozenset[str]:
    return frozenset().union(*(_of(lang, n) for lang in languages))


@lru_cache(maxsize=64)
def _of(lang: str, n: int) -> frozenset[str]:
    words = frozenset(_folded(_top(lang, n)))
    # wordfreq keeps each language's whole frequency table; only these few words are needed.
    wordfreq.get_frequency_dict.cache_clear()
    wordfreq.get_frequency_list.cache_clear()
    return words


def _top(lang: str, n: int) -> list[str]:
    try:
        return top_n_list(lang, n, wordlist="small")
    except LookupError:
        return []


def _folded(words: Iterable[str]) -> Iterable[str]:
    for word in words:
        # Plain ASCII words need no folding; the rest go through the matcher's own fold.
        yield (
            word if word.isascii() and word.isalpha() else fold(unicodedata.normalize("NFC", word))
        )
