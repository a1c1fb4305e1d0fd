"""Pydantic models of every file in `knowledge/`: the single definition of the format.

The same models validate the YAML, generate the JSON Schemas editors use for completion
(`python -m bot schema`), and are the immutable objects the rest of the bot reads.
Unknown keys are errors (`extra="forbid"`), so a typo such as `qeustions` cannot pass silently.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints
from pydantic.json_schema import SkipJsonSchema

from bot.languages import LANGUAGES, LangCode

CONTRACT_TOPICS: tuple[str, ...] = (
    "iom",
    "lgbti",
    "iceland",
    "cultural-diversity",
    "global-compact",
    "tampere",
    "twitter-dashboard",
)

# Ids travel inside Telegram button data (64 bytes) and deep links (64 chars of [A-Za-z0-9_-]),
# so they are short, lower-case and ASCII.
ID_WORD = r"[a-z0-9]+(?:-[a-z0-9]+)*"
ID_PATTERN = rf"^{ID_WORD}$"
ID_MAX = 40

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Id = Annotated[str, StringConstraints(pattern=ID_PATTERN, min_length=1, max_length=ID_MAX)]


def _check_https(url: str) -> str:
    if not re.match(r"^https://[^\s/?#]+\.[^\s/?#]+(?:[/?#]\S*)?$", url):
        raise ValueError(
            "the URL must be an absolute https:// address with no spaces "
            "(http:// is not accepted: readers may be in danger on an unencrypted link)"
        )
    return url


def _check_date(value: str) -> str:
    match = re.fullmatch(r"(\d{4})-(\d{2})(?:-(\d{2}))?", value)
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ValueError("the date must be YYYY-MM-DD, or YYYY-MM when only the month is known")
    if match.group(3) is not None and not 1 <= int(match.group(3)) <= 31:
        raise ValueError("the day of the month must be between 01 and 31")
    return value


HttpsUrl = Annotated[str, StringConstraints(strip_whitespace=True), AfterValidator(_check_https)]
DateText = Annotated[str, StringConstraints(strip_whitespace=True), AfterValidator(_check_date)]


CrisisKind = Literal[
    "self-harm", "violence", "trafficking", "danger", "medical", "basic-needs", "emergency"
]


Country = Annotated[str, StringConstraints(pattern=r"^(?:[A-Z]{2}|\*)$")]


class Strict(BaseModel):
    """Base for every file model: immutable, and unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Localized(Strict):
    """One text per language. Which languages are required is set in `config.yaml`."""

    en: Text | None = None
    ar: Text | None = None
    es: Text | None = None
    fi: Text | None = None
    is_: Text | None = Field(default=None, alias="is")
    pl: Text | None = None
    ru: Text | None = None
    uk: Text | None = None
    fa: Text | None = None
    fr: Text | None = None

    model_config = ConfigDict(populate_by_name=True)

    def get(self, lang: str) -> str | None:
        value: str | None = getattr(self, _attr(lang), None)
        return value

    def languages(self) -> tuple[str, ...]:
        return tuple(lang for lang in LANGUAGES if self.get(lang) is not None)


class LocalizedList(Strict):
    """A list of texts per language (for example the phrasings of a question)."""

    en: tuple[Text, ...] | None = None
    ar: tuple[Text, ...] | None = None
    es: tuple[Text, ...] | None = None
    fi: tuple[Text, ...] | None = None
    is_: tuple[Text, ...] | None = Field(default=None, alias="is")
    pl: tuple[Text, ...] | None = None
    ru: tuple[Text, ...] | None = None
    uk: tuple[Text, ...] | None = None
    fa: tuple[Text, ...] | None = None
    fr: tuple[Text, ...] | None = None

    model_config = ConfigDict(populate_by_name=True)

    def get(self, lang: str) -> tuple[str, ...]:
        value: tuple[str, ...] | None = getattr(self, _attr(lang), None)
        return value or ()

    def languages(self) -> tuple[str, ...]:
        return tuple(lang for lang in LANGUAGES if self.get(lang))


def _attr(lang: str) -> str:
    # `is` is a Python keyword, so the Icelandic field is `is_` with the alias `is`.
    return "is_" if lang == "is" else lang


class KnowledgeConfig(Strict):
    """`config.yaml`: what the knowledge base must cover."""

    languages: Annotated[tuple[LangCode, ...], Field(min_length=1)] = Field(
        description="Languages every entry, topic, article summary and locale file must have."
    )
    source_language: LangCode = Field(
        default="en",
        description="The authoritative language; translations are made from it.",
    )
    min_questions: int = Field(
        default=5,
        ge=1,
        description="Fewer phrasings than this for an entry in a language gives a warning.",
    )
    emergency_contact: Id | None = Field(
        default=None,
        description="The contact (contacts.yaml) whose number opens every safety reply: "
        "'If you are in danger now, call ...'. Required when safety.yaml has cues.",
    )
    answer_soft_limit: int = Field(
        default=700,
        ge=100,
        description="Answers longer than this many characters give a warning: "
        "readers are on small phone screens.",
    )


