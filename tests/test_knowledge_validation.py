"""The validator on real folders: the shipped knowledge passes, and each kind of mistake a
maintainer can make is reported with the right file, the right line and a way to fix it.

Mistakes are made in a copy of the fixture knowledge and checked in-process with
`check_knowledge`, which `python -m bot validate` prints; two tests run the command itself.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.kb import check_knowledge
from bot.live import Served
from tests.conftest import FIXTURE, KNOWLEDGE, ROOT


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


def replace_line_under(path: Path, block: str, prefix: str, new: str | None) -> None:
    """Replace (or with None, remove) the first line starting with `prefix` after `block`."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.rstrip("\n") == block)
    at = next(i for i in range(start + 1, len(lines)) if lines[i].startswith(prefix))
    lines[at : at + 1] = [] if new is None else [new + "\n"]
    path.write_text("".join(lines), encoding="utf-8")


def expect_problem(folder: Path, file: Path, line: int, message: str) -> str:
    """The error `message` reported at file:line, formatted as `validate` prints it."""
    report = check_knowledge(folder).report
    found = [
        problem
        for problem in report.errors
        if problem.path.resolve() == file.resolve()
        and problem.line == line
        and message in problem.format()
    ]
    everything = "\n".join(problem.format() for problem in report.sorted())
    assert found, f"expected {file.name}:{line}: {message} in:\n{everything}"
    assert found[0].hint, "every problem says how to fix it"
    return found[0].format()


def test_shipped_knowledge_validates_in_all_eight_languages() -> None:
    result = run_validate(KNOWLEDGE)
    assert result.returncode == 0, result.stdout
    summary = result.stdout.strip().splitlines()[-1]
    assert summary.startswith("OK: ")
    assert "0 errors" in summary
    counts = dict(re.findall(r"\b(en|ar|es|fi|is|pl|ru|uk) (\d+)", summary))
    assert set(counts) == {"en", "ar", "es", "fi", "is", "pl", "ru", "uk"}
    assert all(int(n) >= 200 for n in counts.values())


def test_fixture_knowledge_validates() -> None:
    result = check_knowledge(FIXTURE)
    assert result.report.errors == []
    assert result.kb is not None


def test_unchecked_translations_are_warnings_not_errors(served: Served) -> None:
    result = check_knowledge(FIXTURE)
    assert result.report.ok
    warnings = [p.format() for p in result.report.warnings]
    unchecked = [e for e in served.kb.entries if e.unchecked]
    assert unchecked, "the fixture has an unchecked translation"
    for entry in unchecked:
        mark = f"entry '{entry.id}': unchecked translation ({', '.join(entry.unchecked)})"
        assert any(mark in w for w in warnings), warnings


@pytest.mark.parametrize(
    ("file", "old", "new", "at", "message", "hint"),
    [
        pytest.param(
            "faq/iceland.yaml",
            "      ar:\n",
            "       - broken: [indentation\n      ar:\n",
            ("broken: [indentation", 1),
            "YAML syntax error",
            "indentation",
            id="yaml-syntax",
        ),
        pytest.param(
            "faq/lgbti.yaml",
            "    questions:",
            "    qeustions:",
            ("qeustions:", 1),
            "unknown key 'qeustions'",
            "did you mean 'questions'?",
            id="misspelt-key",
        ),
        pytest.param(
            "faq/iceland.yaml",
            "  - id: iceland-study",
            "  - id: iceland-work",
            ("  - id: iceland-work", 2),
            "the entry id 'iceland-work' is used twice",
            "first at iceland.yaml:",
            id="duplicate-entry-id",
        ),
        pytest.param(
            "faq/iom.yaml",
            "related: [iom-office]",
            "related: [iom-ofice]",
            ("iom-ofice", 1),
            "relates to an unknown entry 'iom-ofice'",
            "did you mean 'iom-office'?",
            id="unknown-related-entry",
        ),
        pytest.param(
            "faq/iom.yaml",
            "sources: [iom-global]",
            "sources: [iom-globl]",
            ("iom-globl", 1),
            "cites an unknown article 'iom-globl'",
            "did you mean 'iom-global'?",
            id="unknown-source",
        ),
        pytest.param(
            "faq/lgbti.yaml",
            "topic: lgbti",
            "topic: lgbt",
            ("topic: lgbt", 1),
            "unknown topic 'lgbt'",
            "add it to topics.yaml",
            id="unknown-topic",
        ),
        pytest.param(
            "articles.yaml",
            "url: https://www.iom.int/",
            "url: http://www.iom.int/",
            ("http://www.iom.int/", 1),
            "absolute https://",
            "articles[",
            id="http-url",
        ),
        pytest.param(
            "config.yaml",
            "source_language: en\n",
            "source_language: en\nsource_language: uk\n",
            ("source_language: uk", 1),
            "written twice",
            "keep one of them",
            id="key-written-twice",
        ),
        pytest.param(
            "topics.yaml",
            "  - slug: twitter-dashboard",
            "  - slug: social-media",
            ("topics:", 1),
            "the topic 'twitter-dashboard' is missing",
            "must always exist",
            id="contract-topic-removed",
        ),
        pytest.param(
            "topics.yaml",
            "    order: 3",
            "    order: third",
            ("order: third", 1),
            "topics[3].order",
            "valid integer",
            id="wrong-type",
        ),
        pytest.param(
            "topics.yaml",
            '    emoji: "🇪🇺"\n',
            "",
            ("  - slug: tampere", 1),
            "missing 'emoji'",
            "add it",
            id="missing-key",
        ),
    ],
)
def test_a_mistake_is_reported_at_its_line_with_a_fix(
    fixture_copy: Path,
    file: str,
    old: str,
    new: str,
    at: tuple[str, int],
    message: str,
    hint: str,
) -> None:
    path = fixture_copy / file
    replace_in(path, old, new)
    assert hint in expect_problem(fixture_copy, path, line_of(path, *at), message)


