"""The validator on real folders: the shipped knowledge passes, and each kind of mistake a
maintainer can make is reported with the right file, the right line and a way to fix it.

The tests check broken copies of the knowledge folder in-process and read the very lines
`python -m bot validate` prints (`Report.render`); two run the command itself.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.kb import KnowledgeBase, LoadResult, check_knowledge
from tests.conftest import FIXTURE, KNOWLEDGE, ROOT

# The languages the shipped knowledge has, but the source: all machine-translated for now.
CHECKED_LANGUAGES = ("ar", "es", "fi", "is", "pl", "ru", "uk", "fa", "fr")


def run_validate(folder: Path, *options: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "validate", *options, str(folder)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )


def line_of(path: Path, needle: str, occurrence: int = 1) -> int:
    """1-based line of the `occurrence`-th line containing `needle`."""
    seen = 0
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            seen += 1
            if seen == occurrence:
                return number
    raise AssertionError(f"{needle!r} not in {path}")


def replace_in(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def place(rendered: str) -> tuple[Path, int] | None:
    """The file and line a rendered problem names (None for a summary line)."""
    found = re.match(r"(.+?):(\d+): ", rendered)
    return (Path(found[1]).resolve(), int(found[2])) if found else None


def expect_problem(result: LoadResult, file: Path, line: int, *phrases: str) -> str:
    """The error validate prints for `file` at `line` containing every one of `phrases`."""
    assert result.kb is None, "a folder with errors is not loaded"
    shown = result.report.render()
    located = [
        out
        for out in shown
        if place(out) == (file.resolve(), line) and all(p in out for p in phrases)
    ]
    assert located, f"expected {file}:{line}: {phrases} in:\n" + "\n".join(shown)
    assert ": warning: " not in located[0]
    assert " — " in located[0], "every problem says how to fix it"
    return located[0]


# ---- the command itself -----------------------------------------------------------------


def test_shipped_knowledge_validates_in_all_ten_languages(kb: KnowledgeBase) -> None:
    result = run_validate(KNOWLEDGE)
    assert result.returncode == 0, result.stdout
    *problems, summary = result.stdout.strip().splitlines()
    assert summary.startswith("OK: ")
    assert "0 errors" in summary
    counts = dict(re.findall(r"\b(en|ar|es|fi|is|pl|ru|uk) (\d+)", summary))
    assert set(counts) == {"en", "ar", "es", "fi", "is", "pl", "ru", "uk"}
    assert all(int(n) >= 200 for n in counts.values())
    # Only the unchecked translations to report, one line per language.
    assert [p.split(":")[1].strip() for p in problems] == list(CHECKED_LANGUAGES)
    assert kb.languages == ("en", "ar", "es", "fi", "is", "pl", "ru", "uk", "fa", "fr")


def test_a_broken_folder_fails_and_verbose_lists_every_unchecked_translation(
    knowledge_copy: Path,
) -> None:
    replace_in(knowledge_copy / "faq" / "lgbti.yaml", "    questions:", "    qeustions:")
    result = run_validate(knowledge_copy, "--verbose")
    assert result.returncode == 1
    lines = result.stdout.strip().splitlines()
    assert any("unknown key 'qeustions'" in line for line in lines)
    assert ": warning: " not in lines[0], "errors come first"
    assert re.match(r"FAILED: .*; [1-9]\d* errors, \d+ warnings$", lines[-1])
    per_item = [line for line in lines if "unchecked translation (" in line]
    assert len(per_item) > len(CHECKED_LANGUAGES)
    assert not any("unchecked translations in" in line for line in lines)


# ---- unchecked translations ---------------------------------------------------------------


def test_unchecked_translations_are_one_warning_line_per_language() -> None:
    result = check_knowledge(KNOWLEDGE)
    assert result.report.ok
    shown = result.report.render()
    assert len(shown) == len(CHECKED_LANGUAGES)
    for lang, line in zip(CHECKED_LANGUAGES, shown, strict=True):
        assert line.startswith(f"warning: {lang}: unchecked translations in ")
        assert re.search(r"in \d+ entries, \d+ topics, 1 locale — ", line)
        assert f"remove '{lang}' from the 'unchecked' lists" in line
    verbose = result.report.render(verbose=True)
    assert len(verbose) == len(result.report.warnings) > len(shown)
    assert any("unchecked translation (ar, es, fi, is, pl, ru, uk, fa, fr)" in w for w in verbose)


def test_checking_a_translation_lowers_its_language_count(knowledge_copy: Path) -> None:
    path = knowledge_copy / "faq" / "iom.yaml"
    line = line_of(path, "    unchecked: [ar, es, fi, is, pl, ru, uk, fa, fr]")
    replace_in(
        path, "    unchecked: [ar, es, fi, is, pl, ru, uk, fa, fr]", "    unchecked: [ar, es]"
    )
    report = check_knowledge(knowledge_copy).report
    shown = report.render()
    counts = dict(
        re.findall(r"warning: (\w+): unchecked translations in (\d+) entries", "\n".join(shown))
    )
    assert counts["ar"] == counts["es"]
    assert int(counts["uk"]) == int(counts["ar"]) - 1
    verbose = report.render(verbose=True)
    mine = [out for out in verbose if place(out) == (path.resolve(), line)]
    assert len(mine) == 1
    assert mine[0].endswith(
        ": warning: entry 'iom-what': unchecked translation (ar, es) — once a person has "
        "checked it, remove the language from 'unchecked'"
    )


def test_a_warning_that_needs_action_is_listed_before_the_translation_summary(
    knowledge_copy: Path,
) -> None:
    path = knowledge_copy / "faq" / "iom.yaml"
    replace_in(
        path,
        "        - tell me about IOM\n        - what does IOM stand for\n"
        "        - whats the iom and what does it work on\n",
        "",
    )
    shown = check_knowledge(knowledge_copy).report.render()
    assert shown[0].endswith(
        "warning: entry 'iom-what' has 3 phrasing(s) in 'en' — add phrasings up to 5: "
        "a full question, keywords, an informal one"
    )
    assert place(shown[0]) == (path.resolve(), line_of(path, "      en:"))
    assert all(line.startswith("warning: ") for line in shown[1:])


# ---- one mistake, one error at its line -----------------------------------------------------


def mistake(
    name: str, file: str, old: str, new: str, at: str, *phrases: str, occurrence: int = 1
) -> object:
    return pytest.param(file, old, new, at, occurrence, phrases, id=name)


ONE_EDIT_MISTAKES = [
    mistake(
        "yaml-syntax-error-names-the-parser-line",
        "faq/iceland.yaml",
        "      en:\n        - Why is migration important for Iceland?",
        "      en:\n        - Why is migration important for Iceland?\n"
        "       - broken: [indentation",
        "broken: [indentation",
        "YAML syntax error",
        "indentation",
    ),
    mistake(
        "unknown-key-with-a-suggestion",
        "faq/lgbti.yaml",
        "    questions:",
        "    qeustions:",
        "qeustions:",
        "unknown key 'qeustions'",
        "did you mean 'questions'? (allowed here: id, questions, label, answer,",
    ),
    mistake(
        "duplicate-entry-id",
        "faq/tampere.yaml",
        "  - id: tampere-keynote",
        "  - id: tampere-conference",
        "  - id: tampere-conference",
        "the entry id 'tampere-conference' is used twice",
        "first at tampere.yaml:",
        occurrence=2,
    ),
    mistake(
        "unknown-topic-in-a-faq-file",
        "faq/twitter-dashboard.yaml",
        "topic: twitter-dashboard",
        "topic: twitter",
        "topic: twitter",
        "unknown topic 'twitter'",
    ),
    mistake(
        "http-url-is-refused",
        "articles.yaml",
        "    url: https://mcc.is/about-us",
        "    url: http://mcc.is/about-us",
        "http://mcc.is/about-us",
        "articles[",
        "absolute https://",
        "knowledge/articles.yaml or knowledge/allowed-urls.txt",
    ),
    mistake(
        "the-same-question-in-two-entries",
        "faq/iceland.yaml",
        "        - studying in iceland",
        "        - Why is migration important for Iceland?",
        "Why is migration important for Iceland?",
        "is also in entry 'iceland-why-matters'",
        "iceland.yaml:",
        occurrence=2,
    ),
    mistake(
        "the-same-question-in-other-capitals-and-accents",
        "faq/iceland.yaml",
        "        - studying in iceland",
        "        - why is migration important for ÍCELAND",
        "ÍCELAND",
        "is also in entry 'iceland-why-matters'",
    ),
    mistake(
        "wrong-type",
        "topics.yaml",
        "    order: 3",
        "    order: third",
        "order: third",
        "topics[3].order",
    ),
    mistake(
        "missing-key",
        "topics.yaml",
        '  - slug: tampere\n    emoji: "🇪🇺"\n',
        "  - slug: tampere\n",
        "  - slug: tampere",
        "missing 'emoji'",
    ),
    mistake(
        "key-written-twice",
        "config.yaml",
        "source_language: en\n",
        "source_language: en\nsource_language: fi\n",
        "source_language: fi",
        "written twice",
    ),
    mistake(
        "contract-topic-cannot-be-removed",
        "topics.yaml",
        "  - slug: twitter-dashboard",
        "  - slug: social-media",
        "topics:",
        "the topic 'twitter-dashboard' is missing",
    ),
    mistake(
        "a-locale-text-is-missing",
        "locales/pl.yaml",
        "  feedback_thanks: Dziękuję! To pomaga nam ulepszać odpowiedzi.\n",
        "",
        "strings:",
        "the text 'feedback_thanks' is missing",
    ),
]


@pytest.mark.parametrize(("file", "old", "new", "at", "occurrence", "phrases"), ONE_EDIT_MISTAKES)
def test_a_mistake_is_reported_at_its_line_with_a_fix(
    knowledge_copy: Path,
    file: str,
    old: str,
    new: str,
    at: str,
    occurrence: int,
    phrases: tuple[str, ...],
) -> None:
    path = knowledge_copy / file
    replace_in(path, old, new)
    expect_problem(check_knowledge(knowledge_copy), path, line_of(path, at, occurrence), *phrases)


def test_dangling_references(knowledge_copy: Path) -> None:
    path = knowledge_copy / "faq" / "iom.yaml"
    replace_in(
        path,
        "    related: [iom-un, iom-leader, iom-help-migrants]",
        "    related: [iom-un, iom-leeder, iom-help-migrants]",
    )
    replace_in(
        path, "    sources: [iom-global, iom-pope-news]", "    sources: [iom-global, iom-pope]"
    )
    result = check_knowledge(knowledge_copy)
    out = expect_problem(
        result,
        path,
        line_of(path, "iom-leeder"),
        "relates to an unknown entry 'iom-leeder'",
    )
    assert "did you mean 'iom-leader'?" in out
    out = expect_problem(
        result, path, line_of(path, "iom-pope]"), "cites an unknown article 'iom-pope'"
    )
    assert "iom-pope-news" in out


def test_missing_language_in_an_entry(knowledge_copy: Path) -> None:
    path = knowledge_copy / "faq" / "global-compact.yaml"
    text = path.read_text(encoding="utf-8")
    # Drop the Icelandic answer of the first entry.
    start = text.index("      is: >-", text.index("    answer:"))
    end = text.index("      pl: >-", start)
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    line = line_of(path, "    answer:")
    expect_problem(
        check_knowledge(knowledge_copy), path, line, "entry 'gcm-what' answer has no 'is' text"
    )


def test_over_long_answer_is_refused(knowledge_copy: Path) -> None:
    path = knowledge_copy / "faq" / "cultural-diversity.yaml"
    long_text = "Diversity matters. " * 230
    opening = "The World Day for Cultural Diversity for Dialogue and Development is held every"
    replace_in(
        path,
        f"      en: >-\n        {opening}",
        f"      en: >-\n        {long_text}\n        {opening}",
    )
    line = line_of(path, "      en: >-")
    out = expect_problem(
        check_knowledge(knowledge_copy), path, line, "a Telegram message holds 4096"
    )
    assert "entry 'diversity-day-date' answer in 'en' would be" in out


def test_missing_locale_file(knowledge_copy: Path) -> None:
    (knowledge_copy / "locales" / "is.yaml").unlink()
    expect_problem(
        check_knowledge(knowledge_copy),
        knowledge_copy / "locales" / "is.yaml",
        1,
        "no locale file for 'is'",
    )


@pytest.mark.parametrize("name", ["config", "articles", "topics", "synonyms"])
def test_a_missing_core_file_is_reported(knowledge_copy: Path, name: str) -> None:
    (knowledge_copy / f"{name}.yaml").unlink()
    expect_problem(
        check_knowledge(knowledge_copy), knowledge_copy / f"{name}.yaml", 1, "the file is missing"
    )


def test_every_problem_is_reported_in_one_run(knowledge_copy: Path) -> None:
    replace_in(knowledge_copy / "faq" / "lgbti.yaml", "    questions:", "    qeustions:")
    replace_in(
        knowledge_copy / "articles.yaml",
        "    url: https://mcc.is/about-us",
        "    url: http://mcc.is/about-us",
    )
    replace_in(
        knowledge_copy / "faq" / "iom.yaml",
        "related: [iom-un, iom-leader, iom-help-migrants]",
        "related: [nowhere]",
    )
    report = check_knowledge(knowledge_copy).report
    shown = "\n".join(report.render(errors_only=True))
    assert "qeustions" in shown
    assert "http://" in shown
    assert "https://" in shown
    assert "'nowhere'" in shown
    assert len(report.errors) >= 3


def test_a_long_error_list_is_cut_with_a_count_of_the_rest(knowledge_copy: Path) -> None:
    # Without articles.yaml every source of every entry is unknown: dozens of errors.
    (knowledge_copy / "articles.yaml").unlink()
    report = check_knowledge(knowledge_copy).report
    shown = report.render(errors_only=True, limit=20)
    assert shown[:20] == report.render(errors_only=True)[:20]
    assert shown[20:] == [f"… and {len(report.errors) - 20} more: run `python -m bot validate`"]


def test_stats_report_measures_every_language_as_a_phone_shows_it() -> None:
    result = run_validate(FIXTURE, "--stats")
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("lang "))
    assert "phone lines" in lines[header]
    assert "unchecked" in lines[header]
    rows = [line.split() for line in lines[header + 1 : header + 4]]
    assert [row[0] for row in rows] == ["en", "ar", "uk"]
    assert all(int(row[-3].split(".")[0]) >= 3 for row in rows), "title, answer and source"
    assert any(line.startswith("entries per topic: ") for line in lines)
