"""`Reply` to Telegram: HTML with every dynamic string escaped, split below 4096 characters at
paragraph boundaries, and an inline keyboard."""

from __future__ import annotations

from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.dialog import Reply, Span
from bot.dialog.reply import RIGHT_TO_LEFT_MARK
from bot.kb.limits import TELEGRAM_MESSAGE_LIMIT

MESSAGE_LIMIT = TELEGRAM_MESSAGE_LIMIT


def span_html(span: Span) -> str:
    body = escape(span.text, quote=False)
    if span.style == "bold":
        return f"<b>{body}</b>"
    if span.style == "italic":
        return f"<i>{body}</i>"
    if span.style == "link" and span.url:
        return f'<a href="{escape(span.url, quote=True)}">{body}</a>'
    return body


def paragraphs_html(reply: Reply) -> list[str]:
    # A right-to-left mark makes Telegram lay out an Arabic paragraph that starts with a Latin
    # word (IOM, Twitter) from the right, as Arabic readers expect.
    mark = RIGHT_TO_LEFT_MARK if reply.right_to_left else ""
    return [mark + "".join(span_html(span) for span in p) for p in reply.paragraphs]


def to_messages(reply: Reply, limit: int = MESSAGE_LIMIT) -> list[str]:
    """The reply as one or more HTML messages, each at most `limit` characters.

    Paragraphs are never split unless one alone is too long; such a paragraph loses its
    styling (a tag cannot span two messages) and is cut at line or word boundaries.
    """
    mark = RIGHT_TO_LEFT_MARK if reply.right_to_left else ""
    messages: list[str] = []
    current = ""
    for html, paragraph in zip(paragraphs_html(reply), reply.paragraphs, strict=True):
        pieces = [html]
        if len(html) > limit:
            plain = mark + escape("".join(span.text for span in paragraph), quote=False)
            pieces = _cut(plain, limit)
        for piece in pieces:
            candidate = f"{current}\n\n{piece}" if current else piece
            if len(candidate) <= limit:
                current = candidate
            else:
                messages.append(current)
                current = piece
    if current:
        messages.append(current)
    return messages or [""]


def _cut(text: str, limit: int) -> list[str]:
    """Escaped plain text in pieces of at most `limit`, never inside an `&...;` entity."""
    pieces: list[str] = []
    rest = text
    while len(rest) > limit:
        cut = max(rest.rfind("\n", 0, limit), rest.rfind(" ", 0, limit))
        if cut <= 0:
            cut = limit
            while rest.rfind("&", 0, cut) > rest.rfind(";", 0, cut):
                cut -= 1
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        pieces.append(rest)
    return pieces


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    if not reply.buttons:
        return None
    rows = [
        [
            InlineKeyboardButton(button.label, url=button.url)
            if button.url
            else InlineKeyboardButton(button.label, callback_data=button.action)
            for button in row
        ]
        for row in reply.buttons
    ]
    return InlineKeyboardMarkup(rows)