def test_the_same_question_in_two_entries(fixture_copy: Path, served: Served) -> None:
    path = fixture_copy / "faq" / "iceland.yaml"
    work, study = served.kb.entries_in("iceland")[0], served.kb.entries_in("iceland")[-1]
    title = work.questions.get("en")[0]
    replace_in(path, f"        - {study.questions.get('en')[1]}\n", f"        - {title}\n")
    out = expect_problem(
        fixture_copy, path, line_of(path, title, 2), f"is also in entry '{work.id}'"
    )
    assert "iceland.yaml:" in out


def test_missing_language_in_an_entry_and_in_a_locale(fixture_copy: Path) -> None:
    path = fixture_copy / "faq" / "global-compact.yaml"
    replace_line_under(path, "    answer:", "      uk:", None)
    line = line_of(path, "    answer:")
    expect_problem(fixture_copy, path, line, "entry 'gcm-what' answer has no 'uk' text")
    locale = fixture_copy / "locales" / "ar.yaml"
    replace_line_under(locale, "strings:", "  feedback_thanks:", None)
    line = line_of(locale, "strings:")
    expect_problem(fixture_copy, locale, line, "the text 'feedback_thanks' is missing")


def test_missing_locale_file(fixture_copy: Path) -> None:
    path = fixture_copy / "locales" / "ar.yaml"
    path.unlink()
    expect_problem(fixture_copy, path, 1, "no locale file for 'ar'")


def test_over_long_answer_is_refused(fixture_copy: Path) -> None:
    path = fixture_copy / "faq" / "tampere.yaml"
    replace_line_under(path, "    answer:", "      en:", "      en: " + "Diversity matters. " * 230)
    line = line_of(path, "Diversity matters.")
    out = expect_problem(fixture_copy, path, line, "a Telegram message holds 4096")
    assert "entry 'tampere-conference' answer in 'en' would be" in out


@pytest.mark.parametrize("name", ["config", "articles", "topics", "synonyms"])
def test_a_missing_core_file_is_reported(fixture_copy: Path, name: str) -> None:
    (fixture_copy / f"{name}.yaml").unlink()
    expect_problem(fixture_copy, fixture_copy / f"{name}.yaml", 1, "the file is missing")


def test_every_problem_is_reported_in_one_run(fixture_copy: Path) -> None:
    replace_in(fixture_copy / "faq" / "lgbti.yaml", "    questions:", "    qeustions:")
    replace_in(
        fixture_copy / "articles.yaml", "url: https://www.iom.int/", "url: http://www.iom.int/"
    )
    replace_in(fixture_copy / "faq" / "iom.yaml", "related: [iom-office]", "related: [nowhere]")
    result = run_validate(fixture_copy)
    assert result.returncode == 1
    problems = result.stdout.splitlines()[:-1]
    assert all(re.match(r"\S+\.yaml:\d+: .+ — .+", line) for line in problems), problems
    assert "qeustions" in result.stdout
    assert "articles[3].url" in result.stdout
    assert "https://" in result.stdout
    assert "'nowhere'" in result.stdout
    assert re.search(r"^FAILED: .* [3-9] errors", result.stdout.splitlines()[-1])
