"""The terminal chat through a real subprocess, as a new user without a token runs it."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import ROOT


def chat(
    lines: str, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TELEGRAM_", "BOT_", "LANG", "LC_"))
    }
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=lines,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**clean, **(env or {})},
        timeout=60,
        check=False,
    )


def test_without_a_token_run_opens_the_chat_in_the_terminal() -> None:
    result = chat("How do I seek asylum in Iceland?\n/quit\n", "run")
    assert result.returncode == 0, result.stderr
    assert (
        "TELEGRAM_BOT_TOKEN is not set: opening the same conversation in this terminal."
        in result.stderr
    )
    assert "knowledge loaded: 58 entries" in result.stderr
    assert "Hello! I answer questions about migration" in result.stdout
    assert "HOW DO I SEEK ASYLUM IN ICELAND?" in result.stdout
    assert "(https://iom.fi/en/why-does-migration-iceland-matter)" in result.stdout


def test_buttons_are_pressed_by_number() -> None:
    # 3 = the Iceland topic on the start menu, then 1 = its first question.
    result = chat("3\n1\n", "chat")
    assert result.returncode == 0, result.stderr
    assert "Questions about Moving to Iceland:" in result.stdout
    assert "WHY IS MIGRATION IMPORTANT FOR ICELAND?" in result.stdout
    assert "338,000" in result.stdout


def test_the_terminal_language_and_language_switch() -> None:
    result = chat("/language\n7\nМОМ?\n", "chat", env={"LANG": "uk_UA.UTF-8"})
    assert "Вітаю!" in result.stdout
    assert "Теперь я отвечаю по-русски." in result.stdout


def test_arabic_in_the_terminal_is_marked_right_to_left() -> None:
    result = chat("كيف أطلب اللجوء في آيسلندا؟\n", "chat", "--lang", "ar")
    assert "\u200fكيف أطلب اللجوء في آيسلندا؟" in result.stdout
