"""The knowledge loaded and its matcher built in a child process (bot/builder.py) answer as
those of this process.

The bot loads its knowledge and builds its matcher in a short-lived child to keep its own
memory small; these tests check the answers are the same question by question, that a folder
with errors comes back as its report, and that when no child can start the bot still gets its
matcher, with a warning saying why.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

from bot.builder import build_matcher, load_and_build
from bot.kb import KnowledgeBase, load_knowledge
from bot.matching import Decision, Matcher
from bot.matching.semantic import load_embedder
from tests.conftest import KNOWLEDGE

# Written for this test: topics, another language, a crisis, small talk, a place, typos.
QUESTIONS = [
    ("What does IOM do?", None),
    ("Can I study in Iceland for free", "en"),
    ("¿Cómo pido asilo en Islandia?", "es"),
    ("Мне нужна помощь, меня бьют дома", "ru"),
    ("hello there", None),
    ("I live in Berlin, how do I get a work permit in Germany?", "en"),
    ("Waan ku faraxsanahay inaan halkan joogo, shaqo ma heli karaa?", "en"),
    ("wat is the globl compakt for migrashun", None),
]


def _answers(matcher: Matcher) -> list[tuple[object, ...]]:
    def seen(d: Decision) -> tuple[object, ...]:
        return (d.status, d.entry, d.topic, d.raw_score, d.lang, d.suggestions, d.crisis,
                d.countries, d.talk)  # fmt: skip

    return [seen(matcher.match(q, user_lang=lang)) for q, lang in QUESTIONS]


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_knowledge(KNOWLEDGE)


def test_a_matcher_built_in_a_child_answers_as_one_built_here(
    kb: KnowledgeBase, caplog: pytest.LogCaptureFixture
) -> None:
    built = build_matcher(kb, None)
    assert not caplog.records
    assert built.kb is kb
    assert _answers(built) == _answers(Matcher(kb))


@pytest.mark.skipif(
    importlib.util.find_spec("wordllama") is None,
    reason="wordllama is not installed (pip install '.[semantic]')",
)
def test_with_the_semantic_signal_too(kb: KnowledgeBase, caplog: pytest.LogCaptureFixture) -> None:
    embedder = load_embedder()
    built = build_matcher(kb, embedder)
    assert not caplog.records
    assert built.mode == "lexical+semantic"
    assert _answers(built) == _answers(Matcher(kb, embedder=embedder))


@pytest.mark.parametrize(
    ("executable", "why"),
    [
        ("/nonexistent/python", "(FileNotFoundError)"),
        ("/bin/false", "(the builder process failed: exit status 1)"),
    ],
)
def test_without_a_child_the_matcher_is_built_here_and_a_warning_says_why(
    kb: KnowledgeBase,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    executable: str,
    why: str,
) -> None:
    monkeypatch.setattr(sys, "executable", executable)
    built = build_matcher(kb, None)
    assert f"knowledge loaded in this process {why}" in caplog.text
    assert built.kb is kb
    assert _answers(built)[0][0] in ("answer", "suggest")


def test_a_folder_is_loaded_in_the_child_and_its_errors_come_back_as_its_report(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, folder)
    built = load_and_build(folder, None)
    assert built.result.kb is not None
    assert built.matcher is not None
    assert built.matcher.kb is built.result.kb
    assert built.result.kb.fingerprint == load_knowledge(folder).fingerprint
    assert built.matcher.match("What does IOM do?").status in ("answer", "suggest")

    (folder / "topics.yaml").write_text("topics: [unclosed\n", "utf-8")
    broken = load_and_build(folder, None)
    assert broken.result.kb is None
    assert broken.matcher is None
    assert any("topics.yaml" in p.format() for p in broken.result.report.errors)
    assert not caplog.records


def test_without_a_writable_temporary_folder_the_matcher_is_built_here(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def read_only(*_args: object, **_kwargs: object) -> None:
        raise PermissionError("read-only file system")

    monkeypatch.setattr(tempfile, "TemporaryFile", read_only)
    built = build_matcher(kb, None)
    assert "knowledge loaded in this process (PermissionError)" in caplog.text
    assert built.kb is kb
