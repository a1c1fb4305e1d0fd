"""Button data and deep-link payloads: short, ASCII, ids only (never user text).

Telegram allows 64 bytes of button data and 64 characters of `[A-Za-z0-9_-]` in a
`t.me/<bot>?start=` payload. Every piece of data the bot receives back is parsed here; anything
that does not parse, or names an entry or topic that no longer exists, is treated as stale.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from bot.kb.models import ID_WORD

MAX_DATA_BYTES = 64
MAX_PAYLOAD_CHARS = 64

ActionKind = Literal[
    "entry",
    "original",
    "topic",
    "menu",
    "language",
    "none",
    "vote",
    "langmenu",
    "handoff",
    "handoff_cancel",
    "send",
]

_LANG = r"[a-z]{2}"
_ID = ID_WORD
# The token of a held question (`held.HeldQuestions`): secrets.token_urlsafe(6).
_TOKEN = r"[A-Za-z0-9_-]{8}"
_PATTERNS: dict[ActionKind, re.Pattern[str]] = {
    "entry": re.compile(rf"e:({_ID}):({_LANG})"),
    "original": re.compile(rf"o:({_ID})"),
    "topic": re.compile(rf"t:({_ID}):({_LANG})"),
    "menu": re.compile(rf"m:({_LANG})"),
    "language": re.compile(rf"l:({_LANG})"),
    "langmenu": re.compile(rf"L:({_LANG})"),
    "none": re.compile(rf"n:({_LANG})(?::({_TOKEN}))?"),
    "vote": re.compile(rf"v:([+-]):({_ID}):({_LANG})"),
    "handoff": re.compile(rf"h:({_LANG})"),
    "handoff_cancel": re.compile(rf"hx:({_LANG})"),
    "send": re.compile(rf"q:({_TOKEN}):({_LANG})"),
}


@dataclass(frozen=True)
class Action:
    """A parsed button press."""

    kind: ActionKind
    target: str = ""
    lang: str = ""
    vote: int = 0


def entry(entry_id: str, lang: str) -> str:
    return _checked(f"e:{entry_id}:{lang}")


def original(entry_id: str) -> str:
    return _checked(f"o:{entry_id}")


def topic(slug: str, lang: str) -> str:
    return _checked(f"t:{slug}:{lang}")


def menu(lang: str) -> str:
    return _checked(f"m:{lang}")


def language(lang: str) -> str:
    return _checked(f"l:{lang}")


def language_menu(lang: str) -> str:
    return _checked(f"L:{lang}")


def none_of_these(lang: str, held: str | None = None) -> str:
    """ "None of these"; `held`: the question's token, so "I don't know" can offer to send it."""
    return _checked(f"n:{lang}:{held}" if held else f"n:{lang}")


def send_question(held: str, lang: str) -> str:
    """ "Send this question to the team (anonymously)"."""
    return _checked(f"q:{held}:{lang}")


def handoff(lang: str) -> str:
    """ "Talk to a person"."""
    return _checked(f"h:{lang}")


def handoff_cancel(lang: str) -> str:
    """ "Cancel" under the invitation to write to the team."""
    return _checked(f"hx:{lang}")


def vote(entry_id: str, up: bool, lang: str) -> str:
    return _checked(f"v:{'+' if up else '-'}:{entry_id}:{lang}")


def parse(data: str | None) -> Action | None:
    """The action behind button data, or None for anything malformed or forged."""
    if not data or len(data.encode("utf-8")) > MAX_DATA_BYTES:
        return None
    for kind, pattern in _PATTERNS.items():
        match = pattern.fullmatch(data)
        if match is None:
            continue
        groups = match.groups()
        if kind == "vote":
            return Action(kind, groups[1], groups[2], 1 if groups[0] == "+" else -1)
        if kind in ("entry", "topic"):
            return Action(kind, groups[0], groups[1])
        if kind == "original":
            return Action(kind, groups[0])
        if kind == "none":
            return Action(kind, groups[1] or "", groups[0])
        if kind == "send":
            return Action(kind, groups[0], groups[1])
        return Action(kind, lang=groups[0])
    return None


def deep_link(kind: Literal["entry", "topic"], ident: str) -> str:
    """The `start` payload that opens an entry (`e_<id>`) or a topic (`t_<slug>`)."""
    payload = f"{'e' if kind == 'entry' else 't'}_{ident}"
    if len(payload) > MAX_PAYLOAD_CHARS:
        raise ValueError(f"deep-link payload too long: {payload}")
    return payload


def parse_deep_link(payload: str) -> Action | None:
    """An entry or topic from a `/start` payload; None when it is anything else."""
    if len(payload) > MAX_PAYLOAD_CHARS or not re.fullmatch(r"[A-Za-z0-9_-]+", payload):
        return None
    match = re.fullmatch(rf"([et])_({_ID})", payload)
    if match is None:
        return None
    return Action("entry" if match.group(1) == "e" else "topic", match.group(2))


def _checked(data: str) -> str:
    if len(data.encode("utf-8")) > MAX_DATA_BYTES:
        raise ValueError(f"button data over {MAX_DATA_BYTES} bytes: {data}")
    return data
