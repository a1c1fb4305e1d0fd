"""An optional semantic signal: static word embeddings of the `wordllama` package's model.

Install with `pip install '.[semantic]'` (`make` does); with the default `BOT_SEMANTIC=auto`
it is used whenever installed (`off` turns it off). The model ships inside the wheel (a 16 MB
table of 32,000 token vectors and its tokenizer); nothing is downloaded.

A text's vector is the mean of its tokens' vectors, normalized: what wordllama's own `embed`
computes (a test checks they agree). The bot reads the wheel's files itself instead of through
`WordLlama.load` for memory: the loader copies the half-precision table into a 32 MB
single-precision one and imports HTTP and clustering code the bot never uses (56 MB resident in
all). Here the table stays in its file: a question reads its few tokens' rows (512 bytes each)
from it, so the table is never part of the bot's memory; the system's file cache keeps the rows
read often, shared by replicas on one machine, and may drop them when memory is short.

The embeddings understand paraphrases within a language ("my balance" / "how much money do I
have") but barely across languages, so they add to the lexical score instead of replacing it.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import os
import struct
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from tokenizers import Tokenizer

log = logging.getLogger(__name__)

# The model wordllama loads by default: `WordLlama.load()` (config "l2_supercat", 256 dims).
WEIGHTS = "weights/l2_supercat_256.safetensors"
TOKENIZER = "tokenizers/l2_supercat_tokenizer_config.json"
TENSOR = "embedding.weight"
BATCH = 64


class Embedder(Protocol):
    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """One L2-normalized row per text (zeros for a text with no known token)."""
        ...


class TokenTable:
    """A half-precision table of token vectors in a file, read a row at a time."""

    def __init__(self, path: Path, offset: int, rows: int, dimensions: int) -> None:
        self.rows = rows
        self.dimensions = dimensions
        self._offset = offset
        self._row_bytes = 2 * dimensions
        # Positioned reads (pread) need no lock: threads may embed at once.
        self._file = path.open("rb", buffering=0)

    def vectors(self, ids: npt.NDArray[np.int64]) -> npt.NDArray[np.float32]:
        """The rows `ids` (clipped to the table), as single precision."""
        out = np.empty((len(ids), self.dimensions), dtype=np.float32)
        fd = self._file.fileno()
        for n, token in enumerate(np.clip(ids, 0, self.rows - 1).tolist()):
            data = os.pread(fd, self._row_bytes, self._offset + token * self._row_bytes)
            out[n] = np.frombuffer(data, dtype=np.float16)
        return out


class WordLlamaEmbedder:
    """Mean token vector of each text, from a table of token vectors."""

    def __init__(self, tokenizer: Tokenizer, table: TokenTable) -> None:
        self._tokenizer = tokenizer
        self.table = table

    @property
    def dimensions(self) -> int:
        return self.table.dimensions

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        out = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        if not texts:
            return out
        # A few texts at a time: the tokenizer's encodings of thousands of phrasings at once
        # would take several MB for a moment, which the process then keeps.
        for start in range(0, len(texts), BATCH):
            batch = list(texts[start : start + BATCH])
            for row, encoding in enumerate(
                self._tokenizer.encode_batch(batch, add_special_tokens=False), start
            ):
                if not encoding.ids:
                    continue
                vector = self.table.vectors(np.asarray(encoding.ids, dtype=np.int64)).mean(axis=0)
                norm = float(np.linalg.norm(vector))
                if norm > 0:
                    out[row] = vector / norm
        return out


def load_embedder(required: bool = False) -> Embedder | None:
    """The wordllama embedder, or None when it is not installed (logged when `required`)."""
    spec = importlib.util.find_spec("wordllama")
    if spec is None or not spec.submodule_search_locations:
        if required:
            log.warning("BOT_SEMANTIC=on but wordllama is not installed: pip install '.[semantic]'")
        return None
    return embedder_from(Path(next(iter(spec.submodule_search_locations))))


def embedder_from(package: Path) -> Embedder | None:
    """The embedder of the model files in wordllama's package folder; None, with a warning,
    when they are not where this version of wordllama keeps them (the bot then matches
    without the signal rather than not starting)."""
    try:
        from tokenizers import Tokenizer

        tokenizer = Tokenizer.from_file(str(package / TOKENIZER))
        table = open_table(package / WEIGHTS, TENSOR)
    except Exception as exc:  # tokenizers raises a bare Exception for a missing or bad file
        log.warning(
            "semantic signal off: wordllama's model files could not be read (%s: %s)",
            exc.__class__.__name__,
            str(exc)[:200],
        )
        return None
    return WordLlamaEmbedder(tokenizer, table)


def open_table(path: Path, name: str) -> TokenTable:
    """Tensor `name` of a safetensors file, a half-precision matrix, to be read from the file.

    The format: an 8-byte little-endian header length, a JSON header giving each tensor's dtype,
    shape and byte range in the data that follows (https://github.com/huggingface/safetensors).
    The `safetensors` package's numpy loader reads the whole tensor, so the header is read here."""
    with path.open("rb") as file:
        (length,) = struct.unpack("<Q", file.read(8))
        header = json.loads(file.read(length))
    tensor = header[name]
    if tensor["dtype"] != "F16":
        raise ValueError(f"{path}: {name} is {tensor['dtype']}, expected F16")
    start, end = tensor["data_offsets"]
    rows, dimensions = tensor["shape"]
    if end - start != 2 * rows * dimensions:
        raise ValueError(f"{path}: {name} has {end - start} bytes for shape {rows}x{dimensions}")
    return TokenTable(path, 8 + length + start, rows, dimensions)
