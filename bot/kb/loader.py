"""Load `knowledge/` into an immutable `KnowledgeBase`, reporting every problem with its line.

Loading never stops at the first problem: each file is read and validated on its own
(`bot.kb.reader`), then the rules across files are checked (`bot.kb.rules`), so one run of
`python -m bot validate` lists everything a maintainer has to fix.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from bot.kb import help_rules, locale_rules, rules
from bot.kb.base import KnowledgeBase
from bot.kb.fingerprint import fingerprint
from bot.kb.models import (
    Article,
    ArticlesFile,
    Contact,
    ContactsFile,
    Entry,
    FaqFile,
    KnowledgeConfig,
    LocaleFile,
    SafetyFile,
    SmallTalkFile,
    SynonymsFile,
    Topic,
    TopicsFile,
    UnsupportedFile,
)
from bot.kb.reader import Item, KnowledgeFile, items_of, read_file
from bot.kb.report import Report


class KnowledgeError(Exception):
    """The knowledge folder has errors; `report` lists them all."""

    def __init__(self, report: Report) -> None:
        count = len(report.errors)
        first = report.sorted()[0].format() if report.problems else "unknown error"
        super().__init__(f"{count} error(s) in the knowledge folder; first: {first}")
        self.report = report


@dataclass(frozen=True)
class Stats:
    """Counts for the summary line of `validate`."""

    articles: int = 0
    topics: int = 0
    entries: int = 0
    questions: dict[str, int] = field(default_factory=dict)
    unchecked: int = 0

    def format(self) -> str:
        per_lang = " ".join(f"{lang} {n}" for lang, n in self.questions.items())
        return (
            f"{self.articles} articles, {self.topics} topics, {self.entries} entries; "
            f"questions per language: {per_lang or 'none'}; "
            f"{self.unchecked} unchecked translations"
        )


@dataclass(frozen=True)
class LoadResult:
    """What a load produced: the knowledge base when there were no errors, and the report."""

    kb: KnowledgeBase | None
    report: Report
    stats: Stats = field(default_factory=Stats)


def load_knowledge(root: Path) -> KnowledgeBase:
    """Load and validate `root`; raise `KnowledgeError` listing every error."""
    result = check_knowledge(root)
    if result.kb is None:
        raise KnowledgeError(result.report)
    return result.kb


def check_knowledge(root: Path) -> LoadResult:
    """Load and validate `root`, collecting every problem instead of raising."""
    report = Report()
    if not root.is_dir():
        report.error(
            root, 1, "the knowledge folder does not exist", "pass the right folder or create it"
        )
        return LoadResult(None, report)
    folder = _read_folder(root, report)
    config = folder.config.content
    if config is None:
        return LoadResult(None, report)
    articles = {item.ident: item.value for item in _articles(folder, config, report)}
    topics = {item.ident: item.value for item in _topics(folder, config, report)}
    contacts = {item.ident: item.value for item in _contacts(folder, config, report)}
    entries = _entries(folder, config, articles, topics, contacts, report)
    _safety(folder, config, contacts, report)
    help_rules.unsupported_lines(folder.unsupported, config, report)
    checked = _Checked(articles, topics, entries, _locales(root, folder, config, report))
    _synonyms(folder, report)
    stats = checked.stats(config)
    synonyms = folder.synonyms.content
    if not report.ok or not folder.all_valid or synonyms is None:
        return LoadResult(None, report, stats)
    kb = KnowledgeBase.build(
        root=root,
        config=config,
        articles=checked.articles.values(),
        topics=checked.topics.values(),
        entries=checked.entries,
        synonyms=synonyms.groups,
        locales=checked.locales,
        fingerprint=fingerprint(root),
        contacts=contacts.values(),
        safety=folder.safety.content,
        smalltalk=folder.smalltalk.content,
        unsupported=folder.unsupported.content,
    )
    return LoadResult(kb, report, stats)


@dataclass(frozen=True)
class _Folder:
    """Every file of the knowledge folder, as read."""

    config: KnowledgeFile[KnowledgeConfig]
    articles: KnowledgeFile[ArticlesFile]
    topics: KnowledgeFile[TopicsFile]
    synonyms: KnowledgeFile[SynonymsFile]
    faqs: list[KnowledgeFile[FaqFile]]
    locales: list[KnowledgeFile[LocaleFile]]
    contacts: KnowledgeFile[ContactsFile]
    safety: KnowledgeFile[SafetyFile]
    smalltalk: KnowledgeFile[SmallTalkFile]
    unsupported: KnowledgeFile[UnsupportedFile]

    @property
    def all_valid(self) -> bool:
        files: list[KnowledgeFile[Any]] = [
            self.articles,
            self.topics,
            self.synonyms,
            self.contacts,
            self.safety,
            self.smalltalk,
            self.unsupported,
            *self.faqs,
            *self.locales,
        ]
        return all(file.content is not None for file in files)


@dataclass(frozen=True)
class _Checked:
    """What passed the rules, each id once: the makings of the knowledge base."""

    articles: dict[str, Article]
    topics: dict[str, Topic]
    entries: list[Entry]
    locales: dict[str, LocaleFile]

    def stats(self, config: KnowledgeConfig) -> Stats:
        questions: dict[str, int] = {
            lang: sum(len(entry.questions.get(lang)) for entry in self.entries)
            for lang in config.languages
        }
        unchecked = sum(len(article.unchecked) for article in self.articles.values())
        unchecked += sum(len(topic.unchecked) for topic in self.topics.values())
        unchecked += sum(len(entry.unchecked) for entry in self.entries)
        unchecked += sum(1 for locale in self.locales.values() if locale.unchecked)
        return Stats(len(self.articles), len(self.topics), len(self.entries), questions, unchecked)


def _read_folder(root: Path, report: Report) -> _Folder:
    folder = _Folder(
        config=read_file(root, root / "config.yaml", KnowledgeConfig, report),
        articles=read_file(root, root / "articles.yaml", ArticlesFile, report),
        topics=read_file(root, root / "topics.yaml", TopicsFile, report),
        synonyms=read_file(root, root / "synonyms.yaml", SynonymsFile, report),
        faqs=[read_file(root, p, FaqFile, report) for p in sorted(root.glob("faq/*.yaml"))],
        locales=[
            read_file(root, p, LocaleFile, report) for p in sorted(root.glob("locales/*.yaml"))
        ],
        contacts=read_file(root, root / "contacts.yaml", ContactsFile, report),
        safety=read_file(root, root / "safety.yaml", SafetyFile, report),
        smalltalk=read_file(root, root / "smalltalk.yaml", SmallTalkFile, report),
        unsupported=read_file(root, root / "unsupported.yaml", UnsupportedFile, report),
    )
    if not folder.faqs:
        report.error(
            root / "faq", 1, "no FAQ files found", "add faq/<topic>.yaml files (see README)"
        )
    for stray in sorted(root.rglob("*.yml")):
        report.warning(
            stray, 1, "this file is ignored", "rename it to end in .yaml if it should load"
        )
    return folder


# ---- the rules, file by file --------------------------------------------------------------


def _articles(folder: _Folder, config: KnowledgeConfig, report: Report) -> list[Item[Article]]:
    articles = rules.unique_ids(items_of(folder.articles, "articles", "article"), report)
    rules.article_summaries(articles, config, report)
    rules.unchecked_marks(articles, config, report)
    return articles


def _topics(folder: _Folder, config: KnowledgeConfig, report: Report) -> list[Item[Topic]]:
    topics = rules.unique_ids(items_of(folder.topics, "topics", "topic", "slug"), report)
    rules.required_languages(topics, ("title", "description"), config, report)
    rules.unchecked_marks(topics, config, report)
    if folder.topics.content is not None:
        rules.contract_topics(folder.topics, [item.ident for item in topics], report)
    return topics


def _entries(
    folder: _Folder,
    config: KnowledgeConfig,
    articles: dict[str, Article],
    topics: dict[str, Topic],
    contacts: dict[str, Contact],
    report: Report,
) -> list[Entry]:
    listed = [item for faq in folder.faqs for item in items_of(faq, "entries", "entry")]
    entries = rules.unique_ids(listed, report, where_first=True)
    rules.faq_file_topics(folder.faqs, list(topics), report)
    rules.entry_topics(entries, report)
    entries = [_with_file_topic(item) for item in entries]
    rules.required_languages(entries, ("questions", "answer"), config, report)
    rules.unchecked_marks(entries, config, report)
    unparsed_articles = folder.articles.raw_ids("articles")
    rules.sources_exist(entries, articles, unparsed_articles, report)
    unparsed_contacts = folder.contacts.raw_ids("contacts")
    help_rules.entry_contacts_exist(entries, contacts, unparsed_contacts, report)
    help_rules.covering_entries_list_contacts(entries, report)
    rules.phrasing_counts(entries, config, report)
    rules.question_clash(entries, config, report)
    rules.message_size(entries, config, articles, report)
    rules.labels_fit(entries, config, report)
    failed = [faq for faq in folder.faqs if faq.content is None]
    unparsed_entries = set().union(*(faq.raw_ids("entries") for faq in failed))
    rules.related_exist(entries, unparsed_entries, report)
    if topics:
        stems = {faq.path.stem for faq in failed}
        found = [item.value for item in entries]
        rules.topics_have_entries(folder.topics, topics, found, stems, report)
    return [item.value for item in entries]


def _with_file_topic(item: Item[Entry]) -> Item[Entry]:
    # The runtime entry knows its topic; in the YAML it is the file's `topic`.
    return replace(item, value=item.value.model_copy(update={"topic": rules.faq_topic(item)}))


def _locales(
    root: Path, folder: _Folder, config: KnowledgeConfig, report: Report
) -> dict[str, LocaleFile]:
    locales = locale_rules.locale_files(folder.locales, config, root, report)
    source = locales.get(config.source_language)
    # Without the source locale (already an error) there is nothing to compare with.
    if source is not None:
        locale_rules.locale_unchecked_marks(locales, config, report)
        locale_rules.locale_texts_match_source(locales.values(), source, report)
        locale_rules.placeholders_match_source(locales.values(), source, report)
    return {code: item.value for code, item in locales.items()}


def _contacts(folder: _Folder, config: KnowledgeConfig, report: Report) -> list[Item[Contact]]:
    contacts = rules.unique_ids(items_of(folder.contacts, "contacts", "contact"), report)
    rules.required_languages(contacts, ("purpose",), config, report)
    rules.unchecked_marks(contacts, config, report)
    help_rules.services_for_every_crisis(contacts, config.emergency_contact, report)
    return contacts


def _safety(
    folder: _Folder, config: KnowledgeConfig, contacts: dict[str, Contact], report: Report
) -> None:
    help_rules.emergency_contact(folder.config, contacts, folder.safety.content, report)
    crises = help_rules.kinds_once(items_of(folder.safety, "kinds", "crisis kind", "kind"), report)
    if folder.safety.content is not None:
        crisis_kinds = (*help_rules.CRISIS_KINDS, "emergency")
        help_rules.every_language_covered(crises, "cues", crisis_kinds, config, report)
        rules.unchecked_marks(crises, config, report)
    talk = help_rules.kinds_once(
        items_of(folder.smalltalk, "kinds", "small-talk kind", "kind"), report
    )
    if folder.smalltalk.content is not None:
        talk_kinds = ("greeting", "thanks", "goodbye", "identity", "capabilities")
        help_rules.every_language_covered(talk, "phrases", talk_kinds, config, report)
        rules.unchecked_marks(talk, config, report)


def _synonyms(folder: _Folder, report: Report) -> None:
    groups = items_of(folder.synonyms, "groups", "synonym group")
    rules.unique_ids(groups, report)
    rules.synonym_terms(groups, report)
