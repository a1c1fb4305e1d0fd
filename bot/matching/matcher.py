"""From a question to a decision: answer with one entry, suggest a few, or say we do not know.

`Matcher` is built once per `KnowledgeBase` and is pure: no I/O, no Telegram, no state.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from bot.kb import KnowledgeBase
from bot.matching.index import Analysis, Candidate, MatchIndex, Phrasing
from bot.matching.langid import LanguageGuess, LanguageModel
from bot.matching.semantic import Embedder
from bot.matching.synonyms import SynonymGroup

Status = Literal["answer", "suggest", "none"]

# Questions longer than this are cut before matching: nobody's question needs more, and it
# bounds the work a single message can cause.
MAX_QUERY_CHARS = 500


@dataclass(frozen=True)
class Thresholds:
    """Decision thresholds on the 0-1 score. Calibrated by `benchmarks/calibrate.py` on our
    own phrasings (held out one at a time) against out-of-scope questions from public
    datasets; never on the evaluation questions."""

    answer: float = 0.23
    # Lead needed over the best entry of another topic, and over any other entry.
    margin: float = 0.03
    entry_margin: float = 0.0
    suggest: float = 0.12
    spread: float = 0.06
    max_suggestions: int = 3

    def percent(self, score: float) -> int:
        """The 0-100 score users and maintainers see: 50 is where the bot starts to answer.

        Raw scores are small (a convex mix of cosines); this piecewise-linear map keeps their
        order and puts the answer threshold in the middle.
        """
        if score <= self.answer:
            value = 50.0 * score / self.answer if self.answer > 0 else 0.0
        else:
            value = 50.0 + 50.0 * (score - self.answer) / (1.0 - self.answer)
        return max(0, min(100, round(value)))


# With the optional semantic signal the scores shift; these thresholds were calibrated the
# same way (`python benchmarks/calibrate.py --semantic`).
SEMANTIC_THRESHOLDS = Thresholds(answer=0.26, margin=0.02, suggest=0.18)


@dataclass(frozen=True)
class Suggestion:
    entry: str
    topic: str
    score: float
    percent: int


@dataclass(frozen=True)
class Decision:
    """What the bot should do with one question."""

    query: str
    status: Status
    entry: str | None
    topic: str | None
    score: float
    percent: int
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
            "score": self.percent,
            "lang": self.lang,
            "suggestions": [
                {"entry": s.entry, "topic": s.topic, "score": s.percent} for s in self.suggestions
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
        default = SEMANTIC_THRESHOLDS if embedder is not None else Thresholds()
        self.thresholds = thresholds or default
        phrasings = [
            Phrasing(entry.id, lang, question)
            for entry in kb.entries
            for lang in kb.languages
            for question in entry.questions.get(lang)
        ]
        groups = [SynonymGroup(g.id, g.terms, g.case_sensitive) for g in kb.synonyms]
        answers = {
            (entry.id, lang): entry.answer.get(lang) or ""
            for entry in kb.entries
            for lang in kb.languages
        }
        self.index = MatchIndex(phrasings, groups, answers=answers, embedder=embedder)
        self.topic_of = {entry.id: entry.topic or "" for entry in kb.entries}
        self.language_model = LanguageModel(_language_texts(kb))

    def _reply_lang(self, guess: LanguageGuess | None, user_lang: str | None) -> str:
        if guess is not None:
            return guess.lang
        if user_lang in self.kb.languages:
            return user_lang
        return self.kb.source_language

    def match(self, text: str, user_lang: str | None = None, top: int = 5) -> Decision:
        query = text[:MAX_QUERY_CHARS]
        guess = self.language_model.guess(query, prior=user_lang)
        lang = self._reply_lang(guess, user_lang)
        analysis, candidates = self.index.search(
            query,
            top=max(top, 4),
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
            score=best,
            percent=self.thresholds.percent(best),
            lang=lang,
            suggestions=suggestions,
            candidates=tuple(candidates),
            analysis=analysis,
            language=guess,
        )


def decide(
    candidates: Sequence[Candidate], t: Thresholds, topic_of: Mapping[str, str]
) -> tuple[Status, str | None, tuple[Suggestion, ...]]:
    """Answer when the best entry is good enough and clearly ahead of other topics; suggest
    the close runners-up when it is good but not clear; otherwise admit we do not know.

    With an answer, the suggestions are the entries that came close (usually in the same
    topic); the dialog offers them as buttons under the answer.
    """
    if not candidates or candidates[0].score < t.suggest:
        return "none", None, ()
    first = candidates[0]
    second = candidates[1].score if len(candidates) > 1 else 0.0
    other_topic = next(
        (c.score for c in candidates[1:] if topic_of[c.entry] != topic_of[first.entry]), 0.0
    )
    floor = max(t.suggest, first.score - t.spread)
    close = tuple(
        Suggestion(c.entry, topic_of[c.entry], c.score, t.percent(c.score))
        for c in candidates[: t.max_suggestions]
        if c.score >= floor
    )
    if (
        first.score >= t.answer
        and first.substantive
        and first.score - other_topic >= t.margin
        and first.score - second >= t.entry_margin
    ):
        # Close runners-up travel with the answer, so the bot can offer them as buttons.
        return "answer", first.entry, close[1:]
    return "suggest", None, close


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
        locale = kb.locales.get(lang)
        if locale is not None:
            texts[lang].extend(locale.strings.values())
    return texts
