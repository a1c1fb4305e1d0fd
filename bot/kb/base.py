"""The immutable `KnowledgeBase` every other layer receives."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from bot.kb.models import (
    Article,
    Contact,
    Entry,
    KnowledgeConfig,
    LocaleFile,
    SafetyFile,
    SmallTalkFile,
    SynonymGroup,
    Topic,
    UnsupportedFile,
)


@dataclass(frozen=True)
class KnowledgeBase:
    """Validated content of one knowledge folder. Nothing in it can be changed after loading."""

    root: Path
    config: KnowledgeConfig
    articles: Mapping[str, Article]
    topics: tuple[Topic, ...]
    entries: tuple[Entry, ...]
    synonyms: tuple[SynonymGroup, ...]
    locales: Mapping[str, LocaleFile]
    fingerprint: str
    contacts: Mapping[str, Contact]
    safety: SafetyFile
    smalltalk: SmallTalkFile
    unsupported: UnsupportedFile
    _by_id: Mapping[str, Entry] = field(repr=False)
    _by_topic: Mapping[str, tuple[Entry, ...]] = field(repr=False)

    @classmethod
    def build(
        cls,
        *,
        root: Path,
        config: KnowledgeConfig,
        articles: Iterable[Article],
        topics: Iterable[Topic],
        entries: Iterable[Entry],
        synonyms: Iterable[SynonymGroup],
        locales: Mapping[str, LocaleFile],
        fingerprint: str,
        contacts: Iterable[Contact] = (),
        safety: SafetyFile | None = None,
        smalltalk: SmallTalkFile | None = None,
        unsupported: UnsupportedFile | None = None,
    ) -> KnowledgeBase:
        ordered_topics = tuple(sorted(topics, key=lambda t: (t.order, t.slug)))
        all_entries = tuple(entries)
        by_topic = {
            topic.slug: tuple(e for e in all_entries if e.topic == topic.slug)
            for topic in ordered_topics
        }
        return cls(
            root=root,
            config=config,
            articles=MappingProxyType({a.id: a for a in articles}),
            topics=ordered_topics,
            entries=all_entries,
            synonyms=tuple(synonyms),
            locales=MappingProxyType(dict(locales)),
            fingerprint=fingerprint,
            contacts=MappingProxyType({c.id: c for c in contacts}),
            safety=safety or SafetyFile(kinds=()),
            smalltalk=smalltalk or SmallTalkFile(kinds=()),
            unsupported=unsupported or UnsupportedFile(lines={}),
            _by_id=MappingProxyType({e.id: e for e in all_entries}),
            _by_topic=MappingProxyType(by_topic),
        )

    def __reduce__(self) -> tuple[object, ...]:
        """Pickled as the arguments of `build` (a child process builds the matcher from it)."""
        return (
            _rebuild,
            (
                {
                    "root": self.root,
                    "config": self.config,
                    "articles": tuple(self.articles.values()),
                    "topics": self.topics,
                    "entries": self.entries,
                    "synonyms": self.synonyms,
                    "locales": dict(self.locales),
                    "fingerprint": self.fingerprint,
                    "contacts": tuple(self.contacts.values()),
                    "safety": self.safety,
                    "smalltalk": self.smalltalk,
                    "unsupported": self.unsupported,
                },
            ),
        )

    @property
    def languages(self) -> tuple[str, ...]:
        return self.config.languages

    @property
    def source_language(self) -> str:
        return self.config.source_language

    def entry(self, entry_id: str) -> Entry | None:
        return self._by_id.get(entry_id)

    def topic(self, slug: str) -> Topic | None:
        for topic in self.topics:
            if topic.slug == slug:
                return topic
        return None

    def entries_in(self, slug: str) -> tuple[Entry, ...]:
        return self._by_topic.get(slug, ())

    def locale(self, lang: str) -> LocaleFile:
        """The locale of `lang`, or of the source language when `lang` has none."""
        return self.locales.get(lang) or self.locales[self.source_language]


def _rebuild(arguments: dict[str, Any]) -> KnowledgeBase:
    return KnowledgeBase.build(**arguments)
