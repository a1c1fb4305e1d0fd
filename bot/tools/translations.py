"""Translators' round trip: one language of the FAQ as a gettext PO file, and back into the YAML.

`export` writes one message per text of every entry in `faq/*.yaml` (msgctxt
`<entry-id>|question`, `|label`, `|answer`, `|phrasings`) and of every topic in `topics.yaml`
(`topic:<slug>|title`, `|description`): msgid the source language (English), msgstr the
language's text. Entries and topics whose `unchecked` list names the language are `fuzzy`, the
gettext mark for "needs review" that Poedit, Lokalize and Weblate show.

`import` writes the edited texts back with ruamel.yaml's round trip (comments, key order and
block styles kept; a file with no change is not rewritten), and removes the language from
`unchecked` where a person confirmed every message of an entry (none left fuzzy). The result is
validated on a copy of the folder first; any error and nothing is written.
"""

from __future__ import annotations

import io
import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal, TextIO

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import PoFileError, read_po, write_po
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark, YAMLError
from ruamel.yaml.scalarstring import FoldedScalarString, ScalarString
from ruamel.yaml.tokens import CommentToken

from bot.errors import UserFacingError
from bot.kb import KnowledgeBase, check_knowledge
from bot.kb.limits import ANSWER_MAX_SOURCE, LABEL_MAX
from bot.kb.models import KnowledgeConfig
from bot.kb.reader import read_file
from bot.kb.report import Report
from bot.languages import NATIVE_NAMES

# The FAQ files wrap their folded answers at this column; a rewritten answer is wrapped alike.
FOLD_COLUMN = 100
TOPIC_PREFIX = "topic:"

Field = Literal["question", "label", "answer", "phrasings", "title", "description"]
ENTRY_FIELDS: tuple[Field, ...] = ("question", "label", "answer", "phrasings")
TOPIC_FIELDS: tuple[Field, ...] = ("title", "description")


class TranslationError(UserFacingError):
    """A problem that stops an export or an import, worded for the person who ran it."""


# ---- the YAML files as ruamel.yaml reads them ---------------------------------------------


def _yaml() -> YAML:
    """The round-trip reader and writer, set up as the knowledge files are written."""
    yaml = YAML(typ="rt")
    # Mappings indented by 2, list dashes by 2 under their key, items by 4 (`    - text`).
    yaml.indent(mapping=2, sequence=4, offset=2)
    # Never re-wrap a line: long plain lines stay whole; folded answers keep their own folds.
    yaml.width = 4096
    yaml.preserve_quotes = True
    return yaml


@dataclass
class _Document:
    """One YAML file: its text as read and its round-trip data, edited in place on import."""

    relative: str
    path: Path
    text: str
    data: CommentedMap
    edited: bool = False

    def dumped(self) -> str:
        return _dump(self.data)

    def round_trips(self) -> bool:
        """Whether ruamel.yaml writes the file, unedited, byte for byte as it was (true of
        every file written as the shipped ones are)."""
        return _dump(_yaml().load(self.text)) == self.text


def _dump(data: CommentedMap) -> str:
    out = io.StringIO()
    _yaml().dump(data, out)
    return out.getvalue()


@dataclass
class _Unit:
    """An entry or a topic: the thing an `unchecked` list belongs to."""

    key: str  # the entry id, or "topic:<slug>"
    kind: Literal["entry", "topic"]
    node: CommentedMap
    doc: _Document

    @property
    def fields(self) -> tuple[Field, ...]:
        return ENTRY_FIELDS if self.kind == "entry" else TOPIC_FIELDS


def _load_documents(root: Path) -> list[_Document]:
    paths = [*sorted(root.glob("faq/*.yaml")), root / "topics.yaml"]
    documents = []
    for path in paths:
        relative = path.relative_to(root).as_posix()
        try:
            text = path.read_bytes().decode("utf-8")
            data = _yaml().load(text)
        except (OSError, UnicodeDecodeError, YAMLError) as exc:
            raise TranslationError(
                f"cannot read {path}: {exc} — run `python -m bot validate` and fix it first"
            ) from exc
        if not isinstance(data, CommentedMap):
            raise TranslationError(f"{path} is not a YAML mapping — run `python -m bot validate`")
        documents.append(_Document(relative, path, text, data))
    return documents


