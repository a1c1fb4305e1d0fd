"""Load `knowledge/` into an immutable `KnowledgeBase`, reporting every problem with its line.

Loading never stops at the first problem: each file is parsed and validated on its own, then
the references between files are checked, so one run of `python -m bot validate` lists
everything a maintainer has to fix.
"""

from __future__ import annotations

import hashlib
import re
import string
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from rapidfuzz import process

from bot.kb.base import KnowledgeBase
from bot.kb.limits import TELEGRAM_MESSAGE_LIMIT, answer_footprint
from bot.kb.models import (
    CONTRACT_TOPICS,
    FILE_MODELS,
    Article,
    ArticlesFile,
    Entry,
    FaqFile,
    KnowledgeConfig,
    LocaleFile,
    Localized,
    LocalizedList,
    Strict,
    SynonymsFile,
    Topic,
    TopicsFile,
    field_names,
    model_at,
)
from bot.kb.report import Report
from bot.kb.schema import schema_line
from bot.kb.yamlsource import YamlDocument, YamlError, read_yaml

M = TypeVar("M", bound=Strict)


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
    return _Loader(root).run()


def fingerprint(root: Path) -> str:
    """A cheap identity of the folder's YAML files (names, sizes, modification times)."""
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.y*ml")):
        try:
            stat = path.stat()
        except OSError:
            continue
        digest.update(f"{path.relative_to(root)}:{stat.st_size}:{stat.st_mtime_ns};".encode())
    return digest.hexdigest()