class Article(Strict):
    """A source the FAQ is built from: a dated article, or a standing official page."""

    id: Id
    title: Text = Field(
        description="The title as published, or a plain description when it was not seen."
    )
    publisher: Text
    url: HttpsUrl
    date: DateText | None = Field(
        default=None,
        description="YYYY-MM-DD, or YYYY-MM when only the month is known. Leave it out when "
        "the page shows no date: never guess one.",
    )
    date_approximate: bool = Field(
        default=False, description="true when the date is estimated (shown as 'about ...')."
    )
    summary: Localized = Field(description="A short summary in our own words, per language.")
    unchecked: tuple[LangCode, ...] = Field(
        default=(), description="Languages whose summary is a translation no person has checked."
    )


class ArticlesFile(Strict):
    """`articles.yaml`."""

    articles: tuple[Article, ...]


class Topic(Strict):
    """A topic of the menu. The seven contract slugs must always exist."""

    slug: Id
    emoji: Text
    order: int = Field(description="Position in the topics menu, lowest first.")
    title: Localized
    description: Localized = Field(description="One line per language shown in the menu.")
    unchecked: tuple[LangCode, ...] = ()


class TopicsFile(Strict):
    """`topics.yaml`."""

    topics: tuple[Topic, ...]


class Link(Strict):
    """An extra link shown under an answer."""

    title: Localized | Text = Field(
        description="Per-language titles, or one text when it is a proper name."
    )
    url: HttpsUrl

    def title_in(self, lang: str, fallback: str) -> str:
        if isinstance(self.title, str):
            return self.title
        return self.title.get(lang) or self.title.get(fallback) or self.url


class Entry(Strict):
    """One FAQ entry: phrasings of a question and its answer, per language."""

    id: Id
    # The loader fills it in from the file's `topic`. It is left out of the JSON Schema and
    # of the keys the validator suggests, so maintainers are not invited to write it.
    topic: SkipJsonSchema[Id | None] = None
    questions: LocalizedList = Field(
        description="Per language: the first question is shown on buttons; "
        "the rest are other ways people ask it."
    )
    label: Localized | None = Field(
        default=None,
        description="Per language, a short title of at most 40 characters for buttons and "
        "menus ('Working in Iceland'); the first question stays above the answer.",
    )
    answer: Localized = Field(description="Two to four short sentences in plain language.")
    sources: Annotated[tuple[Id, ...], Field(min_length=1)] = Field(
        description="Article ids from articles.yaml."
    )
    links: tuple[Link, ...] = ()
    related: tuple[Id, ...] = Field(default=(), description="Ids of related entries.")
    contacts: tuple[Id, ...] = Field(
        default=(), description="Ids of contacts from contacts.yaml shown under the answer."
    )
    places: tuple[Country, ...] = Field(
        default=(),
        description="The countries this answer is about (ISO 3166 codes: IS, FI, SE); '*' for "
        "any country no other entry is about. A question naming another country never gets "
        "it. Leave out when the answer holds everywhere.",
    )
    covers: tuple[Literal["danger"], ...] = Field(
        default=(),
        description="'danger' when this answer is written for people who are threatened (for "
        "being LGBTI, say) and lists contacts: a message about a threat that this entry answers "
        "gets it under the emergency number instead of the general safety reply. Self-harm, "
        "violence, trafficking and the rest always get the safety reply first.",
    )
    unchecked: tuple[LangCode, ...] = Field(
        default=(),
        description="Languages whose questions and answer no person has checked yet.",
    )

    def title(self, lang: str, fallback: str) -> str:
        """The question shown above the answer."""
        shown = self.questions.get(lang) or self.questions.get(fallback)
        return shown[0] if shown else self.id

    def button(self, lang: str, fallback: str) -> str:
        """The short label on buttons and menus (the question where no label is written)."""
        if self.label is not None:
            label = self.label.get(lang) or self.label.get(fallback)
            if label:
                return label
        return self.title(lang, fallback)


class FaqFile(Strict):
    """`faq/<topic>.yaml`: the entries of one topic."""

    topic: Id
    entries: tuple[Entry, ...]


class SynonymGroup(Strict):
    """Terms that mean the same thing, across languages and spellings."""

    id: Id
    terms: Annotated[tuple[Text, ...], Field(min_length=1)]
    case_sensitive: tuple[Text, ...] = Field(
        default=(),
        description="Acronyms that count only when written in capitals, because in lower case "
        "they are a common word in some language (UN and the Spanish 'un').",
    )
    name: bool = Field(
        default=False,
        description="true for a proper name (IOM, Iceland, UNHCR): a question that shares only "
        "names with a phrasing, while asking about something else, is not answered with it.",
    )

    def all_terms(self) -> tuple[str, ...]:
        return (*self.terms, *self.case_sensitive)


class SynonymsFile(Strict):
    """`synonyms.yaml`."""

    groups: tuple[SynonymGroup, ...]


