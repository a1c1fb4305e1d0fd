"""Small talk: greetings, thanks, goodbyes and questions about the bot itself.

A message is small talk when, folded (case, diacritics) and without punctuation or emoji, it
is one of the phrases of `knowledge/smalltalk.yaml` — or one edit or so away from one ("helo",
"thnks"): the whole message, not a part of it, so "hello, how do I apply for asylum?" stays a
question. A short message whose content words (function words aside) all come from the phrases
of one kind is that kind too: "are you a robot or a human?" is identity, while "what can you do
about my asylum case?" is a question. A message of emoji only is read by the emoji: 👋 greets,
🙏 and 👍 thank.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.matching.params import SMALLTALK_MAX_WORDS, SMALLTALK_SIMILARITY
from bot.matching.stopwords import STOPWORDS
from bot.text import tokens

_EMOJI_KINDS = {"👋": "greeting", "🙋": "greeting", "🙏": "thanks", "👍": "thanks", "❤": "thanks"}


@dataclass(frozen=True)
class Talk:
    """A small-talk message: its kind and the languages whose phrase it is."""

    kind: str
    languages: tuple[str, ...]


class SmallTalk:
    """Built once per knowledge base from its phrases; `recognise` is pure."""

    def __init__(self, phrases: Iterable[tuple[str, str, str]]) -> None:
        """`phrases`: (kind, language, phrase)."""
        found: dict[str, tuple[str, list[str]]] = {}
        for kind, lang, phrase in phrases:
            key = " ".join(tokens(phrase))
            if not key:
                continue
            kind_of, langs = found.setdefault(key, (kind, []))
            if kind_of == kind and lang not in langs:
                langs.append(lang)
        self._phrases = {key: Talk(kind, tuple(langs)) for key, (kind, langs) in found.items()}
        self._keys = [key for key in self._phrases if len(key) >= 5]
        self._vocabulary: dict[str, set[str]] = {}
        for key, talk in self._phrases.items():
            words = {w for w in key.split() if w not in STOPWORDS}
            self._vocabulary.setdefault(talk.kind, set()).update(words)

    def recognise(self, text: str) -> Talk | None:
        """The small talk `text` is, or None when it is anything else."""
        words = tokens(text)
        if not words:
            kinds = [kind for emoji, kind in _EMOJI_KINDS.items() if emoji in text]
            return Talk(kinds[0], ()) if kinds else None
        if len(words) > SMALLTALK_MAX_WORDS:
            return None
        key = " ".join(words)
        talk = self._phrases.get(key)
        if talk is not None or len(key) < 5:
            return talk
        close = process.extractOne(
            key, self._keys, scorer=fuzz.ratio, score_cutoff=SMALLTALK_SIMILARITY
        )
        if close:
            return self._phrases[close[0]]
        content = {w for w in words if w not in STOPWORDS}
        kinds = [k for k, vocabulary in self._vocabulary.items() if content <= vocabulary]
        return Talk(kinds[0], ()) if content and len(kinds) == 1 else None
