"""The matcher: one object per `KnowledgeBase` that turns a question into a `Decision`.

The steps, in order: the language (`langid`), the candidates (`index.MatchIndex.search`:
analysis → signals → `fusion.fuse`), then `decide`. Every number they use is in `params`.
`Matcher` is pure: no I/O, no Telegram, no state.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Literal

from bot.kb import KnowledgeBase
from bot.matching.analysis import Analysis, Analyzer
from bot.matching.decide import FaqStatus, Suggestion, decide
from bot.matching.foreign import ForeignLanguages
from bot.matching.index import Candidate, MatchIndex, Phrasing
from bot.matching.langid import LanguageGuess, LanguageModel, script_of
from bot.matching.lexicon import EitherOf, common_words, common_words_of
from bot.matching.message import asking_part, sentences
from bot.matching.normalize import stem
from bot.matching.params import (
    FOREIGN_OURS_SHARE,
    LEXICAL_THRESHOLDS,
    MIN_CANDIDATES,
    SEMANTIC_THRESHOLDS,
    Thresholds,
)
from bot.matching.places import PlaceFinder
from bot.matching.safety import KINDS, Hit, SafetyScanner
from bot.matching.semantic import Embedder
from bot.matching.smalltalk import SmallTalk, Talk
from bot.text import strip_personal, tokens

# Languages of ours written in another script than Latin: Latin text from their readers may be
# the language transliterated (Arabizi, Finglish, translit).
NON_LATIN = frozenset({"ar", "fa", "ru", "uk"})
# Common words of these languages are real words too, even before the knowledge base has them.
EXTRA_LANGUAGES = ("fa", "fr")

Status = Literal["answer", "suggest", "none", "crisis", "smalltalk", "language"]


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
    # With status "crisis": every kind of crisis found, most severe first, and the cues.
    crisis: tuple[str, ...] = ()
    hits: tuple[Hit, ...] = field(default=(), repr=False)
    # The status the FAQ match alone gave (the question that may follow a crisis reply).
    faq_status: FaqStatus = "none"
    # ISO codes of the countries the message names, first mention first.
    countries: tuple[str, ...] = ()
    # With status "smalltalk": greeting, thanks, goodbye, identity or capabilities.
    talk: str | None = None

    @property
    def kind(self) -> str | None:
        """The contract's `kind`: the most severe crisis (null for "what is the emergency
        number")."""
        if self.status == "crisis" and self.crisis and self.crisis[0] != "emergency":
            return self.crisis[0]
        if self.status == "smalltalk":
            return self.talk
        return None

    def to_json(self) -> dict[str, Any]:
        """The `python -m bot match --json` contract of DESIGN.md."""
        return {
            "query": self.query,
            "status": self.status,
            "topic": self.topic,
            "entry": self.entry,
            "score": self.display_score,
            "kind": self.kind,
            "lang": self.lang,
            "suggestions": [
                {"entry": s.entry, "topic": s.topic, "score": s.display_score}
                for s in self.suggestions
            ],
        }


@dataclass(frozen=True)
class _KnownWord:
    """Whether a folded word is one of the knowledge base's, or a misspelling of one."""

    analyzer: Analyzer

    def __call__(self, word: str) -> bool:
        return word in self.analyzer.known or bool(self.analyzer.correct([word])[1])