class LocaleFile(Strict):
    """`locales/<lang>.yaml`: every text of the user interface in one language."""

    language: LangCode
    unchecked: bool = Field(
        default=False, description="true while no person has checked this translation."
    )
    months: Annotated[tuple[Text, ...], Field(min_length=12, max_length=12)] = Field(
        description="Month names, January first, as used in 'October 2019' (date_month)."
    )
    months_of_day: Annotated[tuple[Text, ...], Field(min_length=12, max_length=12)] | None = Field(
        default=None,
        description="Month names as used after a day ('24 октября'), where the language "
        "inflects them (date_day); leave out when they are the same as `months`.",
    )
    strings: dict[str, Text]


SmallTalkKind = Literal["greeting", "thanks", "goodbye", "identity", "capabilities"]


class Contact(Strict):
    """A service, number or page the bot gives to people, with where it was seen."""

    id: Id
    name: Text = Field(description="The service's name as the organisation writes it.")
    countries: Annotated[tuple[Country, ...], Field(min_length=1)] = Field(
        description="ISO 3166 codes of the countries it serves; EU for the whole EU/EEA, "
        "* for anywhere."
    )
    kinds: tuple[CrisisKind, ...] = Field(
        default=(),
        description="The safety replies that list it (emergency: 'what is the emergency "
        "number'); empty when only answers name it.",
    )
    phone: Annotated[str, StringConstraints(pattern=r"^\+?[0-9][0-9 -]{1,20}$")] | None = Field(
        default=None, description='As dialled, in quotes: "112", "+358 9 2525 0111".'
    )
    email: Annotated[str, StringConstraints(pattern=r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$")] | None = None
    url: HttpsUrl | None = None
    chat: HttpsUrl | None = Field(default=None, description="A web chat, where there is one.")
    hours: Localized | None = Field(default=None, description="Opening hours, only if seen.")
    languages: tuple[Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}$")], ...] = Field(
        default=(), description="Languages the service speaks (ISO 639), only if seen."
    )
    free: bool | None = None
    anonymous: bool | None = None
    referral: bool = Field(
        default=False,
        description="true to offer it under 'I don't know': for the countries it serves "
        "when a question names one of them, and always when its countries include '*'.",
    )
    purpose: Localized = Field(description="One short line per language: what it is for.")
    seen_on: HttpsUrl = Field(
        description="The page where the number or address was seen: the organisation's own "
        "page, or an official page that lists it."
    )
    seen: DateText = Field(description="When it was seen there (YYYY-MM-DD).")
    unchecked: tuple[LangCode, ...] = ()


class ContactsFile(Strict):
    """`contacts.yaml`: every organisation, number and address the bot gives, once."""

    contacts: tuple[Contact, ...]


class CrisisCues(Strict):
    """The cues of one kind of crisis, per language (see `bot/matching/safety.py`)."""

    kind: CrisisKind
    cues: LocalizedList
    unchecked: tuple[LangCode, ...] = ()


class SafetyFile(Strict):
    """`safety.yaml`: the words that tell the bot a person may be in danger."""

    kinds: tuple[CrisisCues, ...]
    not_crisis: LocalizedList = Field(
        default_factory=LocalizedList,
        description="Word sequences that, around a cue, mean it is not a crisis "
        "('killer whales', 'death penalty').",
    )


class SmallTalkPhrases(Strict):
    """Whole messages of one kind of small talk, per language."""

    kind: SmallTalkKind
    phrases: LocalizedList
    unchecked: tuple[LangCode, ...] = ()


class SmallTalkFile(Strict):
    """`smalltalk.yaml`: greetings, thanks, goodbyes and questions about the bot itself."""

    kinds: tuple[SmallTalkPhrases, ...]


LangTag = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}$")]


class UnsupportedFile(Strict):
    """`unsupported.yaml`: one line, in each language the bot does not read, saying so."""

    lines: dict[LangTag, Text] = Field(
        description="Per ISO 639 code: 'I do not read this language yet. I read: {languages}. "
        "If you are in danger, call {number}.' The source language's line is the fallback."
    )
    unchecked: tuple[LangTag, ...] = ()


FILE_MODELS: dict[str, type[Strict]] = {
    "config": KnowledgeConfig,
    "articles": ArticlesFile,
    "topics": TopicsFile,
    "faq": FaqFile,
    "synonyms": SynonymsFile,
    "locale": LocaleFile,
    "contacts": ContactsFile,
    "safety": SafetyFile,
    "smalltalk": SmallTalkFile,
    "unsupported": UnsupportedFile,
}


@cache
def field_names(model: type[BaseModel]) -> tuple[str, ...]:
    """The keys a maintainer may write for `model`: those its JSON Schema offers editors."""
    properties: dict[str, Any] = model.model_json_schema(by_alias=True).get("properties", {})
    return tuple(properties)


def model_at(model: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The model that validates the mapping found at `loc` inside `model`, if one does."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        fields = {info.alias or name: info for name, info in current.model_fields.items()}
        info = fields.get(str(part))
        if info is None:
            continue
        current = _first_model(info.annotation)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return current
    return None


def _first_model(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _first_model(arg)
        if found is not None:
            return found
    return None
