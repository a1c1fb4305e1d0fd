"""The rules the schema cannot express, most of them across files: one function per rule.

Each rule receives what it needs (items that know their file and line, the config, the ids
found) and adds its problems to the report; `bot.kb.loader` runs them in order. The rules of
the locale files are in `bot.kb.locale_rules`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol, TypeVar

from bot.kb.limits import LABEL_MAX, TELEGRAM_MESSAGE_LIMIT, answer_footprint
from bot.kb.models import (
    CONTRACT_TOPICS,
    Article,
    Entry,
    FaqFile,
    KnowledgeConfig,
    SynonymGroup,
)
from bot.kb.reader import Item, KnowledgeFile, did_you_mean
from bot.kb.report import Report, Unchecked
from bot.text import question_key

T = TypeVar("T")


# ---- ids ----------------------------------------------------------------------------------


def unique_ids(
    items: Iterable[Item[T]], report: Report, where_first: bool = False
) -> list[Item[T]]:
    """The first item of every id; each later one is an error (with where the first is)."""
    first: dict[str, Item[T]] = {}
    for item in items:
        seen = first.setdefault(item.ident, item)
        if seen is item:
            continue
        also = f" (first at {seen.path.name}:{seen.line(seen.id_key)})" if where_first else ""
        report.error(
            item.path,
            item.line(item.id_key),
            f"the {item.kind} id '{item.ident}' is used twice{also}",
            f"give each {item.kind} its own id",
        )
    return list(first.values())


def sources_exist(
    entries: Iterable[Item[Entry]], articles: Collection[str], unparsed: set[str], report: Report
) -> None:
    """Every source is an article id (ids of an articles.yaml that failed to validate count)."""
    references_exist(entries, "sources", "cites an unknown article", articles, unparsed, report)


def references_exist(
    entries: Iterable[Item[Entry]],
    field: str,
    wording: str,
    known: Collection[str],
    unparsed: set[str],
    report: Report,
) -> None:
    """Every id in the entries' `field` is one of `known` (or of a file that failed to
    validate, so one typo does not cascade); the problem reads "<entry> <wording> '<id>'"."""
    where = {"sources": "articles.yaml", "contacts": "contacts.yaml"}.get(field, field)
    for item in entries:
        for index, ident in enumerate(getattr(item.value, field)):
            if ident not in known and ident not in unparsed:
                report.error(
                    item.path,
                    item.line(field, index),
                    f"{item.name} {wording} '{ident}'",
                    unknown_id_hint(ident, known, where),
                )


def related_exist(entries: Sequence[Item[Entry]], unparsed: set[str], report: Report) -> None:
    """Every related id is another entry (entries of FAQ files that failed to validate count,
    so one typo does not cascade into dozens of errors)."""
    known = {item.ident for item in entries}
    for item in entries:
        for index, related in enumerate(item.value.related):
            if related not in known and related not in unparsed:
                report.error(
                    item.path,
                    item.line("related", index),
                    f"{item.name} relates to an unknown entry '{related}'",
                    unknown_id_hint(related, known, "the faq/ files"),
                )
            elif related == item.ident:
                report.error(
                    item.path,
                    item.line("related", index),
                    f"{item.name} lists itself as related",
                    "remove it from 'related'",
                )


def unknown_id_hint(name: str, known: Iterable[str], where: str) -> str:
    """How to fix a reference to an unknown id: the closest known one, or where ids are."""
    guess = did_you_mean(name, known)
    return f"{guess} (ids are defined in {where})" if guess else f"use an id defined in {where}"


# ---- languages and translations -----------------------------------------------------------


def required_languages(
    items: Iterable[Item[Any]], fields: Sequence[str], config: KnowledgeConfig, report: Report
) -> None:
    """Each of `fields` (a `Localized` or `LocalizedList`) has every language of config.yaml."""
    for item in items:
        for name in fields:
            present = set(getattr(item.value, name).languages())
            for lang in config.languages:
                if lang not in present:
                    report.error(
                        item.path,
                        item.line(name),
                        f"{item.name} {name} has no '{lang}' text",
                        f"add '{lang}:' (config.yaml requires {', '.join(config.languages)}); "
                        f"mark a machine translation with unchecked: [{lang}]",
                    )


def article_summaries(
    articles: Iterable[Item[Article]], config: KnowledgeConfig, report: Report
) -> None:
    """Summaries are for maintainers and the sources list: the source language is required,
    translations are welcome but optional."""
    source = config.source_language
    for item in articles:
        if item.value.summary.get(source) is None:
            report.error(
                item.path,
                item.line("summary"),
                f"{item.name} has no '{source}' summary",
                f"add 'summary: {{{source}: ...}}' in our own words",
            )


class _Translated(Protocol):
    @property
    def unchecked(self) -> Sequence[str]: ...


TranslatedT = TypeVar("TranslatedT", bound=_Translated)


def unchecked_marks(
    items: Iterable[Item[TranslatedT]], config: KnowledgeConfig, report: Report
) -> None:
    """The source language is never unchecked; other unchecked languages are warnings."""
    for item in items:
        langs = list(item.value.unchecked)
        line = item.line("unchecked")
        if config.source_language in langs:
            report.error(
                item.path,
                line,
                f"{item.name}: the source language '{config.source_language}' is marked unchecked",
                "the source language is authoritative; remove it from 'unchecked'",
            )
        pending = tuple(lang for lang in langs if lang in config.languages)
        if pending:
            report.warning(
                item.path,
                line,
                f"{item.name}: unchecked translation ({', '.join(pending)})",
                "once a person has checked it, remove the language from 'unchecked'",
                Unchecked(item.kind, pending),
            )


# ---- topics -------------------------------------------------------------------------------


def contract_topics(file: KnowledgeFile[Any], slugs: Collection[str], report: Report) -> None:
    """The seven contract topics always exist: other tools link to them."""
    for slug in CONTRACT_TOPICS:
        if slug not in slugs:
            report.error(
                file.path,
                file.line("topics"),
                f"the topic '{slug}' is missing",
                f"the seven topics {', '.join(CONTRACT_TOPICS)} must always exist",
            )


def faq_file_topics(
    faqs: Iterable[KnowledgeFile[Any]], slugs: Collection[str], report: Report
) -> None:
    """A FAQ file's topic is in topics.yaml, and the file is named after it."""
    for file in faqs:
        if file.content is None:
            continue
        topic: str = file.content.topic
        if topic not in slugs and slugs:
            report.error(
                file.path,
                file.line("topic"),
                f"unknown topic '{topic}'",
                f"use one of {', '.join(slugs)} or add it to topics.yaml",
            )
        if file.path.stem != topic:
            report.warning(
                file.path,
                file.line("topic"),
                f"the file is named '{file.path.name}' but holds topic '{topic}'",
                f"rename it to faq/{topic}.yaml so maintainers find it",
            )


