"""The safety reply: what a person in danger reads first, calm and short, in their language.

First line: the emergency number, from the contact `config.yaml` names. Then one line on the
kind of crisis, the services for it (the countries the message names first, then Finland,
Sweden and Iceland, then the EU and anywhere), and what the bot is. Every number and address
comes from `knowledge/contacts.yaml`; nothing here is written by hand.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.dialog.reply import Paragraph, Span
from bot.dialog.texts import TextKey, Texts
from bot.kb import KnowledgeBase
from bot.kb.models import Contact

# The countries IOM's office covers come first when the message names none.
HOME_COUNTRIES = ("FI", "SE", "IS")
MAX_CONTACTS = 5
MAX_REFERRALS = 3
# The calm line under the emergency number, by the kind of crisis.
KIND_TEXTS: dict[str, TextKey] = {
    "self-harm": "crisis_self_harm",
    "violence": "crisis_violence",
    "trafficking": "crisis_trafficking",
    "danger": "crisis_danger",
    "medical": "crisis_medical",
    "basic-needs": "crisis_basic_needs",
    "emergency": "crisis_emergency",
}


def crisis_paragraphs(
    kb: KnowledgeBase, t: Texts, kinds: Sequence[str], countries: Sequence[str]
) -> tuple[Paragraph, ...]:
    """The paragraphs of the safety reply for the crisis kinds found, most severe first."""
    number = emergency_number(kb)
    call_now = emergency_line(kb, t)
    paragraphs: list[Paragraph] = [call_now] if call_now else []
    first = kinds[0] if kinds else "emergency"
    paragraphs.append((Span(t(KIND_TEXTS.get(first, "crisis_emergency"), number=number or "")),))
    for contact in pick_contacts(kb, kinds, countries):
        paragraphs.append(contact_line(contact, t))
    paragraphs.append((Span(t("crisis_bot_is"), "italic"),))
    return tuple(paragraphs)


def emergency_number(kb: KnowledgeBase) -> str | None:
    """The number of the contact config.yaml names as the emergency number."""
    emergency = kb.contacts.get(kb.config.emergency_contact or "")
    return emergency.phone if emergency is not None else None


def emergency_line(kb: KnowledgeBase, t: Texts) -> Paragraph | None:
    """'If you are in danger now, call 112 …', the first line of every reply to a crisis."""
    number = emergency_number(kb)
    return (Span(t("crisis_call_now", number=number), "bold"),) if number else None


def pick_contacts(
    kb: KnowledgeBase, kinds: Sequence[str], countries: Sequence[str]
) -> list[Contact]:
    """The contacts for these kinds of crisis, best first, without the emergency number."""
    wanted = list(kinds)
    order = [*dict.fromkeys([*countries, *HOME_COUNTRIES]), "EU", "*"]

    def rank(contact: Contact) -> tuple[int, int]:
        place = min((order.index(c) for c in contact.countries if c in order), default=len(order))
        kind = min((wanted.index(k) for k in contact.kinds if k in wanted), default=len(wanted))
        return place, kind

    chosen = [
        c
        for c in kb.contacts.values()
        if c.id != kb.config.emergency_contact and any(k in c.kinds for k in wanted)
    ]
    chosen.sort(key=rank)
    return chosen[:MAX_CONTACTS]


def pick_referrals(kb: KnowledgeBase, countries: Sequence[str]) -> list[Contact]:
    """The contacts offered under "I don't know": those of the countries the question names
    first, then those for anywhere ('*'); the others only when no country is named."""
    referrals = [c for c in kb.contacts.values() if c.referral]
    named = [c for c in referrals if set(c.countries) & set(countries)]
    anywhere = [c for c in referrals if "*" in c.countries and c not in named]
    rest = [] if countries else [c for c in referrals if c not in named and c not in anywhere]
    return [*named, *anywhere, *rest][:MAX_REFERRALS]


def contact_line(contact: Contact, t: Texts) -> Paragraph:
    """One line: flag, name (linked to its page), how to reach it, hours where known."""
    # One flag: the country's; for a service of several (112 in the whole EU), the EU's or a globe.
    countries = contact.countries
    flags = (
        _flag(countries[0]) if len(countries) == 1 else _flag("EU" if "EU" in countries else "*")
    )
    name = Span(contact.name, "link", contact.url) if contact.url else Span(contact.name, "bold")
    spans: list[Span] = [Span(flags + " "), name]
    reach = " · ".join(r for r in (contact.phone, contact.email) if r)
    if reach:
        spans.append(Span(": " + reach))
    if contact.chat:
        spans.append(Span(" · "))
        spans.append(Span("chat", "link", contact.chat))
    hours = (
        contact.hours.get(t.lang) or contact.hours.get(t.kb.source_language)
        if contact.hours
        else None
    )
    if hours:
        spans.append(Span(f" ({hours})"))
    purpose = contact.purpose.get(t.lang) or contact.purpose.get(t.kb.source_language)
    if purpose:
        spans.append(Span(" — " + purpose))
    return tuple(spans)


def _flag(country: str) -> str:
    if country == "*":
        return "🌍"
    # Regional indicator symbols: "FI" → 🇫🇮 (EU has its own flag too).
    return "".join(chr(0x1F1E6 + ord(ch) - ord("A")) for ch in country.upper())
