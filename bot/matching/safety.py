"""The safety scan: does a message say that its writer is in danger?

It reads the whole message, before anything else, for the cues in `knowledge/safety.yaml`.
A cue is a short word sequence ("took passport", "kill* myself"); it matches when its words
appear in order with at most `MAX_GAP` other words between two of them. Each cue word matches
- the same word after folding (case, diacritics), or another form with the same stem
  (`normalize.stem`: "Islanti" / "Islantiin");
- any word it begins, when written with a final `*` ("kill*": kills, killed, killing);
- a misspelling one edit away, for cue words of `TYPO_MIN_LENGTH` letters or more, when the
  written word is not a word the bot knows otherwise ("sucide" → "suicide").
A cue inside a `not_crisis` sequence ("killer whale*", "death penalty") does not count.

Cues of every language are tried on every message: people in danger mix languages, and the
language detector is least reliable on exactly the short, misspelt messages they write.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Container, Iterable, Mapping, Sequence
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.matching.normalize import stem
from bot.matching.params import SAFETY_ANY_ORDER_FROM as ANY_ORDER_FROM
from bot.matching.params import SAFETY_MAX_GAP as MAX_GAP
from bot.matching.params import SAFETY_TYPO_MIN_LENGTH as TYPO_MIN_LENGTH
from bot.matching.stopwords import STOPWORDS
from bot.text import tokens

# Most severe first: the first kind found names the reply when a message has several.
KINDS: tuple[str, ...] = (
    "self-harm",
    "danger",
    "violence",
    "trafficking",
    "medical",
    "basic-needs",
    "emergency",
)


@dataclass(frozen=True)
class Hit:
    """One cue found in a message: its kind, the cue as written in the YAML, and the span of
    word positions it covers."""

    kind: str
    cue: str
    lang: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class _Word:
    key: str  # the stem, or the prefix for a word written with `*`
    full: str  # the folded word as written
    prefix: bool


@dataclass(frozen=True, slots=True)
class _Cue:
    kind: str
    text: str
    lang: str
    words: tuple[_Word, ...]

    @property
    def any_order(self) -> bool:
        """Content words only ("терміново потрібен лікар", "took passport") may come in
        another order; a cue with function words keeps its order ("want to die" is not "want
        to visit Iceland before I die", "following me" not "me following")."""
        return len(self.words) >= ANY_ORDER_FROM and not any(
            w.full in STOPWORDS for w in self.words
        )


def _cue_words(text: str) -> tuple[_Word, ...]:
    words = []
    for raw in text.split():
        prefix = raw.endswith("*")
        folded = tokens(raw.rstrip("*"))
        for i, token in enumerate(folded):
            last = i == len(folded) - 1
            is_prefix = prefix and last
            words.append(_Word(token if is_prefix else stem(token), token, is_prefix))
    return tuple(words)


class SafetyScanner:
    """Built once per knowledge base from its cues; `scan` is pure and thread-safe."""

    def __init__(
        self,
        cues: Iterable[tuple[str, str, str]],
        not_crisis: Iterable[tuple[str, str]] = (),
        known_words: Container[str] = frozenset(),
    ) -> None:
        """`cues`: (kind, language, cue text); `not_crisis`: (language, text);
        `known_words`: folded words the bot knows otherwise (never typo-corrected here)."""
        self._cues = [
            _Cue(kind, text, lang, words)
            for kind, lang, text in cues
            if (words := _cue_words(text))
        ]
        self._exclusions = [
            _Cue("", text, lang, words) for lang, text in not_crisis if (words := _cue_words(text))
        ]
        every = self._cues + self._exclusions
        # Each cue is looked up by its rarest word: it can only match where all its words are.
        frequency: Counter[str] = Counter(k for cue in every for k in {w.key for w in cue.words})
        self._by_word: dict[str, list[_Cue]] = {}
        for cue in every:
            rarest = min((w.key for w in cue.words), key=lambda key: frequency[key])
            self._by_word.setdefault(rarest, []).append(cue)
        self._exact = {w.key for c in every for w in c.words if not w.prefix}
        self._prefixes = {w.key for c in every for w in c.words if w.prefix}
        # A written word one edit away from a whole cue word stands for it ("sucide").
        self._key_of_full = {w.full: w.key for c in self._cues for w in c.words if not w.prefix}
        self._known = known_words
        self._buckets: dict[str, list[str]] = {}
        for full in sorted(self._key_of_full):
            if len(full) >= TYPO_MIN_LENGTH:
                self._buckets.setdefault(full[0], []).append(full)

    @property
    def size(self) -> int:
        """How many cues the scanner knows."""
        return len(self._cues)

    def scan(self, text: str) -> list[Hit]:
        """Every cue found in `text` and not inside a `not_crisis` sequence, in the order of
        `KINDS`, then of position."""
        words = tokens(text)
        if not words:
            return []
        where: dict[str, list[int]] = {}
        for position, word in enumerate(words):
            for key in self._keys(word):
                where.setdefault(key, []).append(position)
        candidates = {id(c): c for key in where for c in self._by_word.get(key, ())}
        hits: list[Hit] = []
        excluded: list[tuple[int, int]] = []
        for cue in candidates.values():
            if not all(w.key in where for w in cue.words):
                continue
            for start, end in _spans(cue, where):
                if cue.kind:
                    hits.append(Hit(cue.kind, cue.text, cue.lang, start, end))
                else:
                    excluded.append((start, end))
        kept = [h for h in hits if not any(s <= h.start and h.end <= e for s, e in excluded)]
        kept.sort(key=lambda h: (KINDS.index(h.kind), h.start, -(h.end - h.start)))
        return kept

    def _keys(self, word: str) -> set[str]:
        """The cue-word keys a written word can stand for."""
        keys = {stem(word)}
        for n in range(1, len(word) + 1):
            if word[:n] in self._prefixes:
                keys.add(word[:n])
        if (
            len(word) >= TYPO_MIN_LENGTH
            and word not in self._known
            and word not in self._key_of_full
            and not keys & self._exact
        ):
            bucket = self._buckets.get(word[0], [])
            found = process.extractOne(word, bucket, scorer=OSA.distance, score_cutoff=1)
            if found is not None:
                keys.add(self._key_of_full[found[0]])
        return keys


def _spans(cue: _Cue, where: dict[str, list[int]]) -> list[tuple[int, int]]:
    """Spans (first, last word position) where the cue matches: its words in order, at most
    MAX_GAP other words between two of them; a cue of content words only may also come in
    another order within the same window (see `_Cue.any_order`)."""
    size = len(cue.words) + MAX_GAP * (len(cue.words) - 1)
    spans = []
    for start in where[cue.words[0].key]:
        end = _in_order(cue.words, where, 1, start)
        if end is not None:
            spans.append((start, end))
    if spans or not cue.any_order:
        return spans
    for start in sorted({p for w in cue.words for p in where[w.key]}):
        used: list[int] = []
        for word in cue.words:
            free = [p for p in where[word.key] if start <= p < start + size and p not in used]
            if not free:
                break
            used.append(free[0])
        else:
            if min(used) == start:
                spans.append((start, max(used)))
    return spans


def _in_order(
    words: Sequence[_Word], where: dict[str, list[int]], i: int, previous: int
) -> int | None:
    """The last position of a match of words[i:] after `previous`, or None."""
    if i == len(words):
        return previous
    for position in where[words[i].key]:
        if previous < position <= previous + 1 + MAX_GAP:
            end = _in_order(words, where, i + 1, position)
            if end is not None:
                return end
    return None


def cue_table(kinds: Mapping[str, Mapping[str, Sequence[str]]]) -> list[tuple[str, str, str]]:
    """(kind, language, cue) rows from `{kind: {language: [cues]}}`."""
    return [
        (kind, lang, cue)
        for kind, by_lang in kinds.items()
        for lang, cues in by_lang.items()
        for cue in cues
    ]
