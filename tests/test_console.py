"""The terminal chat through a real subprocess, as a new user without a token runs it.

The chat serves the fixture knowledge (`--knowledge`); expected texts are read from it.
"""

from __future__ import annotations

import os
import subprocess
import sys

from bot.live import Served
from tests.conftest import FIXTURE, ROOT, says

RLM = "\u200f"


def chat(
    lines: str, command: str, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TELEGRAM_", "BOT_", "LANG", "LC_"))
    }
    return subprocess.run(
        [sys.executable, "-m", "bot", command, "--knowledge", str(FIXTURE), *args],
        input=lines,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**clean, **(env or {})},
        timeout=60,
        check=False,
    )


def test_without_a_token_run_opens_the_chat_in_the_terminal(served: Served) -> None:
    kb = served.kb
    entry = kb.entries_in("iceland")[0]
    result = chat(f"{entry.questions.get('en')[0]}\n/quit\n", "run")
    assert result.returncode == 0, result.stderr
    assert (
        "TELEGRAM_BOT_TOKEN is not set: opening the same conversation in this terminal."
        in result.stderr
    )
    assert f"knowledge loaded: {len(kb.entries)} entries" in result.stderr
    assert says(kb, "en", "greeting") in result.stdout
    assert says(kb, "en", "console_hint") in result.stdout
    assert entry.title("en", "en").upper() in result.stdout
    assert f"({kb.articles[entry.sources[0]].url})" in result.stdout


def test_buttons_are_pressed_by_number(served: Served) -> None:
    kb = served.kb
    topic = kb.topic("iceland")
    assert topic is not None
    first = kb.entries_in(topic.slug)[0]
    # The topic's number on the start menu, then 1 = its first question.
    number = kb.topics.index(topic) + 1
    result = chat(f"{number}\n1\n", "chat")
    assert result.returncode == 0, result.stderr
    assert says(kb, "en", "topic_heading", topic=topic.title.get("en") or "") in result.stdout
    assert first.title("en", "en").upper() in result.stdout
    assert (first.answer.get("en") or "-") in result.stdout


def test_the_terminal_language_and_language_switch(served: Served) -> None:
    kb = served.kb
    number = kb.languages.index("ar") + 1  # on the /language menu
    result = chat(f"/language\n{number}\n", "chat", env={"LANG": "uk_UA.UTF-8"})
    assert says(kb, "uk", "greeting") in result.stdout
    assert says(kb, "uk", "language_prompt") in result.stdout
    assert RLM + says(kb, "ar", "language_set") in result.stdout


def test_arabic_in_the_terminal_is_marked_right_to_left(served: Served) -> None:
    entry = served.kb.entry("iceland-asylum")
    assert entry is not None
    result = chat(entry.questions.get("ar")[0] + "\n", "chat", "--lang", "ar")
    assert RLM + entry.title("ar", "en") in result.stdout


def test_run_without_a_token_and_without_a_terminal_fails_clearly() -> None:
    """A service or container started without its token must not stop with status 0 (the
    supervisor would not restart it, nor say why)."""
    result = chat("", "run")
    assert result.returncode == 1
    assert "TELEGRAM_BOT_TOKEN is not set and there is no terminal" in result.stderr
    # Questions piped in are still a conversation.
    assert chat("/quit\n", "run").returncode == 0
