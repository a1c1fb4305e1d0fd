"""JSON Schemas of the knowledge files, generated from the pydantic models.

Every YAML file names its schema on its first line
(`# yaml-language-server: $schema=...`), so editors with the YAML language server complete
keys and flag mistakes while a maintainer types.
"""

from __future__ import annotations

import json
from pathlib import Path

from bot.kb.models import FILE_MODELS

SCHEMA_DIR = "schemas"


def schema_texts() -> dict[str, str]:
    """File name to JSON text, for every kind of knowledge file."""
    texts: dict[str, str] = {}
    for kind, model in FILE_MODELS.items():
        schema = model.model_json_schema(by_alias=True)
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["title"] = f"Knowledge file: {kind}"
        texts[f"{kind}.schema.json"] = json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
    return texts


def write_schemas(knowledge_dir: Path) -> list[Path]:
    """Write (or refresh) the schemas under `knowledge_dir/schemas/`."""
    target = knowledge_dir / SCHEMA_DIR
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in schema_texts().items():
        path = target / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def schema_line(kind: str, depth: int) -> str:
    """The first line a YAML file of `kind` carries, `depth` folders below `knowledge/`."""
    prefix = "../" * depth
    return f"# yaml-language-server: $schema={prefix}{SCHEMA_DIR}/{kind}.schema.json"
