"""Numberings of many strings kept as sorted 64-bit hashes, not as dictionaries of strings.

The matcher looks up tens of thousands of features (character n-grams, words) by their text.
A dictionary of 47,000 n-grams takes about 6 MB of small Python objects, which also pin the
allocator's memory when a reload replaces them; two numpy arrays of hashes and numbers take
0.6 MB and are handed back whole. The hash is BLAKE2 (64 bits), the same in every process, so a
numbering built in the builder's child process (`bot.builder`) works in the bot's. Two of the
matcher's strings sharing a hash would be refused when the numbering is built; a question's
string taken for one of them by chance is about a one-in-10^12 event per question.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from hashlib import blake2b

import numpy as np
import numpy.typing as npt


def word_hash(text: str) -> int:
    """A 64-bit hash of a string, the same in every process."""
    return int.from_bytes(blake2b(text.encode("utf-8"), digest_size=8).digest(), "little")


def hashes_of(texts: Iterable[str]) -> npt.NDArray[np.uint64]:
    """`word_hash` of each text, as an array (the digests joined and read at once)."""
    digests = b"".join(blake2b(t.encode("utf-8"), digest_size=8).digest() for t in texts)
    return np.frombuffer(digests, dtype="<u8").astype(np.uint64)


def position(hashes: npt.NDArray[np.uint64], text: str) -> int | None:
    """Where `text`'s hash is in the sorted `hashes`, or None when it is not there."""
    key = np.uint64(word_hash(text))
    at = int(np.searchsorted(hashes, key))
    return at if at < len(hashes) and hashes[at] == key else None


class Numbering:
    """Distinct strings numbered 0, 1, 2... in the order given: `get`, `in` and `numbers`."""

    def __init__(self, texts: Iterable[str]) -> None:
        hashes = hashes_of(texts)
        order = np.argsort(hashes, kind="stable")
        self._hashes = hashes[order]
        self._numbers = order.astype(np.int32)
        if len(self._hashes) > 1 and not np.all(self._hashes[1:] != self._hashes[:-1]):
            raise ValueError("two strings share a hash (or a string is given twice)")

    def __len__(self) -> int:
        return len(self._hashes)

    def __contains__(self, text: object) -> bool:
        return isinstance(text, str) and self.get(text) is not None

    def get(self, text: str) -> int | None:
        at = position(self._hashes, text)
        return None if at is None else int(self._numbers[at])

    def numbers(self, texts: Sequence[str]) -> npt.NDArray[np.int64]:
        """The number of each text, -1 for those not numbered."""
        keys = hashes_of(texts)
        at = np.minimum(np.searchsorted(self._hashes, keys), max(len(self._hashes) - 1, 0))
        if not len(self._hashes):
            return np.full(len(keys), -1, dtype=np.int64)
        found = self._hashes[at] == keys
        return np.where(found, self._numbers[at], -1).astype(np.int64)