class _Loader:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.report = Report()
        self.docs: dict[Path, YamlDocument] = {}

    # ---- reading one file -------------------------------------------------------------

    def _read(self, path: Path, model: type[M], required: bool = True) -> M | None:
        parsed = self._parse(path, model, required)
        doc = self.docs.get(path)
        if doc is not None:
            self._check_schema_line(path, doc, model)
        return parsed

    def _check_schema_line(self, path: Path, doc: YamlDocument, model: type[Strict]) -> None:
        kind = next(k for k, m in FILE_MODELS.items() if m is model)
        try:
            depth = len(path.relative_to(self.root).parts) - 1
        except ValueError:
            depth = 0
        expected = schema_line(kind, depth)
        first = doc.text.split("\n", 1)[0].strip()
        if first != expected:
            self.report.warning(
                path,
                1,
                "the first line does not name the file's schema",
                f"make the first line '{expected}' so editors complete and check the keys",
            )

    def _parse(self, path: Path, model: type[M], required: bool) -> M | None:
        if not path.is_file():
            if required:
                self.report.error(
                    path, 1, "the file is missing", f"create it (see README: {model.__doc__})"
                )
            return None
        try:
            doc = read_yaml(path)
        except YamlError as exc:
            self.report.error(path, exc.line, exc.message, exc.hint)
            return None
        self.docs[path] = doc
        if not isinstance(doc.data, dict):
            self.report.error(
                path,
                doc.line_of(()),
                "the file must be a YAML mapping (keys with values)",
                f"start with one of: {', '.join(field_names(model))}",
            )
            return None
        try:
            return model.model_validate(doc.data)
        except ValidationError as exc:
            for error in exc.errors():
                self._pydantic_problem(path, doc, model, error)
            return None

    def _pydantic_problem(
        self, path: Path, doc: YamlDocument, model: type[BaseModel], error: Any
    ) -> None:
        loc: tuple[Any, ...] = tuple(error["loc"])
        line = doc.line_of(loc)
        kind: str = error["type"]
        where = _dotted(loc)
        value = error.get("input")
        if kind == "extra_forbidden":
            key = str(loc[-1])
            parent = model_at(model, loc[:-1])
            allowed = field_names(parent) if parent else []
            guess = process.extractOne(key, allowed, score_cutoff=60) if allowed else None
            hint = f"did you mean '{guess[0]}'?" if guess else "remove it"
            if allowed:
                hint += f" (allowed here: {', '.join(allowed)})"
            self.report.error(path, line, f"unknown key '{key}'", hint)
        elif kind == "missing":
            self.report.error(path, line, f"missing '{loc[-1]}' in {_dotted(loc[:-1])}", "add it")
        elif kind in ("string_type", "str_type"):
            self.report.error(
                path,
                line,
                f"{where} must be text, not {_describe(value)}",
                "put the value in quotes",
            )
        elif kind == "literal_error":
            self.report.error(
                path,
                line,
                f"{where}: '{value}' is not allowed",
                f"use one of {error.get('ctx', {}).get('expected', 'the listed values')}",
            )
        elif kind == "string_pattern_mismatch":
            self.report.error(
                path,
                line,
                f"{where}: '{value}' is not a valid id",
                "use lower-case letters, digits and single hyphens, e.g. 'iceland-work'",
            )
        elif kind == "string_too_short":
            self.report.error(path, line, f"{where} is empty", "write the text or remove the key")
        elif kind == "string_too_long":
            self.report.error(
                path, line, f"{where} is too long", f"shorten it ({error.get('msg', '')})"
            )
        elif kind in ("tuple_type", "list_type"):
            self.report.error(
                path,
                line,
                f"{where} must be a list, not {_describe(value)}",
                "write each item on its own line starting with '- '",
            )
        elif kind in ("model_type", "model_attributes_type", "dict_type"):
            self.report.error(
                path,
                line,
                f"{where} must be a block of keys, not {_describe(value)}",
                "indent its keys under it, one 'key: value' per line",
            )
        elif kind == "value_error":
            message = str(error.get("ctx", {}).get("error", error["msg"]))
            hint = "correct the value"
            if "https://" in message:
                hint = "use the page's https:// address, as listed in ../shared/sources.md"
            self.report.error(path, line, f"{where}: {message}", hint)
        elif kind == "too_short":
            self.report.error(
                path, line, f"{where} has too few items", error["msg"].replace("Tuple", "list")
            )
        elif kind == "too_long":
            self.report.error(
                path, line, f"{where} has too many items", error["msg"].replace("Tuple", "list")
            )
        else:
            self.report.error(path, line, f"{where}: {error['msg']}", "correct the value")

    def _line(self, path: Path, *loc: str | int) -> int:
        doc = self.docs.get(path)
        return doc.line_of(loc) if doc else 1

    # ---- the whole folder -------------------------------------------------------------

    def run(self) -> LoadResult:
        root = self.root
        if not root.is_dir():
            self.report.error(
                root, 1, "the knowledge folder does not exist", "pass the right folder or create it"
            )
            return LoadResult(None, self.report)

        config = self._read(root / "config.yaml", KnowledgeConfig)
        articles_file = self._read(root / "articles.yaml", ArticlesFile)
        topics_file = self._read(root / "topics.yaml", TopicsFile)
        synonyms_file = self._read(root / "synonyms.yaml", SynonymsFile)
        faq_paths = sorted((root / "faq").glob("*.yaml"))
        if not faq_paths:
            self.report.error(
                root / "faq", 1, "no FAQ files found", "add faq/<topic>.yaml files (see README)"
            )
        faq_files = [(p, self._read(p, FaqFile)) for p in faq_paths]
        locale_paths = sorted((root / "locales").glob("*.yaml"))
        locale_files = [(p, self._read(p, LocaleFile)) for p in locale_paths]
        for stray in sorted(root.rglob("*.yml")):
            self.report.warning(
                stray, 1, "this file is ignored", "rename it to end in .yaml if it should load"
            )

        if config is None:
            return LoadResult(None, self.report)

        articles = self._check_articles(root / "articles.yaml", articles_file, config)
        topics = self._check_topics(root / "topics.yaml", topics_file, config)
        entries = self._check_entries(faq_files, config, articles, topics)
        locales = self._check_locales(root, locale_files, config)
        self._check_synonyms(root / "synonyms.yaml", synonyms_file)

        stats = _stats(config, articles, topics, entries, locales)
        parsed_all = (
            articles_file is not None
            and topics_file is not None
            and synonyms_file is not None
            and all(f is not None for _, f in faq_files)
            and all(f is not None for _, f in locale_files)
        )
        if not self.report.ok or not parsed_all or synonyms_file is None:
            return LoadResult(None, self.report, stats)
        kb = KnowledgeBase.build(
            root=root,
            config=config,
            articles=articles.values(),
            topics=topics.values(),
            entries=entries,
            synonyms=synonyms_file.groups,
            locales=locales,
            fingerprint=fingerprint(root),
        )
        return LoadResult(kb, self.report, stats)

    # ---- checks across files ----------------------------------------------------------

    def _require_languages(
        self,
        path: Path,
        loc: tuple[str | int, ...],
        value: Localized | LocalizedList,
        config: KnowledgeConfig,
        what: str,
    ) -> None:
        present = set(value.languages())
        for lang in config.languages:
            if lang not in present:
                self.report.error(
                    path,
                    self._line(path, *loc),
                    f"{what} has no '{lang}' text",
                    f"add '{lang}:' (config.yaml requires {', '.join(config.languages)}); "
                    f"mark a machine translation with unchecked: [{lang}]",
                )

    def _check_unchecked(
        self,
        path: Path,
        loc: tuple[str | int, ...],
        unchecked: Iterable[str],
        config: KnowledgeConfig,
        what: str,
    ) -> None:
        langs = list(unchecked)
        if config.source_language in langs:
            self.report.error(
                path,
                self._line(path, *loc, "unchecked"),
                f"{what}: the source language '{config.source_language}' is marked unchecked",
                "the source language is authoritative; remove it from 'unchecked'",
            )
        pending = [lang for lang in langs if lang in config.languages]
        if pending:
            self.report.warning(
                path,
                self._line(path, *loc, "unchecked"),
                f"{what}: unchecked translation ({', '.join(pending)})",
                "once a person has checked it, remove the language from 'unchecked'",
            )

    def _check_articles(
        self, path: Path, file: ArticlesFile | None, config: KnowledgeConfig
    ) -> dict[str, Article]:
        found: dict[str, Article] = {}
        if file is None:
            return found
        for index, article in enumerate(file.articles):
            loc: tuple[str | int, ...] = ("articles", index)
            if article.id in found:
                self._duplicate(path, (*loc, "id"), "article", article.id)
                continue
            found[article.id] = article
            # Summaries are for maintainers and the sources list; the source language is
            # required, translations are welcome but optional.
            if article.summary.get(config.source_language) is None:
                self.report.error(
                    path,
                    self._line(path, *loc, "summary"),
                    f"article '{article.id}' has no '{config.source_language}' summary",
                    f"add 'summary: {{{config.source_language}: ...}}' in our own words",
                )
            self._check_unchecked(path, loc, article.unchecked, config, f"article '{article.id}'")
        return found

    def _check_topics(
        self, path: Path, file: TopicsFile | None, config: KnowledgeConfig
    ) -> dict[str, Topic]:
        found: dict[str, Topic] = {}
        if file is None:
            return found
        for index, topic in enumerate(file.topics):
            loc: tuple[str | int, ...] = ("topics", index)
            if topic.slug in found:
                self._duplicate(path, (*loc, "slug"), "topic", topic.slug)
                continue
            found[topic.slug] = topic
            self._require_languages(
                path, (*loc, "title"), topic.title, config, f"topic '{topic.slug}' title"
            )
            self._require_languages(
                path,
                (*loc, "description"),
                topic.description,
                config,
                f"topic '{topic.slug}' description",
            )
            self._check_unchecked(path, loc, topic.unchecked, config, f"topic '{topic.slug}'")
        for slug in CONTRACT_TOPICS:
            if slug not in found:
                self.report.error(
                    path,
                    self._line(path, "topics"),
                    f"the topic '{slug}' is missing",
                    f"the seven topics {', '.join(CONTRACT_TOPICS)} must always exist",
                )
        return found

    def _check_entries(
        self,
        faq_files: list[tuple[Path, FaqFile | None]],
        config: KnowledgeConfig,
        articles: dict[str, Article],
        topics: dict[str, Topic],
    ) -> list[Entry]:
        entries: list[Entry] = []
        where: dict[str, tuple[Path, int]] = {}
        unparsed_articles = self._raw_ids(self.root / "articles.yaml", "articles")
        questions_seen: dict[str, tuple[str, Path, int]] = {}
        for path, file in faq_files:
            if file is None:
                continue
            if file.topic not in topics and topics:
                self.report.error(
                    path,
                    self._line(path, "topic"),
                    f"unknown topic '{file.topic}'",
                    f"use one of {', '.join(topics)} or add it to topics.yaml",
                )
            if path.stem != file.topic:
                self.report.warning(
                    path,
                    self._line(path, "topic"),
                    f"the file is named '{path.name}' but holds topic '{file.topic}'",
                    f"rename it to faq/{file.topic}.yaml so maintainers find it",
                )
            for index, entry in enumerate(file.entries):
                loc: tuple[str | int, ...] = ("entries", index)
                if entry.id in where:
                    first_path, first_line = where[entry.id]
                    self._duplicate(
                        path, (*loc, "id"), "entry", entry.id, f"{first_path.name}:{first_line}"
                    )
                    continue
                where[entry.id] = (path, self._line(path, *loc, "id"))
                if entry.topic is not None and entry.topic != file.topic:
                    self.report.error(
                        path,
                        self._line(path, *loc, "topic"),
                        f"entry '{entry.id}' says topic '{entry.topic}' in the file of "
                        f"'{file.topic}'",
                        f"move the entry to faq/{entry.topic}.yaml or remove its 'topic'",
                    )
                entry = entry.model_copy(update={"topic": file.topic})
                entries.append(entry)
                what = f"entry '{entry.id}'"
                self._require_languages(
                    path, (*loc, "questions"), entry.questions, config, f"{what} questions"
                )
                self._require_languages(
                    path, (*loc, "answer"), entry.answer, config, f"{what} answer"
                )
                self._check_unchecked(path, loc, entry.unchecked, config, what)
                for s_index, source in enumerate(entry.sources):
                    if source not in articles and source not in unparsed_articles:
                        self.report.error(
                            path,
                            self._line(path, *loc, "sources", s_index),
                            f"{what} cites an unknown article '{source}'",
                            _suggest(source, articles, "articles.yaml"),
                        )
                for lang in config.languages:
                    phrasings = entry.questions.get(lang)
                    if 0 < len(phrasings) < config.min_questions:
                        self.report.warning(
                            path,
                            self._line(path, *loc, "questions", lang),
                            f"{what} has {len(phrasings)} phrasing(s) in '{lang}'",
                            f"add phrasings up to {config.min_questions}: a full question, "
                            "keywords, an informal one",
                        )
                    for q_index, question in enumerate(phrasings):
                        key = _question_key(question)
                        q_line = self._line(path, *loc, "questions", lang, q_index)
                        seen = questions_seen.get(key)
                        if seen is not None and seen[0] != entry.id:
                            self.report.error(
                                path,
                                q_line,
                                f"the question '{question}' is also in entry '{seen[0]}' "
                                f"({seen[1].name}:{seen[2]})",
                                "keep it in the one entry that answers it",
                            )
                        elif seen is None:
                            questions_seen[key] = (entry.id, path, q_line)
                    answer = entry.answer.get(lang)
                    if answer is None:
                        continue
                    size = answer_footprint(entry, lang, config.source_language, articles)
                    if size > TELEGRAM_MESSAGE_LIMIT:
                        self.report.error(
                            path,
                            self._line(path, *loc, "answer", lang),
                            f"{what} answer in '{lang}' would be {size} characters with its "
                            f"sources and links; a Telegram message holds "
                            f"{TELEGRAM_MESSAGE_LIMIT}",
                            "shorten the answer or split it into two entries",
                        )
                    elif len(answer) > config.answer_soft_limit:
                        self.report.warning(
                            path,
                            self._line(path, *loc, "answer", lang),
                            f"{what} answer in '{lang}' is {len(answer)} characters",
                            f"keep answers under {config.answer_soft_limit} for small screens",
                        )
        known = {entry.id for entry in entries}
        # Entries of a file that failed to validate still exist for the maintainer: resolve
        # references to them, so one typo does not cascade into dozens of errors.
        unparsed: set[str] = set()
        for path, file in faq_files:
            if file is None:
                unparsed |= self._raw_ids(path, "entries")
        for entry in entries:
            path, _ = where[entry.id]
            doc = self.docs[path]
            index = _index_of(doc, entry.id)
            for r_index, related in enumerate(entry.related):
                if related not in known and related not in unparsed:
                    self.report.error(
                        path,
                        doc.line_of(("entries", index, "related", r_index)),
                        f"entry '{entry.id}' relates to an unknown entry '{related}'",
                        _suggest(related, known, "the faq/ files"),
                    )
                elif related == entry.id:
                    self.report.error(
                        path,
                        doc.line_of(("entries", index, "related", r_index)),
                        f"entry '{entry.id}' lists itself as related",
                        "remove it from 'related'",
                    )
        if topics:
            counts = Counter(entry.topic for entry in entries)
            failed = {path.stem for path, file in faq_files if file is None}
            for slug in topics:
                if counts[slug] == 0 and slug not in failed:
                    self.report.warning(
                        self.root / "topics.yaml",
                        self._line(self.root / "topics.yaml", "topics"),
                        f"the topic '{slug}' has no entries",
                        f"add faq/{slug}.yaml with at least one entry",
                    )
        return entries

    def _check_locales(
        self,
        root: Path,
        locale_files: list[tuple[Path, LocaleFile | None]],
        config: KnowledgeConfig,
    ) -> dict[str, LocaleFile]:
        locales: dict[str, LocaleFile] = {}
        for path, locale in locale_files:
            if locale is None:
                continue
            if path.stem != locale.language:
                self.report.error(
                    path,
                    self._line(path, "language"),
                    f"the file '{path.name}' says language '{locale.language}'",
                    f"rename the file to {locale.language}.yaml or fix 'language'",
                )
                continue
            locales[locale.language] = locale
        for lang in config.languages:
            if lang not in locales and not (root / "locales" / f"{lang}.yaml").is_file():
                self.report.error(
                    root / "locales" / f"{lang}.yaml",
                    1,
                    f"no locale file for '{lang}'",
                    f"copy locales/{config.source_language}.yaml to locales/{lang}.yaml, "
                    "translate it and set unchecked: true",
                )
        source = locales.get(config.source_language)
        if source is None:
            return locales
        for code, locale in locales.items():
            path = root / "locales" / f"{code}.yaml"
            if code != config.source_language:
                if locale.unchecked and code in config.languages:
                    self.report.warning(
                        path,
                        self._line(path, "unchecked"),
                        f"the '{code}' interface texts are an unchecked translation",
                        "once a person has checked them, set unchecked: false",
                    )
            elif locale.unchecked:
                self.report.error(
                    path,
                    self._line(path, "unchecked"),
                    "the source language's texts are marked unchecked",
                    "the source language is authoritative; set unchecked: false",
                )
            for key, text in source.strings.items():
                if key not in locale.strings:
                    self.report.error(
                        path,
                        self._line(path, "strings"),
                        f"the text '{key}' is missing",
                        f"translate it from locales/{config.source_language}.yaml",
                    )
                    continue
                expected = _placeholders(text)
                got = _placeholders(locale.strings[key])
                if expected != got:
                    self.report.error(
                        path,
                        self._line(path, "strings", key),
                        f"the text '{key}' has placeholders {sorted(got) or 'none'}, "
                        f"the source has {sorted(expected) or 'none'}",
                        "keep every {name} of the source text, spelled the same",
                    )
            for key in locale.strings:
                if key not in source.strings:
                    self.report.error(
                        path,
                        self._line(path, "strings", key),
                        f"unknown text '{key}'",
                        _suggest(key, source.strings, f"locales/{config.source_language}.yaml"),
                    )
        return locales

    def _check_synonyms(self, path: Path, file: SynonymsFile | None) -> None:
        if file is None:
            return
        owner: dict[str, str] = {}
        ids: set[str] = set()
        for index, group in enumerate(file.groups):
            if group.id in ids:
                self._duplicate(path, ("groups", index, "id"), "synonym group", group.id)
            ids.add(group.id)
            if len(group.all_terms()) < 2:
                self.report.error(
                    path,
                    self._line(path, "groups", index),
                    f"the synonym group '{group.id}' has only one term",
                    "add the other spellings or names, or remove the group",
                )
            for t_index, term in enumerate(group.all_terms()):
                key = _question_key(term)
                field = "terms" if t_index < len(group.terms) else "case_sensitive"
                position = t_index if field == "terms" else t_index - len(group.terms)
                if not key:
                    self.report.error(
                        path,
                        self._line(path, "groups", index, field, position),
                        f"the term '{term}' has no letters or digits",
                        "remove it",
                    )
                    continue
                other = owner.get(key)
                if other is not None and other != group.id:
                    self.report.error(
                        path,
                        self._line(path, "groups", index, field, position),
                        f"the term '{term}' is in the groups '{other}' and '{group.id}'",
                        "a term can mean only one thing; keep it in one group",
                    )
                owner[key] = group.id

    def _raw_ids(self, path: Path, key: str) -> set[str]:
        """Ids written in a file that failed validation (empty when it validated)."""
        doc = self.docs.get(path)
        if doc is None or not isinstance(doc.data, dict):
            return set()
        items = doc.data.get(key)
        if not isinstance(items, list):
            return set()
        return {i["id"] for i in items if isinstance(i, dict) and isinstance(i.get("id"), str)}

    def _duplicate(
        self,
        path: Path,
        loc: tuple[str | int, ...],
        kind: str,
        ident: str,
        first: str | None = None,
    ) -> None:
        also = f" (first at {first})" if first else ""
        self.report.error(
            path,
            self._line(path, *loc),
            f"the {kind} id '{ident}' is used twice{also}",
            f"give each {kind} its own id",
        )


