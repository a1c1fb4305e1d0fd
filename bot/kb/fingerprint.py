"""A cheap identity of the knowledge folder, so live reload re-reads it only after an edit."""

from __future__ import annotations

import hashlib
from pathlib import Path


def fingerprint(root: Path) -> str:
    """A cheap identity of the folder's YAML files (names, sizes, modification times)."""
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.y*ml")):
        try:
            stat = path.stat()
        except OSError:
            continue
        digest.update(f"{path.relative_to(root)}:{stat.st_size}:{stat.st_mtime_ns};".encode())
    return digest.hexdigest()
