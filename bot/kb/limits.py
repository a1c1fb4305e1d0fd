"""How much room an answer takes in one Telegram message, checked before it is ever sent."""

from __future__ import annotations

from collections.abc import Mapping

from bot.kb.models import Article, Entry

TELEGRAM_MESSAGE_LIMIT = 4096
# A button label longer than this is cut on a phone screen.
LABEL_MAX = 40
# Answer bodies in the source language are written to fit this (translations run longer).
ANSWER_MAX_SOURCE = 350

# Room kept for what the dialog adds around an answer: the question as a heading, the
# "Source:" label and a localized date, and the unchecked-translation note.
RESERVED_FOR_FRAME = 300


def answer_footprint(
    entry: Entry, lang: str, source_language: str, articles: Mapping[str, Article]
) -> int:
    """An upper bound of the characters an answer message needs, links and sources included.

    URLs are counted although Telegram does not count the target of an HTML link: the
    console and plain-text renderings show them in full.
    """
    size = len(entry.answer.get(lang) or "") + len(entry.title(lang, source_language))
    size += RESERVED_FOR_FRAME
    for source in entry.sources:
        article = articles.get(source)
        if article is not None:
            size += len(article.title) + len(article.url) + len(article.publisher) + 20
    for link in entry.links:
        size += len(link.title_in(lang, source_language)) + len(link.url) + 10
    return size
