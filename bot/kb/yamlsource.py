"""Read a YAML file into plain data plus the line of every key and list item.

The loader is deliberately stricter than PyYAML's default so that a maintainer's YAML means
what it looks like:
- dates such as `2019-10-24` stay text (PyYAML would turn them into `datetime.date`);
- only `true`/`false` are booleans (`no`, `on`, `yes` stay text: the "Norway problem");
- a key written twice in one mapping is an error instead of the last one silently winning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

PathKey = tuple[str | int, ...]

_BOOL_TAG = "tag:yaml.org,2002:bool"
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader without timestamps and with YAML 1.2 booleans only."""


_StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in (_BOOL_TAG, _TIMESTAMP_TAG)]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_StrictLoader.add_implicit_resolver(
    _BOOL_TAG, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


class YamlError(Exception):
    """A file that is not valid YAML, or not the shape of YAML we accept."""

    def __init__(self, line: int, message: str, hint: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message
        self.hint = hint


@dataclass
class YamlDocument:
    """The data of one YAML file and where each part of it was written."""

    path: Path
    data: Any
    text: str = ""
    lines: dict[PathKey, int] = field(default_factory=dict)

    def line_of(self, loc: tuple[Any, ...]) -> int:
        """The line of the deepest part of `loc` that exists in the file (1-based).

        Parts of `loc` that are not in the file (pydantic adds union member names such as
        `str` or `function-after[...]`) are skipped.
        """
        best = self.lines.get((), 1)
        current: PathKey = ()
        for part in loc:
            if not isinstance(part, str | int):
                continue
            candidate = (*current, part)
            if candidate in self.lines:
                current = candidate
                best = self.lines[candidate]
        return best


def read_yaml(path: Path) -> YamlDocument:
    """Parse `path`; raise `YamlError` with the parser's line on a syntax error."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise YamlError(1, f"the file is not UTF-8 ({exc.reason})", "save it as UTF-8") from exc
    return parse_yaml(path, text)


def parse_yaml(path: Path, text: str) -> YamlDocument:
    try:
        loader = _StrictLoader(text)
    except yaml.reader.ReaderError as exc:
        raise _reader_error(text, exc) from exc
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        problem = exc.problem or "invalid YAML"
        context = f" ({exc.context})" if exc.context else ""
        raise YamlError(
            line,
            f"YAML syntax error: {problem}{context}",
            "check the indentation and quotes on this line and the one above; "
            "text containing ': ' or starting with a special character needs quotes",
        ) from exc
    except yaml.reader.ReaderError as exc:
        raise _reader_error(text, exc) from exc
    except yaml.YAMLError as exc:
        raise YamlError(1, f"YAML error: {exc}", "fix the file so it is one YAML document") from exc
    finally:
        loader.dispose()
    doc = YamlDocument(path=path, data=None, text=text)
    if node is None:
        doc.data = None
        return doc
    doc.lines[()] = node.start_mark.line + 1
    try:
        doc.data = _build(loader, node, (), doc.lines)
    except yaml.MarkedYAMLError as exc:
        # A value YAML cannot turn into data, such as a bare "=" or an unknown "!tag".
        mark = exc.problem_mark or exc.context_mark
        raise YamlError(
            mark.line + 1 if mark is not None else 1,
            f"YAML cannot read this value: {exc.problem or exc}",
            "put the value in quotes",
        ) from exc
    return doc


def _build(loader: _StrictLoader, node: Node, here: PathKey, lines: dict[PathKey, int]) -> Any:
    if isinstance(node, MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                raise YamlError(
                    key_node.start_mark.line + 1,
                    "a key must be plain text",
                    "write the key as a word followed by ':'",
                )
            key = loader.construct_object(key_node)
            if not isinstance(key, str):
                # Keys such as language codes must stay text; `1:` or `true:` is a typo.
                key = str(key_node.value)
            line = key_node.start_mark.line + 1
            if key in result:
                first = lines.get((*here, key), line)
                raise YamlError(
                    line,
                    f"the key '{key}' is written twice in the same block (first on line {first})",
                    "keep one of them; YAML would silently use only the last",
                )
            lines[(*here, key)] = line
            result[key] = _build(loader, value_node, (*here, key), lines)
        return result
    if isinstance(node, SequenceNode):
        items: list[Any] = []
        for index, item in enumerate(node.value):
            lines[(*here, index)] = item.start_mark.line + 1
            items.append(_build(loader, item, (*here, index), lines))
        return items
    if isinstance(node, ScalarNode):
        return loader.construct_object(node)
    raise YamlError(node.start_mark.line + 1, "unsupported YAML node", "use plain YAML")


def _reader_error(text: str, exc: yaml.reader.ReaderError) -> YamlError:
    line = text[: max(0, exc.position)].count("\n") + 1
    return YamlError(
        line,
        f"the file contains a control character (code {exc.character:#x}) YAML does not allow",
        "delete it; it is often pasted in invisibly from a web page or a word processor",
    )
