"""The rules of the files that keep people safe: contacts, safety cues and small talk.

- every contact named anywhere exists, and the emergency contact has a number;
- every language of config.yaml has cues for every kind of crisis (a gap means people who
  write in that language get no safety reply), and small-talk phrases;
- each crisis kind (but the emergency number itself) lists at least one service.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from typing import Any

from bot.kb.models import (
    Contact,
    CrisisCues,
    Entry,
    KnowledgeConfig,
    SafetyFile,
    SmallTalkPhrases,
    UnsupportedFile,
)
from bot.kb.reader import Item, KnowledgeFile
from bot.kb.report import Report
from bot.kb.rules import references_exist, unknown_id_hint

CRISIS_KINDS = ("self-harm", "violence", "trafficking", "danger", "medical", "basic-needs")
# For these the emergency number is the service; the others need one of their own.
_EMERGENCY_IS_ENOUGH = ("danger", "medical")


def entry_contacts_exist(
    entries: Iterable[Item[Entry]], contacts: Collection[str], unparsed: set[str], report: Report
) -> None:
    """An entry's `contacts` are ids from contacts.yaml."""
    references_exist(entries, "contacts", "names an unknown contact", contacts, unparsed, report)


def covering_entries_list_contacts(entries: Iterable[Item[Entry]], report: Report) -> None:
    """An entry that answers people in a crisis (`covers`) gives them somewhere to turn."""
    for item in entries:
        if item.value.covers and not item.value.contacts:
            report.error(
                item.path,
                item.line("covers"),
                f"{item.name} covers {', '.join(item.value.covers)} but lists no contacts",
                "add 'contacts:' with the services that help (and the emergency number)",
            )


def emergency_contact(
    config_file: KnowledgeFile[KnowledgeConfig],
    contacts: dict[str, Contact],
    safety: SafetyFile | None,
    report: Report,
) -> None:
    """The contact that opens every safety reply exists and has a phone number."""
    config = config_file.content
    if config is None or safety is None or not safety.kinds:
        return
    name = config.emergency_contact
    if name is None:
        report.error(
            config_file.path,
            1,
            "safety.yaml has cues but config.yaml names no emergency_contact",
            "add 'emergency_contact: <id>' naming the emergency number in contacts.yaml",
        )
    elif name not in contacts:
        report.error(
            config_file.path,
            config_file.line("emergency_contact"),
            f"emergency_contact names an unknown contact '{name}'",
            unknown_id_hint(name, contacts, "contacts.yaml"),
        )
    elif contacts[name].phone is None:
        report.error(
            config_file.path,
            config_file.line("emergency_contact"),
            f"the emergency contact '{name}' has no phone",
            "the safety reply opens with 'call <phone>': give the contact its number",
        )


def kinds_once(items: Sequence[Item[Any]], report: Report) -> list[Item[Any]]:
    """Each crisis or small-talk kind is listed once (its cues in one place)."""
    first: dict[str, Item[Any]] = {}
    for item in items:
        if first.setdefault(item.ident, item) is not item:
            report.error(
                item.path,
                item.line("kind"),
                f"the kind '{item.ident}' is listed twice",
                "merge the two lists: one entry per kind",
            )
    return list(first.values())


def every_language_covered(
    items: Sequence[Item[CrisisCues]] | Sequence[Item[SmallTalkPhrases]],
    field: str,
    wanted: Sequence[str],
    config: KnowledgeConfig,
    report: Report,
) -> None:
    """Every kind has cues (phrases) in every language; a missing one is an error for
    crisis kinds (a person in danger would get no help) and a warning for small talk."""
    present = {item.ident: item for item in items}
    severe = field == "cues"
    for kind in wanted:
        item = present.get(kind)
        if item is None:
            problem = f"no {field} for '{kind}'"
            where = items[0].path if items else None
            if where is not None:
                _report(report, severe, where, 1, problem, f"add a '- kind: {kind}' list")
            continue
        for lang in config.languages:
            if not getattr(item.value, field).get(lang):
                _report(
                    report,
                    severe,
                    item.path,
                    item.line(field),
                    f"{item.name} has no '{lang}' {field}",
                    f"add '{lang}:' {field}: people who write in '{lang}' would not be recognised",
                )


def services_for_every_crisis(
    contacts: Iterable[Item[Contact]], emergency: str | None, report: Report
) -> None:
    """Each kind of crisis lists at least one service besides the emergency number."""
    listed = list(contacts)
    if not listed:
        return
    for kind in CRISIS_KINDS:
        if kind in _EMERGENCY_IS_ENOUGH:
            continue
        if not any(kind in c.value.kinds for c in listed if c.ident != emergency):
            report.warning(
                listed[0].path,
                1,
                f"no contact lists the crisis kind '{kind}' besides the emergency number",
                f"add '{kind}' to the 'kinds' of the services that help with it",
            )


def unsupported_lines(
    file: KnowledgeFile[UnsupportedFile], config: KnowledgeConfig, report: Report
) -> None:
    """The source language's line exists (the fallback), and every line names the languages
    and the emergency number."""
    content = file.content
    if content is None:
        return
    if config.source_language not in content.lines:
        report.error(
            file.path,
            file.line("lines"),
            f"no '{config.source_language}' line",
            "add the source language's line: it is shown for languages without their own",
        )
    for code, line in content.lines.items():
        for placeholder in ("{languages}", "{number}"):
            if placeholder not in line:
                report.error(
                    file.path,
                    file.line("lines", code),
                    f"the '{code}' line lacks {placeholder}",
                    f"write {placeholder} where it belongs in the sentence",
                )


def _report(report: Report, error: bool, path: Any, line: int, message: str, hint: str) -> None:
    if error:
        report.error(path, line, message, hint)
    else:
        report.warning(path, line, message, hint)
