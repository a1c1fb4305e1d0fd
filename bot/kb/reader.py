"""Read one knowledge file into its pydantic model, or into problems that say why not.

A file goes YAML (with the line of every key) → model. Pydantic's errors are worded for a
maintainer from one table, `{error type: (message, hint)}`, each naming the file's line.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError
from rapidfuzz import process

from bot.kb.models import FILE_MODELS, Strict, field_names, model_at
from bot.kb.report import Report
from bot.kb.schema import schema_line
from bot.kb.yamlsource import YamlDocument, YamlError, read_yaml

M = TypeVar("M", bound=Strict)
T = TypeVar("T")


@dataclass(frozen=True)
class KnowledgeFile(Generic[M]):
    """One file as read: its YAML when it parsed, and its model when it also validated."""

    path: Path
    doc: YamlDocument | None = None
    content: M | None = None

    def line(self, *loc: str | int) -> int:
        """The line of `loc` (keys and list positions), or 1 when the file did not parse."""
        return self.doc.line_of(loc) if self.doc is not None else 1

    def raw_ids(self, key: str) -> set[str]:
        """The ids written in the list under `key`, even when the file failed validation."""
        data = self.doc.data if self.doc is not None else None
        items = data.get(key) if isinstance(data, dict) else None
        if not isinstance(items, list):
            return set()
        return {i["id"] for i in items if isinstance(i, dict) and isinstance(i.get("id"), str)}


@dataclass(frozen=True)
class Item(Generic[T]):
    """An article, topic, entry, synonym group or locale, and where its file has it.

    `kind` names it in problems ("synonym group"); `id_key` is the key that holds its id.
    """

    value: T
    kind: str
    ident: str
    file: KnowledgeFile[Any]
    loc: tuple[str | int, ...]
    id_key: str = "id"

    @property
    def name(self) -> str:
        return f"{self.kind} '{self.ident}'"

    @property
    def path(self) -> Path:
        return self.file.path

    def line(self, *more: str | int) -> int:
        return self.file.line(*self.loc, *more)


def items_of(file: KnowledgeFile[Any], key: str, kind: str, id_key: str = "id") -> list[Item[Any]]:
    """The items listed under `key` in a file that validated (none when it did not)."""
    if file.content is None:
        return []
    return [
        Item(value, kind, getattr(value, id_key), file, (key, index), id_key)
        for index, value in enumerate(getattr(file.content, key))
    ]


def read_file(
    root: Path, path: Path, model: type[M], report: Report, required: bool = True
) -> KnowledgeFile[M]:
    """Read `path` (somewhere under `root`) as a `model`, adding its problems to `report`."""
    file = _parse(path, model, report, required)
    if file.doc is not None:
        _check_schema_line(root, file, model, report)
    return file


def did_you_mean(name: str, choices: Iterable[str]) -> str | None:
    """ "did you mean '…'?" with the choice `name` is closest to, when one is close enough."""
    options = list(choices)
    guess = process.extractOne(name, options, score_cutoff=60) if options else None
    return f"did you mean '{guess[0]}'?" if guess else None


def _parse(path: Path, model: type[M], report: Report, required: bool) -> KnowledgeFile[M]:
    if not path.is_file():
        if required:
            report.error(path, 1, "the file is missing", f"create it (see README: {model.__doc__})")
        return KnowledgeFile(path)
    try:
        doc = read_yaml(path)
    except YamlError as exc:
        report.error(path, exc.line, exc.message, exc.hint)
        return KnowledgeFile(path)
    if not isinstance(doc.data, dict):
        report.error(
            path,
            doc.line_of(()),
            "the file must be a YAML mapping (keys with values)",
            f"start with one of: {', '.join(field_names(model))}",
        )
        return KnowledgeFile(path, doc)
    try:
        return KnowledgeFile(path, doc, model.model_validate(doc.data))
    except ValidationError as exc:
        for error in exc.errors():
            message, hint = _worded(model, error)
            report.error(path, doc.line_of(tuple(error["loc"])), message, hint)
        return KnowledgeFile(path, doc)


def _check_schema_line(
    root: Path, file: KnowledgeFile[M], model: type[Strict], report: Report
) -> None:
    kind = next(k for k, m in FILE_MODELS.items() if m is model)
    try:
        depth = len(file.path.relative_to(root).parts) - 1
    except ValueError:
        depth = 0
    expected = schema_line(kind, depth)
    text = file.doc.text if file.doc is not None else ""
    if text.split("\n", 1)[0].strip() != expected:
        report.warning(
            file.path,
            1,
            "the first line does not name the file's schema",
            f"make the first line '{expected}' so editors complete and check the keys",
        )


# ---- pydantic errors in a maintainer's words ---------------------------------------------

_HTTPS_HINT = (
    "use the page's https:// address, as listed in knowledge/articles.yaml "
    "or knowledge/allowed-urls.txt"
)
_TEXT = ("{where} must be text, not {described}", "put the value in quotes")
_LIST = (
    "{where} must be a list, not {described}",
    "write each item on its own line starting with '- '",
)
_BLOCK = (
    "{where} must be a block of keys, not {described}",
    "indent its keys under it, one 'key: value' per line",
)

# Message and hint templates per pydantic error type; `_error_fields` fills them in.
_WORDING: dict[str, tuple[str, str]] = {
    "extra_forbidden": ("unknown key '{key}'", "{unknown_key_hint}"),
    "missing": ("missing '{key}' in {parent}", "add it"),
    "string_type": _TEXT,
    "str_type": _TEXT,
    "literal_error": ("{where}: '{value}' is not allowed", "use one of {expected}"),
    "string_pattern_mismatch": (
        "{where}: '{value}' is not a valid id",
        "use lower-case letters, digits and single hyphens, e.g. 'iceland-work'",
    ),
    "string_too_short": ("{where} is empty", "write the text or remove the key"),
    "string_too_long": ("{where} is too long", "shorten it ({msg})"),
    "tuple_type": _LIST,
    "list_type": _LIST,
    "model_type": _BLOCK,
    "model_attributes_type": _BLOCK,
    "dict_type": _BLOCK,
    "value_error": ("{where}: {reason}", "{value_hint}"),
    "too_short": ("{where} has too few items", "{count_msg}"),
    "too_long": ("{where} has too many items", "{count_msg}"),
}
_OTHERWISE = ("{where}: {msg}", "correct the value")


def _worded(model: type[BaseModel], error: Any) -> tuple[str, str]:
    message, hint = _WORDING.get(error["type"], _OTHERWISE)
    fields = _error_fields(model, error)
    return message.format_map(fields), hint.format_map(fields)


def _error_fields(model: type[BaseModel], error: Any) -> dict[str, object]:
    """Every field a template in `_WORDING` may use."""
    loc: tuple[Any, ...] = tuple(error["loc"])
    value = error.get("input")
    ctx = error.get("ctx", {})
    reason = str(ctx.get("error", error["msg"]))
    return {
        "key": str(loc[-1]) if loc else "",
        "where": _dotted(loc),
        "parent": _dotted(loc[:-1]),
        "value": value,
        "described": _describe(value),
        "expected": ctx.get("expected", "the listed values"),
        "msg": error["msg"],
        # pydantic says "Tuple should have at least 12 items"; the maintainer wrote a list.
        "count_msg": error["msg"].replace("Tuple", "list"),
        "reason": reason,
        "value_hint": _HTTPS_HINT if "https://" in reason else "correct the value",
        "unknown_key_hint": _unknown_key_hint(model, loc),
    }


def _unknown_key_hint(model: type[BaseModel], loc: tuple[Any, ...]) -> str:
    parent = model_at(model, loc[:-1])
    allowed = field_names(parent) if parent else ()
    hint = did_you_mean(str(loc[-1]), allowed) if loc else None
    hint = hint or "remove it"
    return f"{hint} (allowed here: {', '.join(allowed)})" if allowed else hint


def _dotted(loc: tuple[Any, ...]) -> str:
    parts: list[str] = []
    for part in loc:
        if isinstance(part, int):
            parts.append(f"[{part + 1}]")
        elif isinstance(part, str) and ("[" in part or part in ("str", "Localized")):
            # Union members pydantic names in `loc`, not keys the maintainer wrote.
            continue
        else:
            parts.append(("." if parts else "") + str(part))
    return "".join(parts) or "the file"


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"true/false ({value})"
    if isinstance(value, int | float):
        return f"a number ({value})"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a block of keys"
    return f"'{value}'"