def _units(documents: Sequence[_Document]) -> dict[str, _Unit]:
    units: dict[str, _Unit] = {}
    for doc in documents:
        is_topics = doc.relative == "topics.yaml"
        items = doc.data.get("topics" if is_topics else "entries") or []
        for node in items:
            if not isinstance(node, CommentedMap):
                continue
            if is_topics and isinstance(node.get("slug"), str):
                key = TOPIC_PREFIX + node["slug"]
                units.setdefault(key, _Unit(key, "topic", node, doc))
            elif not is_topics and isinstance(node.get("id"), str):
                units.setdefault(node["id"], _Unit(node["id"], "entry", node, doc))
    return units


# ---- reading and writing one text of a unit ---------------------------------------------


def _text(unit: _Unit, name: Field, lang: str) -> str:
    """The unit's text `name` in `lang` ("" when it has none); phrasings one per line."""
    if name in ("question", "phrasings"):
        questions = _child(unit.node, "questions")
        phrasings = questions.get(lang) if questions is not None else None
        if not isinstance(phrasings, list) or not phrasings:
            return ""
        if name == "question":
            return str(phrasings[0])
        return "\n".join(str(p) for p in phrasings[1:])
    texts = _child(unit.node, name)
    value = texts.get(lang) if texts is not None else None
    return str(value).strip() if isinstance(value, str) else ""


def _child(node: CommentedMap, key: str) -> CommentedMap | None:
    value = node.get(key)
    return value if isinstance(value, CommentedMap) else None


def _line(unit: _Unit, name: Field, lang: str, source: str) -> int:
    """The 1-based line of the text in `lang` (of the source text where it has none)."""
    key = "questions" if name in ("question", "phrasings") else name
    parent = _child(unit.node, key)
    if parent is not None:
        for code in (lang, source):
            if code in parent:
                line: int = parent.lc.key(code)[0]
                return line + 1
    first: int = unit.node.lc.line
    return first + 1


def _set_text(unit: _Unit, name: Field, lang: str, text: str) -> None:
    """Write `text` as the unit's `name` in `lang`, keeping the style of what was there."""
    parent = _child(unit.node, name)
    if parent is None:
        raise TranslationError(f"{unit.key} has no '{name}' block to write '{lang}' into")
    old = parent.get(lang)
    value: str
    if name == "answer" or isinstance(old, FoldedScalarString):
        value = _folded(text, _content_indent(parent, lang), old)
    elif isinstance(old, ScalarString):
        # Quoted text stays quoted ("..." or '...').
        value = type(old)(text)
    else:
        value = text
    if lang in parent:
        parent[lang] = value
    else:
        _append_key(parent, lang, value)
    unit.doc.edited = True


def _set_questions(
    unit: _Unit, lang: str, question: str | None, phrasings: list[str] | None
) -> None:
    questions = _child(unit.node, "questions")
    if questions is None:
        raise TranslationError(f"{unit.key} has no 'questions' block to write '{lang}' into")
    current = questions.get(lang)
    old = [str(item) for item in current] if isinstance(current, CommentedSeq) else []
    new = [
        question if question is not None else old[0],
        *(phrasings if phrasings is not None else old[1:]),
    ]
    if isinstance(current, CommentedSeq):
        _set_list(current, new)
    else:
        _append_key(questions, lang, CommentedSeq(new))
    unit.doc.edited = True


def _folded(text: str, indent: int, old: object) -> FoldedScalarString:
    """A `>-` block scalar folded as the files fold answers: lines of at most FOLD_COLUMN."""
    folded: FoldedScalarString = FoldedScalarString(text)
    # ruamel.yaml writes a line break at each fold position (it records them when it reads).
    folded.fold_pos = _fold_positions(text, FOLD_COLUMN - indent)  # type: ignore[attr-defined]
    comment = getattr(old, "comment", None)
    if isinstance(old, FoldedScalarString) and comment is not None:
        folded.comment = comment  # type: ignore[attr-defined]  # the comment after `>-`
    return folded


def _fold_positions(text: str, room: int) -> list[int]:
    """Where to break `text` (indexes of single spaces) so that each line fits in `room`."""
    positions: list[int] = []
    line_start = 0
    for index, char in enumerate(text):
        if char != " ":
            continue
        if 0 < index < len(text) - 1 and text[index - 1] != " " and text[index + 1] != " ":
            end_of_word = text.find(" ", index + 1)
            end_of_word = len(text) if end_of_word < 0 else end_of_word
            if end_of_word - line_start > room and index > line_start:
                positions.append(index)
                line_start = index + 1
    return positions


