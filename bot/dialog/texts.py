"""User-interface texts in one language, from `knowledge/locales/<lang>.yaml`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final, Literal

from bot.kb import Article, KnowledgeBase

# Every key of `strings:` in a locale file; mypy checks each call of `Texts` against it, and
# tests/test_dialog.py checks that every locale file has exactly these keys.
TextKey = Literal[
    "greeting",
    "greeting_limits",
    "privacy_short",
    "ask_prompt",
    "help",
    "help_commands",
    "privacy",
    "privacy_telegram",
    "topics_heading",
    "topic_heading",
    "did_you_mean",
    "none_reply",
    "non_text_reply",
    "unknown_command",
    "stale_button",
    "language_prompt",
    "language_set",
    "forget_done",
    "feedback_thanks",
    "button_send_question",
    "question_sent",
    "question_expired",
    "privacy_sent",
    "source_label",
    "more_label",
    "date_day",
    "date_month",
    "date_about",
    "unchecked_note",
    "button_topics",
    "button_back",
    "button_none_of_these",
    "button_show_original",
    "button_language",
    "empty_message",
    "crisis_call_now",
    "crisis_self_harm",
    "crisis_violence",
    "crisis_trafficking",
    "crisis_danger",
    "crisis_medical",
    "crisis_basic_needs",
    "crisis_emergency",
    "crisis_bot_is",
    "button_help_topic",
    "smalltalk_greeting",
    "smalltalk_thanks",
    "smalltalk_goodbye",
    "smalltalk_identity",
    "smalltalk_operator",
    "smalltalk_capabilities",
    "none_where_to_ask",
    "languages_read",
    # The hand-off to a person (only with BOT_MODERATOR_CHAT_ID set).
    "button_handoff",
    "button_cancel",
    "handoff_intro",
    "handoff_write",
    "handoff_sent",
    "handoff_added",
    "handoff_already_open",
    "handoff_cancelled",
    "handoff_reply",
    "handoff_closed_by_you",
    "handoff_closed_by_team",
    "handoff_none_open",
    "handoff_cooldown",
    "handoff_failed",
    "handoff_media_refused",
    "handoff_private_only",
    "help_handoff",
    "privacy_short_handoff",
    "privacy_handoff",
    "forget_handoff",
    # What the staff group reads (in BOT_STAFF_LANGUAGE, else the source language).
    "staff_ticket",
    "staff_safety",
    "staff_how_forum",
    "staff_how_plain",
    "staff_closed_by_user",
    "staff_erased_by_user",
    "staff_closed",
    "staff_not_open",
    "staff_unknown",
    "staff_undelivered",
    # Written in every locale for inline mode, but no code shows them yet.
    "inline_prompt",
    "inline_no_match",
    "console_hint",
    "cmd_start",
    "cmd_topics",
    "cmd_language",
    "cmd_help",
    "cmd_privacy",
    "cmd_forget",
    "cmd_human",
    "cmd_end",
]

# The bot's commands, in menu order, and the text that describes each in Telegram's menu.
COMMAND_TEXTS: Final[Mapping[str, TextKey]] = {
    "start": "cmd_start",
    "help": "cmd_help",
    "topics": "cmd_topics",
    "language": "cmd_language",
    "privacy": "cmd_privacy",
    "forget": "cmd_forget",
}
# The hand-off's commands, in the menus only when it is on.
HANDOFF_COMMAND_TEXTS: Final[Mapping[str, TextKey]] = {
    "human": "cmd_human",
    "end": "cmd_end",
}


class Texts:
    """The locale of one language, falling back to the source language key by key."""

    def __init__(self, kb: KnowledgeBase, lang: str) -> None:
        self.kb = kb
        self.lang = lang if lang in kb.locales else kb.source_language
        self._locale = kb.locale(self.lang)
        self._fallback = kb.locale(kb.source_language)

    def __call__(self, key: TextKey, **values: str) -> str:
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
