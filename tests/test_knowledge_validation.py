"""The validator on real folders: the shipped knowledge passes, and each kind of mistake a
maintainer can make is reported with the right file, the right line and a way to fix it."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.kb import check_knowledge
from tests.conftest import KNOWLEDGE, ROOT


def run_validate(folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "validate", str(folder)],
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


def test_shipped_knowledge_validates_in_all_eight_languages() -> None:
    result = run_validate(KNOWLEDGE)
    assert result.returncode == 0, result.stdout
    summary = result.stdout.strip().splitlines()[-1]
    assert summary.startswith("OK: ")
    assert "0 errors" in summary
    counts = dict(re.findall(r"\b(en|ar|es|fi|is|pl|ru|uk) (\d+)", summary))
    assert set(counts) == {"en", "ar", "es", "fi", "is", "pl", "ru", "uk"}
    assert all(int(n) >= 200 for n in counts.values())
    checked = check_knowledge(KNOWLEDGE)
    assert checked.kb is not None
    assert checked.kb.languages == ("en", "ar", "es", "fi", "is", "pl", "ru", "uk")


def test_unchecked_translations_are_warnings_not_errors() -> None:
    result = check_knowledge(KNOWLEDGE)
    assert result.report.ok
    warnings = [p.format() for p in result.report.warnings]
    assert any("unchecked translation (ar, es, fi, is, pl, ru, uk)" in w for w in warnings)


def expect_problem(folder: Path, file: Path, line: int, *phrases: str) -> str:
    result = run_validate(folder)
    assert result.returncode == 1, result.stdout
    prefix = f"{file}:{line}: "
    matching = [
        out
        for out in result.stdout.splitlines()
        if out.endswith(tuple(phrases[-1:])) or all(p in out for p in phrases)
    ]
    located = [
        m
        for m in matching
        if Path(m.split(":", 1)[0]).resolve() == file.resolve() and f":{line}: " in m
    ]
    assert located, f"expected {prefix}{phrases} in:\n{result.stdout}"
    assert " — " in located[0], "every problem says how to fix it"
    assert result.stdout.strip().splitlines()[-1].startswith("FAILED")
    return located[0]


def test_yaml_syntax_error_names_the_parser_line(knowledge_copy: Path) -> None:
    path = knowledge_copy / "faq" / "iceland.yaml"
    replace_in(
        path,
        "      en:\n        - Why is migration important for Iceland?",
        "      en:\n        - Why is migration important for Iceland?\n"
        "       - broken: [indentation",
    )
    line = line_of(path, "broken: [indentation")
    out = expect_problem(knowledge_copy, path, line, "YAML syntax error")
    assert "indentation" in out


def test_unknown_key_is_reported_with_a_suggestion(knowledge_copy: Path) -> None:
    path = knowledge_copy / "faq" / "lgbti.yaml"
    replace_in(path, "    questions:", "    qeustions:")
    line = line_of(path, "qeustions:")
    out = expect_problem(knowledge_copy, path, line, "unknown key 'qeustions'")
    assert "did you mean 'questions'?" in out


def test_duplicate_entry_id(knowledge_copy: Path) -> None:
    path = knowledge_copy / "faq" / "tampere.yaml"
    replace_in(path, "  - id: tampere-keynote", "  - id: tampere-conference")
    line = line_of(path, "  - id: tampere-conference", 2)
    out = expect_problem(
        knowledge_copy, path, line, "the entry id 'tampere-conference' is used twice"
    )
    assert "first at tampere.yaml:" in out


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
    out = expect_problem(
        knowledge_copy,
        path,
        line_of(path, "iom-leeder"),
        "relates to an unknown entry 'iom-leeder'",
    )
    assert "did you mean 'iom-leader'?" in out
    out = expect_problem(
        knowledge_copy, path, line_of(path, "iom-pope]"), "cites an unknown article 'iom-pope'"
    )
    assert "iom-pope-news" in out


def test_unknown_topic_in_a_faq_file(knowledge_copy: Path) -> None:
    path = knowledge_copy / "faq" / "twitter-dashboard.yaml"
    replace_in(path, "topic: twitter-dashboard", "topic: twitter")
    expect_problem(knowledge_copy, path, line_of(path, "topic: twitter"), "unknown topic 'twitter'")


def test_missing_language_in_an_entry_and_in_a_locale(knowledge_copy: Path) -> None:
    path = knowledge_copy / "faq" / "global-compact.yaml"
    text = path.read_text(encoding="utf-8")
    # Drop the Icelandic answer of the first entry.
    start = text.index("      is: >-\n        Hnattrænn samningur um örugga")
    end = text.index("      pl: >-", start)
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    line = line_of(path, "    answer:")
    expect_problem(knowledge_copy, path, line, "entry 'gcm-what' answer has no 'is' text")
    locale = knowledge_copy / "locales" / "pl.yaml"
    replace_in(locale, "  feedback_thanks: Dziękuję! To pomaga nam ulepszać odpowiedzi.\n", "")
    expect_problem(
        knowledge_copy, locale, line_of(locale, "strings:"), "the text 'feedback_thanks' is missing"
    )


def test_missing_locale_file(knowledge_copy: Path) -> None:
    (knowledge_copy / "locales" / "is.yaml").unlink()
    expect_problem(
        knowledge_copy, knowledge_copy / "locales" / "is.yaml", 1, "no locale file for 'is'"
    )


def test_http_url_is_refused(knowledge_copy: Path) -> None:
    path = knowledge_copy / "articles.yaml"
    replace_in(path, "    url: https://mcc.is/about-us", "    url: http://mcc.is/about-us")
    out = expect_problem(
        knowledge_copy, path, line_of(path, "http://mcc.is/about-us"), "absolute https://"
    )
    assert "articles[" in out


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
    out = expect_problem(knowledge_copy, path, line, "a Telegram message holds 4096")
    assert "entry 'diversity-day-date' answer in 'en' would be" in out


def test_the_same_question_in_two_entries(knowledge_copy: Path) -> None:
    path = knowledge_copy / "faq" / "iceland.yaml"
    replace_in(
        path, "        - studying in iceland", "        - Why is migration important for Iceland?"
    )
    line = line_of(path, "Why is migration important for Iceland?", 2)
    out = expect_problem(knowledge_copy, path, line, "is also in entry 'iceland-why-matters'")
    assert "iceland.yaml:" in out


def test_wrong_type_and_missing_key(knowledge_copy: Path) -> None:
    path = knowledge_copy / "topics.yaml"
    replace_in(path, "    order: 3", "    order: third")
    expect_problem(knowledge_copy, path, line_of(path, "order: third"), "topics[3].order")
    replace_in(path, '    emoji: "🇪🇺"\n', "")
    expect_problem(knowledge_copy, path, line_of(path, "  - slug: tampere"), "missing 'emoji'")


def test_key_written_twice_is_an_error(knowledge_copy: Path) -> None:
    path = knowledge_copy / "config.yaml"
    replace_in(path, "source_language: en\n", "source_language: en\nsource_language: fi\n")
    expect_problem(knowledge_copy, path, line_of(path, "source_language: fi"), "written twice")


def test_contract_topic_cannot_be_removed(knowledge_copy: Path) -> None:
    path = knowledge_copy / "topics.yaml"
    replace_in(path, "  - slug: twitter-dashboard", "  - slug: social-media")
    expect_problem(
        knowledge_copy, path, line_of(path, "topics:"), "the topic 'twitter-dashboard' is missing"
    )


@pytest.mark.parametrize("name", ["config", "articles", "topics", "synonyms"])
def test_a_missing_core_file_is_reported(knowledge_copy: Path, name: str) -> None:
    (knowledge_copy / f"{name}.yaml").unlink()
    expect_problem(knowledge_copy, knowledge_copy / f"{name}.yaml", 1, "the file is missing")


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
    result = run_validate(knowledge_copy)
    assert result.returncode == 1
    assert "qeustions" in result.stdout
    assert "http" in result.stdout
    assert "https://" in result.stdout
    assert "'nowhere'" in result.stdout
    assert re.search(r"FAILED: .* [3-9] errors", result.stdout)