def _content_indent(parent: CommentedMap, key: str) -> int:
    """The column of a block scalar's text under `key`: two more than the key's."""
    if key in parent:
        column: int = parent.lc.key(key)[1]
    elif len(parent):
        column = parent.lc.key(next(iter(parent)))[1]
    else:
        column = parent.lc.col
    return column + 2


# ---- comments survive edits of lists and the removal of a key -----------------------------
#
# ruamel.yaml keeps what follows a value on its lines (a comment, blank lines, the comment
# lines above the next item) with that value: in `ca.items[key][2]` of a mapping, or
# `ca.items[index][0]` of a list. When the last key or item goes, that text must move to the
# one before it, or the blank line between two entries would vanish with it.


def _tail(container: CommentedMap | CommentedSeq, key: Any) -> str:
    """Remove and return what follows the value of `key` after the end of its own line."""
    slot = 2 if isinstance(container, CommentedMap) else 0
    value = container[key]
    if isinstance(value, CommentedMap | CommentedSeq) and value and not value.fa.flow_style():
        last = list(value)[-1] if isinstance(value, CommentedMap) else len(value) - 1
        return _tail(value, last)
    comments = container.ca.items.get(key)
    token = comments[slot] if comments else None
    if not isinstance(token, CommentToken):
        return ""
    own_line, newline, rest = token.value.partition("\n")
    if not newline or not rest:
        return ""
    token.value = own_line + newline
    return rest


def _append_tail(container: CommentedMap | CommentedSeq, key: Any, rest: str) -> None:
    """Put `rest` (from `_tail`) after the value of `key`."""
    if not rest:
        return
    slot = 2 if isinstance(container, CommentedMap) else 0
    value = container[key]
    if isinstance(value, CommentedMap | CommentedSeq) and value and not value.fa.flow_style():
        last = list(value)[-1] if isinstance(value, CommentedMap) else len(value) - 1
        _append_tail(value, last, rest)
        return
    comments = container.ca.items.setdefault(key, [None, None, None, None])
    token = comments[slot]
    if isinstance(token, CommentToken):
        token.value += rest
    else:
        comments[slot] = CommentToken("\n" + rest, CommentMark(0))


def _delete_key(node: CommentedMap, key: str) -> None:
    keys = list(node)
    rest = _tail(node, key)
    del node[key]
    position = keys.index(key)
    if rest and position > 0:
        _append_tail(node, keys[position - 1], rest)


def _append_key(node: CommentedMap, key: str, value: Any) -> None:
    keys = list(node)
    rest = _tail(node, keys[-1]) if keys else ""
    node[key] = value
    _append_tail(node, key, rest)


def _set_list(items: CommentedSeq, new: Sequence[str]) -> None:
    """Make `items` hold `new`, keeping comments on the items that stay."""
    for index, text in enumerate(new[: len(items)]):
        if str(items[index]) != text:
            old = items[index]
            items[index] = type(old)(text) if isinstance(old, ScalarString) else text
    if len(new) < len(items):
        rest = _tail(items, len(items) - 1)
        while len(items) > len(new):
            del items[len(items) - 1]
        if items:
            _append_tail(items, len(items) - 1, rest)
    elif len(new) > len(items):
        rest = _tail(items, len(items) - 1) if len(items) else ""
        items.extend(new[len(items) :])
        _append_tail(items, len(items) - 1, rest)


def _unchecked(unit: _Unit) -> list[str]:
    value = unit.node.get("unchecked")
    return [str(lang) for lang in value] if isinstance(value, list) else []


def _mark_checked(unit: _Unit, lang: str) -> None:
    value = unit.node.get("unchecked")
    if not isinstance(value, CommentedSeq):
        return
    unit.doc.edited = True
    remaining = [str(code) for code in value if code != lang]
    if remaining:
        _set_list(value, remaining)
    else:
        # An entry every language of which is checked has no `unchecked` key in the files.
        _delete_key(unit.node, "unchecked")


def _mark_unchecked(unit: _Unit, lang: str) -> None:
    unit.doc.edited = True
    value = unit.node.get("unchecked")
    if isinstance(value, CommentedSeq):
        _set_list(value, [*[str(code) for code in value], lang])
        return
    marks = CommentedSeq([lang])
    marks.fa.set_flow_style()
    _append_key(unit.node, "unchecked", marks)


# ---- export -------------------------------------------------------------------------------