class Matcher:
    """The index, the language model and the thresholds of one knowledge base.

    A matcher pickles without its knowledge base and embedder (a child process builds it,
    see `bot.builder`): `attach` gives them back."""

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
        languages = (*kb.languages, *EXTRA_LANGUAGES)
        specific = {c for e in kb.entries for c in e.places if c != "*"}
        common = {lang: common_words_of(lang) for lang in languages}
        any_common = common_words(languages)
        self.index = MatchIndex(
            phrasings,
            kb.synonyms,
            answers=answers,
            embedder=embedder,
            common_words=common,
            any_common_word=any_common,
        )
        self.topic_of = {entry.id: entry.topic or "" for entry in kb.entries}
        self.language_model = LanguageModel(_language_texts(kb))
        self._places_of = {entry.id: frozenset(entry.places) for entry in kb.entries}
        self._specific = frozenset(specific)
        self.smalltalk = SmallTalk(
            (group.kind, lang, phrase)
            for group in kb.smalltalk.kinds
            for lang in group.phrases.languages()
            for phrase in group.phrases.get(lang)
        )
        analyzer = self.index.analyzer
        latin = tuple(code for code in kb.languages if code not in NON_LATIN)
        self._latin_words = common_words(latin)
        self.foreign = ForeignLanguages(kb.languages, _KnownWord(analyzer))
        self.places = PlaceFinder(languages, always=specific)
        self._covers = {entry.id: entry.covers for entry in kb.entries if entry.covers}
        self.safety = SafetyScanner(
            (
                (group.kind, lang, cue)
                for group in kb.safety.kinds
                for lang in group.cues.languages()
                for cue in group.cues.get(lang)
            ),
            (
                (lang, text)
                for lang in kb.safety.not_crisis.languages()
                for text in kb.safety.not_crisis.get(lang)
            ),
            known_words=EitherOf(self.index.analyzer.known, any_common),
        )

    def __getstate__(self) -> dict[str, Any]:
        # The knowledge base is the receiving process's own (and the index leaves out its
        # embedder, whose tokenizer and open file belong to one process).
        state = self.__dict__.copy()
        del state["kb"]
        return state

    def attach(self, kb: KnowledgeBase, embedder: Embedder | None) -> None:
        """Give an unpickled matcher its knowledge base and embedder back."""
        self.kb = kb
        self.index.embedder = embedder

    @property
    def mode(self) -> str:
        """Which signals are on, "lexical" or "lexical+semantic" (start-up line, `ask`)."""
        return "lexical+semantic" if self.index.semantic else "lexical"

    def match(self, text: str, user_lang: str | None = None, top: int = 5) -> Decision:
        """The decision for one message: the steps of DESIGN.md's data flow, safety first.

        Args:
            text: the message as the user wrote it (cleaned of control characters).
            user_lang: the language the user is known to use (their `/language` choice, else
                their Telegram language); it wins when the text is too short to tell.
            top: how many candidates to keep in the decision (for `ask` and inline mode).
        """
        parts = sentences(text)
        hits = [(i, hit) for i, part in enumerate(parts) for hit in self.safety.scan(part)]
        # The rest reads the message without phone numbers, addresses and the like: they say
        # nothing about what is asked, and their digits can pass for another language.
        plain = strip_personal(text)
        if not hits:
            talk = self.smalltalk.recognise(plain)
            if talk is not None:
                return self._talk(text, talk, user_lang)
            transliterated = self._transliterated(plain, user_lang)
            foreign = None if transliterated else self.foreign.detect(plain)
            if foreign is not None:
                return _before_faq(text, "language", foreign)
        faq = replace(self._faq(asking_part(sentences(plain)), user_lang, top), query=text)
        if not hits:
            if transliterated and user_lang is not None:
                return replace(faq, lang=user_lang)
            return faq
        found = sorted((h for _, h in hits), key=lambda h: _SEVERITY[h.kind])
        kinds = tuple(dict.fromkeys(h.kind for h in found))
        # Places named where the trouble is described come first.
        countries = tuple(
            dict.fromkeys(
                [
                    *(c for i, _ in hits for c in self.places.countries(parts[i])),
                    *self.places.countries(text),
                ]
            )
        )
        if self._covered(faq, kinds, parts, hits, user_lang):
            # An entry written for exactly this situation answers, under the emergency number.
            return replace(faq, crisis=kinds, hits=tuple(found), countries=countries)
        calm = [strip_personal(p) for i, p in enumerate(parts) if all(j != i for j, _ in hits)]
        calm = [p for p in calm if p]
        question = self._faq(asking_part(calm), user_lang, top) if calm else None
        answered = question is not None and question.status == "answer"
        return Decision(
            query=text,
            status="crisis",
            entry=question.entry if question is not None and answered else None,
            topic=question.topic if question is not None and answered else None,
            raw_score=faq.raw_score,
            display_score=faq.display_score,
            lang=faq.lang,
            candidates=faq.candidates,
            analysis=faq.analysis,
            language=faq.language,
            crisis=kinds,
            hits=tuple(found),
            faq_status=question.faq_status if question is not None else "none",
            countries=countries,
        )

    def _talk(self, text: str, talk: Talk, user_lang: str | None) -> Decision:
        """Small talk, answered in the user's language when the phrase is theirs too ("ok"),
        else in the phrase's language ("kiitos": Finnish)."""
        ours = [lang for lang in talk.languages if lang in self.kb.languages]
        one_word = len(tokens(text)) <= 1
        if user_lang in self.kb.languages and (user_lang in ours or not ours or one_word):
            lang = user_lang
        elif ours:
            lang = ours[0]
        else:
            lang = self._reply_lang(
                self.language_model.guess(text, prior=user_lang), user_lang, text
            )
        return replace(_before_faq(text, "smalltalk", lang), talk=talk.kind)

    def _transliterated(self, text: str, user_lang: str | None) -> bool:
        """Whether `text` is the user's language in Latin letters ("kifak, bdi rou7 3ala
        island" from an Arabic reader): their language has another script, the text is in
        Latin letters, and most of its words are neither words of the knowledge base nor
        common words of our Latin-script languages ("who leads IOM now?" is English)."""
        if user_lang not in self.kb.languages or user_lang not in NON_LATIN:
            return False
        if script_of(text) != "latin":
            return False
        words = tokens(text)
        known = sum(1 for w in words if w in self.index.analyzer.known or w in self._latin_words)
        return bool(words) and known / len(words) < FOREIGN_OURS_SHARE

    def _elsewhere(self, named: frozenset[str]) -> frozenset[str]:
        """Entries about other places than the countries a question names: an entry about
        Iceland never answers a question about Germany. '*' entries are for countries that
        no entry is about."""
        if not named:
            return frozenset()
        unknown = bool(named - self._specific)
        return frozenset(
            entry
            for entry, places in self._places_of.items()
            if places and not (places & named or ("*" in places and unknown))
        )

    def _covered(
        self,
        faq: Decision,
        kinds: tuple[str, ...],
        parts: list[str],
        hits: list[tuple[int, Hit]],
        user_lang: str | None,
    ) -> bool:
        """Whether an entry written for this danger answers the message: it covers every kind
        found, and the message still points to its topic without the alarming words (a threat
        for being gay, not any threat)."""
        if faq.status != "answer" or not set(kinds) <= set(self._covers.get(faq.entry or "", ())):
            return False
        rest = " ".join(
            word
            for i, part in enumerate(parts)
            for position, word in enumerate(tokens(part))
            if not any(j == i and h.start <= position <= h.end for j, h in hits)
        )
        without = self._faq(rest, user_lang, MIN_CANDIDATES) if rest else None
        if without is None or without.faq_status == "none":
            return False
        close = without.candidates[: self.thresholds.max_suggestions]
        return any(self.topic_of[c.entry] == faq.topic for c in close)

    def _faq(self, query: str, user_lang: str | None, top: int) -> Decision:
        """The FAQ match of the sentences that ask, among the entries about the places the
        question names."""
        guess = self.language_model.guess(query, prior=user_lang)
        lang = self._reply_lang(guess, user_lang, query)
        mentions = self.places.mentions(query)
        named_in_order = [code for code, _ in mentions]
        named = frozenset(named_in_order)
        analysis, candidates = self.index.search(
            query,
            top=max(top, MIN_CANDIDATES),
            lang=guess.lang if guess else None,
            lang_confidence=guess.confidence if guess else 0.0,
            exclude=self._elsewhere(named),
            names=frozenset(stem(w) for _, words in mentions for w in words),
            elsewhere=bool(named - self._specific),
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
            faq_status=status,
            countries=tuple(dict.fromkeys(named_in_order)),
        )

    def shortlist(self, text: str, user_lang: str | None, limit: int) -> tuple[str, list[str]]:
        """The reply language and up to `limit` entries worth offering for `text` (inline
        mode): every candidate at or above the suggestion threshold."""
        decision = self.match(text, user_lang=user_lang, top=limit)
        floor = self.thresholds.suggest
        return decision.lang, [c.entry for c in decision.candidates if c.score >= floor][:limit]

    def _reply_lang(
        self, guess: LanguageGuess | None, user_lang: str | None, text: str = ""
    ) -> str:
        """The detected language; the user's own for a text of one word ("ok", "GCM",
        "Iceland?", "merci"), which tells too little; the source language otherwise."""
        if user_lang in self.kb.languages and (guess is None or len(tokens(text)) <= 1):
            return user_lang
        if guess is not None:
            return guess.lang
        return self.kb.source_language


_SEVERITY = {kind: i for i, kind in enumerate(KINDS)}


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


def _before_faq(text: str, status: Status, lang: str) -> Decision:
    """A decision taken before the FAQ is searched (small talk, a language we don't read)."""
    return Decision(
        query=text,
        status=status,
        entry=None,
        topic=None,
        raw_score=0.0,
        display_score=0,
        lang=lang,
    )
