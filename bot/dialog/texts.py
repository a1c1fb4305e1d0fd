"""User-interface texts in one language, from `knowledge/locales/<lang>.yaml`."""

from __future__ import annotations

from bot.kb import Article, KnowledgeBase


class Texts:
    """The locale of one language, falling back to the source language key by key."""

    def __init__(self, kb: KnowledgeBase, lang: str) -> None:
        self.kb = kb
        self.lang = lang if lang in kb.locales else kb.source_language
        self._locale = kb.locale(self.lang)
        self._fallback = kb.locale(kb.source_language)

    def __call__(self, key: str, **values: str) -> str:
        template = self._locale.strings.get(key) or self._fallback.strings.get(key)
        if template is None:
            # A missing key is a programming error caught by the tests; never crash a user.
            return key
        return template.format(**values) if values else template

    def date(self, article: Article) -> str | None:
        """The article's date as readers of this language write it ("24 октября 2019 г.")."""
        if article.date is None:
            return None
        year, month, *day = (int(part) for part in article.date.split("-"))
        if day:
            names = self._locale.months_of_day or self._locale.months
            shown = self("date_day", day=str(day[0]), month=names[month - 1], year=str(year))
        else:
            shown = self("date_month", month=self._locale.months[month - 1], year=str(year))
        return self("date_about", date=shown) if article.date_approximate else shown