def export_po(root: Path, lang: str, target: Path, out: TextIO) -> int:
    """Write the PO file of `lang` to `target`; return the exit status."""
    result = check_knowledge(root)
    if result.kb is None:
        shown = "\n".join(result.report.render(errors_only=True, limit=5))
        raise TranslationError(
            f"the knowledge folder {root} has {len(result.report.errors)} error(s); "
            f"fix them first (`python -m bot validate` lists them all):\n{shown}"
        )
    kb = result.kb
    _check_language(lang, kb.config, "export")
    catalog = _catalog(kb, _load_documents(root), lang)
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=76)
    try:
        target.write_bytes(buffer.getvalue())
    except OSError as exc:
        raise TranslationError(f"cannot write {target}: {exc.strerror or exc}") from exc
    messages = [m for m in catalog if m.id]
    fuzzy = sum(1 for m in messages if m.fuzzy)
    print(
        f"wrote {target}: {len(messages)} messages in {lang} ({fuzzy} fuzzy: not yet checked "
        f"by a person); after translating: python -m bot translations import {target} "
        f"--knowledge {root}",
        file=out,
    )
    return 0


def _catalog(kb: KnowledgeBase, documents: Sequence[_Document], lang: str) -> Catalog:
    source = kb.source_language
    catalog = Catalog(
        locale=lang,
        project="migration-awareness-bot",
        version="knowledge",
        header_comment=_header_comment(lang, source),
        fuzzy=False,
    )
    for unit in _units(documents).values():
        pending = lang in _unchecked(unit)
        for name in unit.fields:
            english = _text(unit, name, source)
            if not english:
                continue
            message = Message(
                english,
                _text(unit, name, lang),
                locations=[(unit.doc.relative, _line(unit, name, lang, source))],
                flags=["fuzzy"] if pending else [],
                auto_comments=_notes(kb, unit, name),
                context=f"{unit.key}|{name}",
            )
            # Babel guesses printf and brace formats from the text; ours has none.
            message.flags -= {"python-format", "python-brace-format"}
            catalog[english] = message
    return catalog


def _header_comment(lang: str, source: str) -> str:
    # Babel wraps header lines at 76 characters: each of these fits.
    name = NATIVE_NAMES.get(lang, lang)
    return "\n".join(
        (
            f"# The bot's FAQ in {name} ({lang}), with the {source} text beside each one.",
            "# fuzzy = a machine translation no person has checked yet: correct the text,",
            "# then remove the fuzzy mark. An entry none of whose messages is fuzzy any",
            "# more counts as checked. The rules for the texts: knowledge/README.md.",
            "# Back into the knowledge folder: python -m bot translations import FILE",
        )
    )


def _notes(kb: KnowledgeBase, unit: _Unit, name: Field) -> list[str]:
    """The comment a translator sees above the message (`#.` in the PO file)."""
    if unit.kind == "topic":
        slug = unit.key.removeprefix(TOPIC_PREFIX)
        if name == "title":
            return [f"Topic '{slug}': its name in the topics menu and on its button."]
        return [f"Topic '{slug}': the line under its name in the topics menu."]
    entry = kb.entry(unit.key)
    topic = f" (topic {entry.topic})" if entry is not None and entry.topic else ""
    where = f"Entry '{unit.key}'{topic}"
    if name == "question":
        return [
            f"{where}: the question, shown above the answer and on buttons where the entry "
            "has no label. Users search with it too: write it as people ask it."
        ]
    if name == "label":
        return [
            f"{where}: the short title on buttons and menus, at most {LABEL_MAX} characters "
            "(a phone cuts longer ones)."
        ]
    if name == "phrasings":
        return [
            f"{where}: other ways people ask it, one per line. Not a line-by-line translation: "
            "write how people ask in this language (a full question, keywords, an informal "
            f"one), {kb.config.min_questions - 1} or more lines. Misspellings are handled by "
            "the bot; a question of another entry is refused."
        ]
    notes = [
        f"{where}: the answer, two to four short sentences in plain language (the English has "
        f"at most {ANSWER_MAX_SOURCE} characters). Keep the facts, names and figures of the "
        "English; no phone numbers or e-mail addresses (the bot lists contacts under the "
        "answer); no legal advice. Rules: knowledge/README.md."
    ]
    if entry is not None:
        for source_id in entry.sources:
            article = kb.articles.get(source_id)
            if article is not None:
                notes.append(f"Source: {article.publisher}, {article.title} <{article.url}>")
    return notes


# ---- import -------------------------------------------------------------------------------


