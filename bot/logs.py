"""Logging that is safe for users in danger.

- The bot token never appears: every record passes a filter that replaces anything shaped
  like a token (or the configured one) before it is written. httpx logs request URLs, which
  contain the token, at INFO, so its logger is raised to WARNING as well.
- Our own log lines never carry message text together with anything that identifies a user;
  handlers log the kind of update and the decision, not who sent what. python-telegram-bot
  prints whole updates at DEBUG, so its loggers never go below INFO.
- The libraries' own error paths can quote an update (an exception raised while parsing one
  carries its JSON: text, user id, username). Their records keep the message template, the
  traceback's frames and the exception's class; the values and the exception's text are
  withheld, at every level.
"""

from __future__ import annotations

import json
import logging
import re
import traceback

_TOKEN_SHAPE = re.compile(r"\d{3,}:[A-Za-z0-9_-]{30,}")
# Loggers of the libraries that see updates and requests; ours are under "bot".
THIRD_PARTY = ("telegram", "httpx", "httpcore", "asyncio")
# The library's request layer logs a Telegram answer it cannot read with its traceback; the
# error that follows is handled (retried or logged by class), so one line is enough.
EXPECTED_FAULTS = ("telegram.request",)
_PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrsa]")


class RedactSecrets(logging.Filter):
    """Rewrites each record's message with secrets replaced by `<redacted>`."""

    def __init__(self, secrets: list[str] | None = None) -> None:
        super().__init__()
        self.secrets = [s for s in (secrets or []) if s]

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "<redacted>")
        return _TOKEN_SHAPE.sub("<redacted>", text)

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.startswith(THIRD_PARTY):
            _withhold_details(record)
        message = record.getMessage()
        cleaned = self.redact(message)
        if record.exc_info and record.exc_info[1] is not None:
            # Exception texts can quote URLs too; keep only the redacted rendering.
            formatted = logging.Formatter().formatException(record.exc_info)
            cleaned += "\n" + self.redact(formatted)
            record.exc_info = None
            record.exc_text = None
        record.msg, record.args = cleaned, None
        return True


def _withhold_details(record: logging.LogRecord) -> None:
    """Keep a library record's template, frames and exception class; drop what it quotes."""
    text = str(record.msg)
    if record.args:
        text = _PLACEHOLDER.sub("…", text)
    if record.exc_info and record.exc_info[1] is not None:
        error = record.exc_info[1]
        name = type(error).__name__
        if record.name.startswith(EXPECTED_FAULTS):
            # A page that is not JSON (a proxy's 502) is an expected fault: one line, no frames.
            text += f" ({name})"
        else:
            frames = "".join(traceback.format_tb(error.__traceback__))
            text += f"\nTraceback (most recent call last):\n{frames}{name} (details withheld)"
    record.msg, record.args = text, None
    record.exc_info, record.exc_text = None, None


class JsonFormatter(logging.Formatter):
    """One JSON object per line (BOT_LOG_FORMAT=json), for log collectors. The message is the
    same redacted text as in the plain format: still no message text or user ids."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        return json.dumps(entry, ensure_ascii=False)


PLAIN = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")


def configure(level: str, secrets: list[str] | None = None, style: str = "text") -> RedactSecrets:
    """Set up the root logger once, with the redaction filter on every handler; `style`
    "json" writes one JSON object per line."""
    root = logging.getLogger()
    formatter = JsonFormatter() if style == "json" else PLAIN
    if not root.handlers:
        stream = logging.StreamHandler()
        stream.setFormatter(formatter)
        root.addHandler(stream)
    elif style == "json":
        for handler in root.handlers:
            handler.setFormatter(formatter)
    root.setLevel(level)
    redactor = RedactSecrets(secrets)
    for handler in root.handlers:
        for existing in [f for f in handler.filters if isinstance(f, RedactSecrets)]:
            handler.removeFilter(existing)
        handler.addFilter(redactor)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    # The job that looks for edited knowledge would log two lines every BOT_RELOAD_SECONDS.
    logging.getLogger("apscheduler").setLevel(max(logging.getLevelName(level), logging.WARNING))
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    # python-telegram-bot's DEBUG output prints whole updates: message texts next to user ids
    # and names. Never below INFO, whatever BOT_LOG_LEVEL says.
    telegram_level = max(logging.getLevelName(level), logging.INFO)
    logging.getLogger("telegram").setLevel(telegram_level)
    return redactor
