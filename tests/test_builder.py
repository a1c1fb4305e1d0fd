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
from pathlib import Path

import pytest

from bot.builder import load_and_build
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
    built = load_and_build(KNOWLEDGE, None)
    assert not caplog.records
    assert built.matcher is not None
    assert built.result.kb is not None
    assert built.matcher.kb is built.result.kb
    assert built.result.kb.fingerprint == kb.fingerprint
    assert _answers(built.matcher) == _answers(Matcher(kb))


@pytest.mark.skipif(
    importlib.util.find_spec("wordllama") is None,
    reason="wordllama is not installed (pip install '.[semantic]')",
)
def test_with_the_semantic_signal_too(kb: KnowledgeBase, caplog: pytest.LogCaptureFixture) -> None:
    embedder = load_embedder()
    built = load_and_build(KNOWLEDGE, embedder)
    assert not caplog.records
    assert built.matcher is not None
    assert built.matcher.mode == "lexical+semantic"
    assert _answers(built.matcher) == _answers(Matcher(kb, embedder=embedder))


def test_a_folder_is_loaded_in_the_child_and_its_errors_come_back_as_its_report(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, folder)
    (folder / "topics.yaml").write_text("topics: [unclosed\n", "utf-8")
    broken = load_and_build(folder, None)
    assert broken.result.kb is None
    assert broken.matcher is None
    assert any("topics.yaml" in p.format() for p in broken.result.report.errors)
    assert not caplog.records


def test_the_child_runs_this_package_not_one_in_the_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # An old checkout as the working folder: its `bot` must not be the one the child runs.
    (tmp_path / "bot").mkdir()
    (tmp_path / "bot" / "__init__.py").write_text("raise SystemExit('the wrong bot')\n")
    monkeypatch.chdir(tmp_path)
    built = load_and_build(KNOWLEDGE, None)
    assert built.matcher is not None
    assert not caplog.records


def _fake_python(folder: Path, script: str) -> str:
    path = folder / "python"
    path.write_text(f"#!/bin/sh\n{script}\n", "utf-8")
    path.chmod(0o755)
    return str(path)


@pytest.mark.parametrize(
    ("script", "why"),
    [
        (None, "(FileNotFoundError)"),
        ("exit 1", "(the builder process failed: exit status 1)"),
        (
            "echo 'Traceback: it broke' >&2; exit 3",
            "(the builder process failed: Traceback: it broke)",
        ),
        (
            "cat > /dev/null; echo not a pickle",
            "(the builder process failed: unreadable answer: UnpicklingError)",
        ),
        ("sleep 30", "(the builder process failed: timed out after 1 s)"),
        # The child gets none of the bot's settings: not the token.
        (
            'echo "token=${TELEGRAM_BOT_TOKEN:-none}" >&2; exit 2',
            "(the builder process failed: token=none)",
        ),
    ],
)
def test_without_a_working_child_the_knowledge_is_loaded_here_and_a_warning_says_why(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    script: str | None,
    why: str,
) -> None:
    from bot import builder

    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:secret")
    monkeypatch.setattr(builder, "CHILD_TIMEOUT", 1.0)
    fake = "/nonexistent/python" if script is None else _fake_python(tmp_path, script)
    monkeypatch.setattr(sys, "executable", fake)
    built = load_and_build(KNOWLEDGE, None)
    assert f"knowledge loaded in this process {why}" in caplog.text
    assert "secret" not in caplog.text
    assert built.matcher is not None
    assert built.matcher.match("What does IOM do?").status in ("answer", "suggest")