@dataclass
class _Change:
    """What the import does to one entry or topic."""

    updated: list[str] = field(default_factory=list)
    checked: bool = False
    marked: bool = False
    fuzzy: list[str] = field(default_factory=list)

    def describe(self) -> str:
        parts = []
        if self.updated:
            parts.append(", ".join(self.updated) + " updated")
        if self.checked:
            parts.append("checked")
        elif self.marked:
            parts.append("marked unchecked (fuzzy: " + ", ".join(self.fuzzy) + ")")
        elif self.fuzzy:
            parts.append("still unchecked (fuzzy: " + ", ".join(self.fuzzy) + ")")
        return "; ".join(parts)


@dataclass(frozen=True)
class _Received:
    """A message of the PO file, as the import reads it."""

    name: Field
    english: str
    text: str
    fuzzy: bool


def import_po(root: Path, po_file: Path, out: TextIO, err: TextIO) -> int:
    """Apply the PO file to the knowledge folder; return the exit status."""
    config = _read_config(root)
    catalog = _read_catalog(po_file)
    lang = _po_language(catalog, po_file, config)
    documents = _load_documents(root)
    units = _units(documents)
    received, warnings = _received(catalog, units)
    changes: dict[str, _Change] = {}
    for key, messages in received.items():
        change = _apply(units[key], messages, lang, config.source_language, warnings)
        if change.updated or change.checked or change.marked:
            changes[key] = change
    edited = [doc for doc in documents if doc.edited]
    for doc in edited:
        if not doc.round_trips():
            warnings.append(
                f"{doc.relative}: some lines no message touched are rewritten too (their line "
                "ends, wrapping or indentation differ from the other files); check the diff"
            )
    for warning in warnings:
        print(f"warning: {warning}", file=err)
    changed = {doc.path: text for doc in edited if (text := doc.dumped()) != doc.text}
    if not changed:
        print(f"nothing changed: the YAML already holds every text of {po_file} ({lang})", file=out)
        return 0
    problems = _validate(root, changed)
    if problems:
        for line in problems:
            print(line, file=err)
        print(
            f"error: with {po_file} applied the knowledge folder would have "
            f"{len(problems)} error(s); nothing was written. Fix the messages above in the PO "
            "file and import it again.",
            file=err,
        )
        return 1
    for path, text in changed.items():
        _write_atomically(path, text.encode("utf-8"))
    for key, change in changes.items():
        print(f"{key}: {change.describe()}", file=out)
    updated = sum(len(change.updated) for change in changes.values())
    checked = sum(1 for change in changes.values() if change.checked)
    files = ", ".join(path.relative_to(root).as_posix() for path in changed)
    noted = f" ({_count(len(warnings), 'warning')})" if warnings else ""
    print(
        f"{lang}: {_count(updated, 'text')} updated, {checked} marked checked; "
        f"wrote {files}{noted}",
        file=out,
    )
    return 0


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _read_config(root: Path) -> KnowledgeConfig:
    report = Report()
    config = read_file(root, root / "config.yaml", KnowledgeConfig, report).content
    if config is None:
        details = "; ".join(problem.format() for problem in report.errors)
        raise TranslationError(f"cannot read {root / 'config.yaml'}: {details}")
    return config


def _read_catalog(po_file: Path) -> Catalog:
    try:
        with po_file.open("rb") as stream:
            return read_po(stream, ignore_obsolete=True, abort_invalid=True)
    except OSError as exc:
        raise TranslationError(f"cannot read {po_file}: {exc.strerror or exc}") from exc
    except (PoFileError, UnicodeDecodeError, ValueError) as exc:
        raise TranslationError(f"{po_file} is not a valid PO file: {exc}") from exc


def _po_language(catalog: Catalog, po_file: Path, config: KnowledgeConfig) -> str:
    identifier = catalog.locale_identifier
    if not identifier:
        raise TranslationError(
            f"{po_file} names no language (its header has no 'Language:'); export the file "
            "again with `python -m bot translations export --lang CODE FILE`"
        )
    lang = identifier.replace("-", "_").split("_", 1)[0].lower()
    _check_language(lang, config, "import")
    return lang


def _check_language(lang: str, config: KnowledgeConfig, action: str) -> None:
    if lang == config.source_language:
        raise TranslationError(
            f"'{lang}' is the source language: it is written in the YAML, not translated "
            f"(choose one of {', '.join(_targets(config))})"
        )
    if lang not in config.languages:
        raise TranslationError(
            f"cannot {action} '{lang}': it is not a language of knowledge/config.yaml "
            f"(choose one of {', '.join(_targets(config))})"
        )