def _stats(
    config: KnowledgeConfig,
    articles: dict[str, Article],
    topics: dict[str, Topic],
    entries: list[Entry],
    locales: dict[str, LocaleFile],
) -> Stats:
    questions: dict[str, int] = {
        lang: sum(len(entry.questions.get(lang)) for entry in entries) for lang in config.languages
    }
    unchecked = sum(len(article.unchecked) for article in articles.values())
    unchecked += sum(len(topic.unchecked) for topic in topics.values())
    unchecked += sum(len(entry.unchecked) for entry in entries)
    unchecked += sum(1 for locale in locales.values() if locale.unchecked)
    return Stats(len(articles), len(topics), len(entries), questions, unchecked)


def _question_key(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))


def _placeholders(text: str) -> set[str]:
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}
    except ValueError:
        return {"<unbalanced braces>"}


def _index_of(doc: YamlDocument, entry_id: str) -> int:
    for index, item in enumerate((doc.data or {}).get("entries", [])):
        if isinstance(item, dict) and item.get("id") == entry_id:
            return index
    return 0


def _suggest(name: str, known: Iterable[str], where: str) -> str:
    choices = list(known)
    guess = process.extractOne(name, choices, score_cutoff=60) if choices else None
    if guess:
        return f"did you mean '{guess[0]}'? (ids are defined in {where})"
    return f"use an id defined in {where}"


def _dotted(loc: tuple[Any, ...]) -> str:
    parts: list[str] = []
    for part in loc:
        if isinstance(part, int):
            parts.append(f"[{part + 1}]")
        elif isinstance(part, str) and ("[" in part or part in ("str", "Localized")):
            continue
        else:
            parts.append(("." if parts else "") + str(part))
    return "".join(parts) or "the file"


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"true/false ({value})"
    if isinstance(value, int | float):
        return f"a number ({value})"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a block of keys"
    return f"'{value}'"
