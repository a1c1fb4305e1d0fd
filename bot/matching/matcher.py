"""The matcher: one object per `KnowledgeBase` that turns a question into a `Decision`.

The steps, in order: the language (`langid`), the candidates (`index.MatchIndex.search`:
analysis → signals → `fusion.fuse`), then `decide`. Every number they use is in `params`.
`Matcher` is pure: no I/O, no Telegram, no state.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.kb import KnowledgeBase
from bot.matching.analysis import Analysis
from bot.matching.decide import FaqStatus, Suggestion, decide
from bot.matching.index import Candidate, MatchIndex, Phrasing
from bot.matching.langid import LanguageGuess, LanguageModel
from bot.matching.params import (
    LEXICAL_THRESHOLDS,
    MAX_QUERY_CHARS,
    MIN_CANDIDATES,
    SEMANTIC_THRESHOLDS,
    Thresholds,
)
from bot.matching.semantic import Embedder

Status = FaqStatus


@dataclass(frozen=True)
class Decision:
    """What the bot should do with one message."""

    query: str
    status: Status
    entry: str | None
    topic: str | None
    # The best candidate's fused score (0-1) and the 0-100 scale shown to people, on which
    # 50 is where the bot starts to answer (`Thresholds.display_score`).
    raw_score: float
    display_score: int
    lang: str
    suggestions: tuple[Suggestion, ...] = ()
    candidates: tuple[Candidate, ...] = field(default=(), repr=False)
    analysis: Analysis | None = field(default=None, repr=False)
    language: LanguageGuess | None = field(default=None, repr=False)

    def to_json(self) -> dict[str, Any]:
        """The `python -m bot match --json` contract of DESIGN.md."""
        return {
            "query": self.query,
            "status": self.status,
            "topic": self.topic,
            "entry": self.entry,
            "score": self.display_score,
            "lang": self.lang,
            "suggestions": [
                {"entry": s.entry, "topic": s.topic, "score": s.display_score}
                for s in self.suggestions
            ],
        }


class Matcher:
    """The index, the language model and the thresholds of one knowledge base."""

    def __init__(
        self,
        kb: KnowledgeBase,
        thresholds: Thresholds | None = None,
        embedder: Embedder | None = None,
    ) -> None:
        self.kb = kb
        default = SEMANTIC_THRESHOLDS if embedder is not None else LEXICAL_THRESHOLDS
        self.thresholds = thresholds or default
        phrasings = [
            Phrasing(entry.id, lang, question)
            for entry in kb.entries
            for lang in kb.languages
            for question in entry.questions.get(lang)
        ]
        answers = {
            (entry.id, lang): entry.answer.get(lang) or ""
            for entry in kb.entries
            for lang in kb.languages
        }
        self.index = MatchIndex(phrasings, kb.synonyms, answers=answers, embedder=embedder)
        self.topic_of = {entry.id: entry.topic or "" for entry in kb.entries}
        self.language_model = LanguageModel(_language_texts(kb))

    @property
    def mode(self) -> str:
        """Which signals are on, "lexical" or "lexical+semantic" (start-up line, `ask`)."""
        return "lexical+semantic" if self.index.semantic else "lexical"

    def match(self, text: str, user_lang: str | None = None, top: int = 5) -> Decision:
        """The decision for one question.

        Args:
            text: the question as the user wrote it.
            user_lang: the language the user is known to use (their `/language` choice, else
                their Telegram language); it wins when the text is too short to tell.
            top: how many candidates to keep in the decision (for `ask` and inline mode).
        """
        query = text[:MAX_QUERY_CHARS]
        guess = self.language_model.guess(query, prior=user_lang)
        lang = self._reply_lang(guess, user_lang)
        analysis, candidates = self.index.search(
            query,
            top=max(top, MIN_CANDIDATES),
            lang=guess.lang if guess else None,
            lang_confidence=guess.confidence if guess else 0.0,
        )
        status, chosen, suggestions = decide(candidates, self.thresholds, self.topic_of)
        best = candidates[0].score if candidates else 0.0
        return Decision(
            query=query,
            status=status,
            entry=chosen,
            topic=self.topic_of[chosen] if chosen else None,
            raw_score=best,
            display_score=self.thresholds.display_score(best),
            lang=lang,
            suggestions=suggestions,
            candidates=tuple(candidates),
            analysis=analysis,
            language=guess,
        )

    def shortlist(self, text: str, user_lang: str | None, limit: int) -> tuple[str, list[str]]:
        """The reply language and up to `limit` entries worth offering for `text` (inline
        mode): every candidate at or above the suggestion threshold."""
        decision = self.match(text, user_lang=user_lang, top=limit)
        floor = self.thresholds.suggest
        return decision.lang, [c.entry for c in decision.candidates if c.score >= floor][:limit]

    def _reply_lang(self, guess: LanguageGuess | None, user_lang: str | None) -> str:
        if guess is not None:
            return guess.lang
        if user_lang in self.kb.languages:
            return user_lang
        return self.kb.source_language


def _language_texts(kb: KnowledgeBase) -> dict[str, list[str]]:
    texts: dict[str, list[str]] = {lang: [] for lang in kb.languages}
    for lang in kb.languages:
        for entry in kb.entries:
            texts[lang].extend(entry.questions.get(lang))
            answer = entry.answer.get(lang)
            if answer:
                texts[lang].append(answer)
        for topic in kb.topics:
            texts[lang].extend(t for t in (topic.title.get(lang), topic.description.get(lang)) if t)
        locale = kb.locale(lang) if lang in kb.locales else None
        if locale is not None:
            texts[lang].extend(locale.strings.values())
    return texts