def _targets(config: KnowledgeConfig) -> list[str]:
    return [lang for lang in config.languages if lang != config.source_language]


def _received(
    catalog: Catalog, units: dict[str, _Unit]
) -> tuple[dict[str, list[_Received]], list[str]]:
    """The PO messages by entry (or topic), and warnings about those that match none."""
    received: dict[str, list[_Received]] = {}
    warnings: list[str] = []
    for message in catalog:
        if not message.id:
            continue  # the header
        context = message.context or ""
        key, _, name = context.rpartition("|")
        if not isinstance(message.id, str) or not isinstance(message.string, str):
            warnings.append(f"'{context}': plural messages are not used here; skipped")
            continue
        unit = units.get(key)
        if unit is None:
            what = "topic" if key.startswith(TOPIC_PREFIX) else "entry"
            warnings.append(
                f"'{context}': no {what} '{key.removeprefix(TOPIC_PREFIX)}' in the knowledge "
                "folder (deleted or renamed since the export?); skipped"
            )
            continue
        if name not in unit.fields:
            warnings.append(f"'{context}': unknown kind of text '{name}'; skipped")
            continue
        received.setdefault(key, []).append(
            _Received(name, message.id, message.string, message.fuzzy)
        )
    return received, warnings


def _apply(
    unit: _Unit, messages: list[_Received], lang: str, source: str, warnings: list[str]
) -> _Change:
    """Write the edited texts of one entry or topic; mark it checked when all are confirmed."""
    change = _Change()
    confirmed: set[Field] = set()
    fuzzy_edits: list[str] = []
    question: str | None = None
    phrasings: list[str] | None = None
    for message in messages:
        current = _text(unit, message.name, lang)
        if message.english != _text(unit, message.name, source):
            warnings.append(
                f"'{unit.key}|{message.name}': the {source} text changed since the export; "
                "skipped (export again and translate the new text)"
            )
            continue
        if not message.text.strip():
            continue  # an empty translation never erases one
        if message.fuzzy:
            change.fuzzy.append(message.name)
        else:
            confirmed.add(message.name)
        new = _normalized(message.name, message.text)
        if message.text.strip() == current or new == current:
            continue
        if message.name == "question":
            question = new
        elif message.name == "phrasings":
            phrasings = new.split("\n")
        else:
            _set_text(unit, message.name, lang, new)
        change.updated.append(message.name)
        if message.fuzzy:
            fuzzy_edits.append(message.name)
    if question is not None or phrasings is not None:
        if question is None and not _text(unit, "question", lang):
            warnings.append(f"'{unit.key}|phrasings': no question in '{lang}' yet; skipped")
            change.updated.remove("phrasings")
            fuzzy_edits = [name for name in fuzzy_edits if name != "phrasings"]
        else:
            _set_questions(unit, lang, question, phrasings)
    expected = {name for name in unit.fields if _text(unit, name, source)}
    pending = lang in _unchecked(unit)
    if pending and expected <= confirmed:
        _mark_checked(unit, lang)
        change.checked = True
    elif not pending and fuzzy_edits:
        # A text a translator left fuzzy is not checked: the bot must say so under it.
        _mark_unchecked(unit, lang)
        change.marked = True
    return change


def _normalized(name: Field, text: str) -> str:
    """One paragraph on one line, as the YAML holds it; phrasings one per line, each once."""
    if name == "phrasings":
        lines = (" ".join(line.split()) for line in text.splitlines())
        return "\n".join(dict.fromkeys(line for line in lines if line))
    return " ".join(text.split())


def _validate(root: Path, changed: dict[Path, str]) -> list[str]:
    """The errors of the knowledge folder with `changed` applied, checked on a copy."""
    with tempfile.TemporaryDirectory(prefix="translations-") as scratch:
        copy = Path(scratch) / "knowledge"
        shutil.copytree(root, copy, ignore_dangling_symlinks=True)
        for path, text in changed.items():
            (copy / path.relative_to(root)).write_text(text, encoding="utf-8")
        result = check_knowledge(copy)
        # The report names the real files, not the copy.
        return [
            replace(problem, path=root / problem.path.relative_to(copy)).format()
            if problem.path.is_relative_to(copy)
            else problem.format()
            for problem in result.report.sorted()
            if problem.severity == "error"
        ]


def _write_atomically(path: Path, data: bytes) -> None:
    """Write `data` to a temporary file beside `path`, then rename it over `path`: the running
    bot, which re-reads the folder, never sees half a file."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        shutil.copymode(path, temporary)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
