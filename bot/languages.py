"""The languages the bot can speak: codes, native names and writing direction.

Adding a language means adding it here, to the `Localized*` models in `bot.kb.models`,
and a locale file in `knowledge/locales/`.
"""

from __future__ import annotations

from typing import Final, Literal, get_args

LangCode = Literal["en", "ar", "es", "fi", "is", "pl", "ru", "uk", "fa", "fr"]

LANGUAGES: Final[tuple[LangCode, ...]] = get_args(LangCode)

NATIVE_NAMES: Final[dict[str, str]] = {
    "en": "English",
    "ar": "العربية",
    "es": "Español",
    "fi": "Suomi",
    "is": "Íslenska",
    "pl": "Polski",
    "ru": "Русский",
    "uk": "Українська",
    "fa": "فارسی",
    "fr": "Français",
}

# Languages written right to left, ours and the ones the bot tells it does not read.
RIGHT_TO_LEFT: Final[frozenset[str]] = frozenset({"ar", "fa", "ur", "ps", "ckb", "he"})


def as_lang(code: str | None) -> LangCode | None:
    """Map a Telegram-style language tag ("en-GB", "uk", "pt-br") to a supported code, or None."""
    if not code:
        return None
    base = code.strip().lower().replace("_", "-").split("-", 1)[0]
    for lang in LANGUAGES:
        if lang == base:
            return lang
    return None
