"""Common words of a language, from the `wordfreq` package (its word lists ship inside it).

Used where a hand list would be wrong or endless: a word that is common in a language the bot
reads is a real word, never a misspelling to "correct" ("hola", "ok", "menu" are not typos of
"homa", "oik", "mena").

Only membership is ever asked, so a list is kept as the sorted 64-bit hashes of its folded
words with each word's rank, not as a set of strings: ten languages' 10,000 words take about
1 MB instead of about 20 MB of sets and their unions (README, "Speed and memory"). The hash is
`hashed.word_hash` (BLAKE2), not Python's, which differs between processes: a matcher built in
the builder's child process (`bot.builder`) must answer the same in the bot's.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Container, Iterable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from bot.matching.hashed import position, word_hash
from bot.matching.params import COMMON_WORDS_PER_LANGUAGE
from bot.text import fold


@dataclass(frozen=True, eq=False)
class CommonWords:
    """The words among the `n` most frequent of any of some languages (folded, as the matcher
    folds text): `word in common` is all it answers."""

    hashes: npt.NDArray[np.uint64]
    ranks: npt.NDArray[np.uint32]
    n: int

    def __contains__(self, word: object) -> bool:
        if not isinstance(word, str):
            return False
        at = position(self.hashes, word)
        return at is not None and int(self.ranks[at]) < self.n

    def __len__(self) -> int:
        return int(np.count_nonzero(self.ranks < self.n))


@dataclass(frozen=True)
class EitherOf:
    """The words of either of two word lists, without copying them into one set."""

    first: Container[str]
    second: Container[str]

    def __contains__(self, word: object) -> bool:
        return word in self.first or word in self.second


def common_words(languages: Iterable[str], n: int = COMMON_WORDS_PER_LANGUAGE) -> CommonWords:
    """The `n` (at most COMMON_WORDS_PER_LANGUAGE) most frequent words of each language,
    folded as the matcher folds text."""
    if n > COMMON_WORDS_PER_LANGUAGE:
        raise ValueError(f"at most {COMMON_WORDS_PER_LANGUAGE} common words per language")
    hashes, ranks = _table(tuple(sorted(set(languages))))
    return CommonWords(hashes, ranks, n)


def common_words_of(lang: str, n: int = COMMON_WORDS_PER_LANGUAGE) -> CommonWords:
    """The `n` most frequent words of one language, folded (computed once per process)."""
    return common_words((lang,), n)


@lru_cache(maxsize=16)
def _table(languages: tuple[str, ...]) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint32]]:
    """Sorted hashes of the languages' common words, and each word's best rank among them."""
    parts = [_ranked(lang) for lang in languages]
    hashes = np.concatenate([np.zeros(0, np.uint64), *(h for h, _ in parts)])
    ranks = np.concatenate([np.zeros(0, np.uint32), *(r for _, r in parts)])
    order = np.lexsort((ranks, hashes))
    hashes, ranks = hashes[order], ranks[order]
    # A word common in several languages keeps its best rank (the first of its run).
    first = np.concatenate([[True], hashes[1:] != hashes[:-1]]) if len(hashes) else hashes == 0
    return hashes[first], ranks[first]


@lru_cache(maxsize=64)
def _ranked(lang: str) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint32]]:
    return _hashed(_folded(_top(lang, COMMON_WORDS_PER_LANGUAGE)))


def _hashed(folded: Iterable[str]) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint32]]:
    """Hashes of folded words and their ranks (a folded form keeps its best rank)."""
    best: dict[int, int] = {}
    for rank, word in enumerate(folded):
        best.setdefault(word_hash(word), rank)
    return (
        np.fromiter(best.keys(), dtype=np.uint64, count=len(best)),
        np.fromiter(best.values(), dtype=np.uint32, count=len(best)),
    )


def _top(lang: str, n: int) -> list[str]:
    # Imported here: a bot process whose matcher was built elsewhere never needs it.
    import wordfreq

    try:
        return wordfreq.top_n_list(lang, n, wordlist="small")
    except LookupError:
        return []
    finally:
        # wordfreq keeps each language's whole frequency table; only these few words are needed.
        wordfreq.get_frequency_dict.cache_clear()
        wordfreq.get_frequency_list.cache_clear()
        wordfreq.top_n_list.cache_clear()


def _folded(words: Iterable[str]) -> Iterable[str]:
    # Plain ASCII words need no folding; the rest go through the matcher's own fold, bypassing
    # its cache: 100,000 list words would push out the questions' words and pin the memory.
    unfolded = fold.__wrapped__
    for word in words:
        yield (
            word
            if word.isascii() and word.isalpha()
            else unfolded(unicodedata.normalize("NFC", word))
        )
