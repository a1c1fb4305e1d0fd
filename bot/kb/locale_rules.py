"""The rules of the locale files (`locales/<lang>.yaml`): one file per language, named after
it, with the source language's texts and {placeholders}."""

from __future__ import annotations

import string
from collections.abc import Iterable, Mapping
from pathlib import Path

from bot.kb.models import KnowledgeConfig, LocaleFile
from bot.kb.reader import Item, KnowledgeFile
from bot.kb.report import Report, Unchecked
from bot.kb.rules import unknown_id_hint


def locale_files(
    files: Iterable[KnowledgeFile[LocaleFile]], config: KnowledgeConfig, root: Path, report: Report
) -> dict[str, Item[LocaleFile]]:
    """The locale of each language: its file is named after it, and every language has one."""
    found: dict[str, Item[LocaleFile]] = {}
    for file in files:
        if file.content is None:
            continue
        language = file.content.language
        if file.path.stem != language:
            report.error(
                file.path,
                file.line("language"),
                f"the file '{file.path.name}' says language '{language}'",
                f"rename the file to {language}.yaml or fix 'language'",
            )
            continue
        found[language] = Item(file.content, "locale", language, file, ())
    for lang in config.languages:
        path = root / "locales" / f"{lang}.yaml"
        if lang not in found and not path.is_file():
            report.error(
                path,
                1,
                f"no locale file for '{lang}'",
                f"copy locales/{config.source_language}.yaml to locales/{lang}.yaml, "
                "translate it and set unchecked: true",
            )
    return found


def locale_unchecked_marks(
    locales: Mapping[str, Item[LocaleFile]], config: KnowledgeConfig, report: Report
) -> None:
    """The source language's texts are never unchecked; other unchecked locales are warnings."""
    for code, item in locales.items():
        if not item.value.unchecked:
            continue
        if code == config.source_language:
            report.error(
                item.path,
                item.line("unchecked"),
                "the source language's texts are marked unchecked",
                "the source language is authoritative; set unchecked: false",
            )
        elif code in config.languages:
            report.warning(
                item.path,
                item.line("unchecked"),
                f"the '{code}' interface texts are an unchecked translation",
                "once a person has checked them, set unchecked: false",
                Unchecked("locale", (code,)),
            )


def locale_texts_match_source(
    locales: Iterable[Item[LocaleFile]], source: Item[LocaleFile], report: Report
) -> None:
    """Every locale has the texts of the source language's locale, and no others."""
    source_file = f"locales/{source.ident}.yaml"
    for item in locales:
        for key in _missing(source.value.strings, item.value.strings):
            report.error(
                item.path,
                item.line("strings"),
                f"the text '{key}' is missing",
                f"translate it from {source_file}",
            )
        for key in _missing(item.value.strings, source.value.strings):
            report.error(
                item.path,
                item.line("strings", key),
                f"unknown text '{key}'",
                unknown_id_hint(key, source.value.strings, source_file),
            )


def placeholders_match_source(
    locales: Iterable[Item[LocaleFile]], source: Item[LocaleFile], report: Report
) -> None:
    """A translated text keeps every {placeholder} of the source text, spelled the same."""
    for item in locales:
        for key, text in item.value.strings.items():
            if key not in source.value.strings:
                continue
            expected, got = _placeholders(source.value.strings[key]), _placeholders(text)
            if expected != got:
                report.error(
                    item.path,
                    item.line("strings", key),
                    f"the text '{key}' has placeholders {sorted(got) or 'none'}, "
                    f"the source has {sorted(expected) or 'none'}",
                    "keep every {name} of the source text, spelled the same",
                )


def _missing(keys: Iterable[str], where: Mapping[str, str]) -> list[str]:
    return [key for key in keys if key not in where]


def _placeholders(text: str) -> set[str]:
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}
    except ValueError:
        return {"<unbalanced braces>"}
