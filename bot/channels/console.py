"""The same conversation in a terminal: for maintainers, and for a machine without a token.

Type a question; type the number of a button to press it; commands work as in Telegram
(/start, /topics, /language, /help, /privacy, /forget); /quit or Ctrl-D leaves. Links are
printed in full. State lives in memory only.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

from bot.channels.state import record
from bot.config import Settings
from bot.dialog import (
    Button,
    Command,
    DialogOptions,
    Event,
    Outcome,
    Press,
    Reply,
    TextMessage,
    User,
)
from bot.dialog.reply import RIGHT_TO_LEFT_MARK
from bot.dialog.texts import Texts
from bot.languages import as_lang
from bot.live import LiveKnowledge, open_live
from bot.store import MemoryStore

CONSOLE_USER = 0


def render_plain(reply: Reply) -> tuple[str, list[Button]]:
    """Text for a terminal (links as "title (url)"), and the buttons in display order."""
    paragraphs: list[str] = []
    for paragraph in reply.paragraphs:
        parts = []
        for span in paragraph:
            if span.style == "link" and span.url:
                parts.append(f"{span.text} ({span.url})")
            elif span.style == "bold" and not reply.right_to_left:
                parts.append(span.text.upper())
            else:
                parts.append(span.text)
        line = "".join(parts)
        paragraphs.append(RIGHT_TO_LEFT_MARK + line if reply.right_to_left else line)
    buttons = [button for row in reply.buttons for button in row]
    body = "\n\n".join(paragraphs)
    if buttons:
        body += "\n" + "\n".join(
            f"  [{number}] {button.label}" + (f" → {button.url}" if button.url else "")
            for number, button in enumerate(buttons, start=1)
        )
    return body, buttons


class ConsoleChat:
    """Reads lines, turns them into events, prints the replies."""

    def __init__(self, live: LiveKnowledge, client_lang: str | None, out: TextIO) -> None:
        self.live = live
        self.store = MemoryStore()
        self.client_lang = client_lang
        self.out = out
        self.buttons: list[Button] = []

    def user(self) -> User:
        return User(self.store.get_language(CONSOLE_USER), self.client_lang)

    def event_for(self, line: str) -> Event | None:
        stripped = line.strip()
        if stripped.isdigit() and self.buttons:
            number = int(stripped)
            if 1 <= number <= len(self.buttons):
                button = self.buttons[number - 1]
                if button.url:
                    self.out.write(f"{button.url}\n")
                    return None
                return Press(button.action)
        if stripped.startswith("/"):
            name, _, payload = stripped[1:].partition(" ")
            return Command(name.split("@", 1)[0], payload.strip())
        return TextMessage(line)

    def handle(self, line: str) -> None:
        event = self.event_for(line)
        if event is None:
            return
        served = self.live.current
        outcome = served.dialog.handle(event, self.user())
        self.apply(outcome)
        if outcome.notice:
            self.out.write(f"({outcome.notice})\n")
        for reply in outcome.replies:
            shown, buttons = render_plain(reply)
            self.buttons = buttons
            self.out.write("\n" + shown + "\n")
        self.out.flush()

    def apply(self, outcome: Outcome) -> None:
        record(self.store, outcome, CONSOLE_USER)

    def run(self, lines: Iterable[str], interactive: bool) -> int:
        """Chat until the input ends or /quit; returns how many lines were read."""
        served = self.live.current
        lang = served.dialog.menu_lang(self.user())
        self.handle("/start")
        self.out.write("\n" + Texts(served.kb, lang)("console_hint") + "\n")
        prompt = "> " if interactive else ""
        self.out.write(prompt)
        self.out.flush()
        read = 0
        for line in lines:
            read += 1
            if line.strip() in ("/quit", "/exit"):
                break
            self.live.reload_if_changed()
            self.handle(line.rstrip("\n"))
            self.out.write(prompt)
            self.out.flush()
        self.out.write("\n")
        return read


def _client_language(explicit: str | None) -> str | None:
    """The language a terminal user probably reads: --lang, else the LANG locale."""
    if explicit:
        return explicit
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(variable, "")
        if value and value not in ("C", "POSIX") and not value.startswith("C."):
            return as_lang(value.split(".")[0])
    return None


def run_console(
    settings: Settings, knowledge: Path, user_lang: str | None, instead_of_telegram: bool = False
) -> int:
    """The terminal chat. `instead_of_telegram`: `run` without a token; then no input at all
    (a service or container with no terminal) is an error, so that the supervisor says so and
    restarts, instead of a bot that stops at once with status 0."""
    # No hand-off in the terminal: there is no staff group to hand over to.
    options = DialogOptions(settings.operator_name, None, settings.unanswered_days)
    live = open_live(knowledge, settings.embedder(), options)
    if live is None:
        return 1
    # Not kept in a local name: this frame lasts the whole chat, through reloads.
    print(
        f"knowledge loaded: {len(live.current.kb.entries)} entries, languages "
        f"{' '.join(live.current.kb.languages)}; matching: {live.current.matcher.mode}; "
        "mode: terminal chat; state: in memory only",
        file=sys.stderr,
    )
    chat = ConsoleChat(live, _client_language(user_lang), sys.stdout)
    interactive = sys.stdin.isatty()
    read = chat.run(_lines(interactive), interactive)
    if instead_of_telegram and not interactive and read == 0:
        print(
            "error: TELEGRAM_BOT_TOKEN is not set and there is no terminal to chat in: set the "
            "token (in .env, the service's environment file or `docker run --env-file`)",
            file=sys.stderr,
        )
        return 1
    return 0


def _lines(interactive: bool) -> Iterable[str]:
    if not interactive:
        yield from sys.stdin
        return
    while True:
        try:
            yield input()
        except EOFError:
            return
