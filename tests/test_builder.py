"""The matcher built in a child process (bot/builder.py) answers as one built in this process.

The bot builds its matcher in a short-lived child to keep its own memory small; these tests
check the answers are the same question by question, and that when no child can start the bot
still gets its matcher, with a warning saying why.
"""

from __future__ import annotations

import importlib.util
import sys

import pytest

from bot.builder import build_matcher
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
        ("/bin/false", "(the builder process failed: no output)"),
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
    assert f"matcher built in this process {why}" in caplog.text
    assert built.kb is kb
    assert _answers(built)[0][0] in ("answer", "suggest")