def entry_topics(entries: Iterable[Item[Entry]], report: Report) -> None:
    """An entry's topic is its file's; an entry that names another one is in the wrong file."""
    for item in entries:
        topic, file_topic = item.value.topic, faq_topic(item)
        if topic is not None and topic != file_topic:
            report.error(
                item.path,
                item.line("topic"),
                f"{item.name} says topic '{topic}' in the file of '{file_topic}'",
                f"move the entry to faq/{topic}.yaml or remove its 'topic'",
            )


def faq_topic(item: Item[Entry]) -> str:
    """The `topic` of the FAQ file the entry is written in."""
    faq = item.file.content
    assert isinstance(faq, FaqFile), "entries come only from FAQ files that validated"
    return faq.topic


def topics_have_entries(
    file: KnowledgeFile[Any],
    slugs: Iterable[str],
    entries: Iterable[Entry],
    failed: Collection[str],
    report: Report,
) -> None:
    """Every topic has entries, unless its FAQ file (named in `failed`) did not validate."""
    counts = Counter(entry.topic for entry in entries)
    for slug in slugs:
        if counts[slug] == 0 and slug not in failed:
            report.warning(
                file.path,
                file.line("topics"),
                f"the topic '{slug}' has no entries",
                f"add faq/{slug}.yaml with at least one entry",
            )


# ---- entries ------------------------------------------------------------------------------


