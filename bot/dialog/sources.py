"""How an answer cites its sources and further reading: one short line each, so that the
answer fits a phone screen.

"Source: IOM Finland ↗, 5 November 2019", the link on the publisher's name. The page title
stays in `articles.yaml` (and on the page itself): on a phone it took a third of the message.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.dialog.reply import Paragraph, Span
from bot.dialog.texts import Texts
from bot.kb import Article, Entry

# Marks the link as leaving Telegram: people who are careful about what they open see it.
LEAVES = " ↗"


def source_lines(entry: Entry, articles: Mapping[str, Article], t: Texts) -> Paragraph:
    """One paragraph, a line per publisher (none when the entry cites no article we know).

    A publisher cited twice keeps one line: its second page is linked as "2 ↗" after the first.
    """
    by_publisher: dict[str, list[Article]] = {}
    for article_id in entry.sources:
        article = articles.get(article_id)
        if article is not None:
            by_publisher.setdefault(article.publisher, []).append(article)
    spans: list[Span] = []
    for publisher, cited in by_publisher.items():
        if spans:
            spans.append(Span("\n"))
        spans.append(Span(t("source_label") + " "))
        for number, article in enumerate(cited, start=1):
            if number > 1:
                spans.append(Span(" · "))
            name = publisher if number == 1 else str(number)
            spans.append(Span(name + LEAVES, "link", article.url))
            when = t.date(article)
            if when:
                spans.append(Span(", " + when))
    return tuple(spans)


def more_line(entry: Entry, lang: str, source: str, t: Texts) -> Paragraph:
    """ "More: title · title", the entry's further reading, on a line of its own."""
    if not entry.links:
        return ()
    spans: list[Span] = [Span(t("more_label") + " ")]
    for number, link in enumerate(entry.links):
        if number:
            spans.append(Span(" · "))
        spans.append(Span(link.title_in(lang, source), "link", link.url))
    return tuple(spans)