def phrasing_counts(
    entries: Iterable[Item[Entry]], config: KnowledgeConfig, report: Report
) -> None:
    """A few phrasings per language let the matcher recognise the ways people ask."""
    for item in entries:
        for lang in config.languages:
            count = len(item.value.questions.get(lang))
            if 0 < count < config.min_questions:
                report.warning(
                    item.path,
                    item.line("questions", lang),
                    f"{item.name} has {count} phrasing(s) in '{lang}'",
                    f"add phrasings up to {config.min_questions}: a full question, "
                    "keywords, an informal one",
                )


def question_clash(entries: Iterable[Item[Entry]], config: KnowledgeConfig, report: Report) -> None:
    """No question is in two entries, compared as the matcher compares them (`question_key`):
    the matcher could not tell which entry answers it."""
    first: dict[str, tuple[str, Path, int]] = {}
    for item in entries:
        for lang in config.languages:
            for index, question in enumerate(item.value.questions.get(lang)):
                line = item.line("questions", lang, index)
                seen = first.setdefault(question_key(question), (item.ident, item.path, line))
                if seen[0] != item.ident:
                    report.error(
                        item.path,
                        line,
                        f"the question '{question}' is also in entry '{seen[0]}' "
                        f"({seen[1].name}:{seen[2]})",
                        "keep it in the one entry that answers it",
                    )


def labels_fit(entries: Iterable[Item[Entry]], config: KnowledgeConfig, report: Report) -> None:
    """Button labels are whole on a phone: at most LABEL_MAX characters, in every language."""
    for item in entries:
        label = item.value.label
        if label is None:
            continue
        for lang in config.languages:
            text = label.get(lang)
            if text is not None and len(text) > LABEL_MAX:
                report.error(
                    item.path,
                    item.line("label", lang),
                    f"{item.name} label in '{lang}' has {len(text)} characters",
                    f"shorten it to at most {LABEL_MAX}: buttons cut longer labels mid-word",
                )


def message_size(
    entries: Iterable[Item[Entry]],
    config: KnowledgeConfig,
    articles: Mapping[str, Article],
    report: Report,
) -> None:
    """An answer with its sources fits one Telegram message, and is short for a phone."""
    for item in entries:
        for lang in config.languages:
            answer = item.value.answer.get(lang)
            if answer is None:
                continue
            size = answer_footprint(item.value, lang, config.source_language, articles)
            if size > TELEGRAM_MESSAGE_LIMIT:
                report.error(
                    item.path,
                    item.line("answer", lang),
                    f"{item.name} answer in '{lang}' would be {size} characters with its "
                    f"sources and links; a Telegram message holds {TELEGRAM_MESSAGE_LIMIT}",
                    "shorten the answer or split it into two entries",
                )
            elif len(answer) > config.answer_soft_limit:
                report.warning(
                    item.path,
                    item.line("answer", lang),
                    f"{item.name} answer in '{lang}' is {len(answer)} characters",
                    f"keep answers under {config.answer_soft_limit} for small screens",
                )


# ---- synonyms -----------------------------------------------------------------------------


def synonym_terms(groups: Iterable[Item[SynonymGroup]], report: Report) -> None:
    """A group has two terms or more, and a term (as the matcher reads it) is in one group."""
    owner: dict[str, str] = {}
    for item in groups:
        group = item.value
        if len(group.all_terms()) < 2:
            report.error(
                item.path,
                item.line(),
                f"the synonym group '{group.id}' has only one term",
                "add the other spellings or names, or remove the group",
            )
        for place, term in _term_places(group):
            line = item.line(*place)
            key = question_key(term)
            if not key:
                report.error(
                    item.path, line, f"the term '{term}' has no letters or digits", "remove it"
                )
                continue
            other = owner.setdefault(key, group.id)
            if other != group.id:
                report.error(
                    item.path,
                    line,
                    f"the term '{term}' is in the groups '{other}' and '{group.id}'",
                    "a term can mean only one thing; keep it in one group",
                )
                owner[key] = group.id


def _term_places(group: SynonymGroup) -> list[tuple[tuple[str, int], str]]:
    return [(("terms", i), term) for i, term in enumerate(group.terms)] + [
        (("case_sensitive", i), term) for i, term in enumerate(group.case_sensitive)
    ]
