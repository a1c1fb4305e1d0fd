"""An optional semantic signal: static word embeddings of the `wordllama` package's model.

Install with `pip install '.[semantic]'` (`make` does); with the default `BOT_SEMANTIC=auto`
it is used whenever installed (`off` turns it off). The model ships inside the wheel (a 16 MB
table of 32,000 token vectors and its tokenizer); nothing is downloaded.

A text's vector is the mean of its tokens' vectors, normalized: what wordllama's own `embed`
computes (a test checks they agree). The bot reads the wheel's files itself instead of through
`WordLlama.load` for memory: the loader copies the half-precision table into a 32 MB
single-precision one and imports HTTP and clustering code the bot never uses (56 MB resident in
all). Here the table stays in its file, mapped read-only: the process reads only the pages of the
tokens it meets, the system may drop them again, and replicas on one machine share them.

The embeddings understand paraphrases within a language ("my balance" / "how much money do I
have") but barely across languages, so they add to the lexical score instead of replacing it.
"""

from __future__ import annotations

import importlib.util
import json
import logging
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


class WordLlamaEmbedder:
    """Mean token vector of each text, from a read-only table of token vectors."""

    def __init__(self, tokenizer: Tokenizer, table: npt.NDArray[np.float16]) -> None:
        self._tokenizer = tokenizer
        self.table = table

    @property
    def dimensions(self) -> int:
        return int(self.table.shape[1])

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        out = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        if not texts:
            return out
        last = self.table.shape[0] - 1
        # A few texts at a time: the tokenizer's encodings of thousands of phrasings at once
        # would take several MB for a moment, which the process then keeps.
        for start in range(0, len(texts), BATCH):
            batch = list(texts[start : start + BATCH])
            for row, encoding in enumerate(
                self._tokenizer.encode_batch(batch, add_special_tokens=False), start
            ):
                if not encoding.ids:
                    continue
                ids = np.clip(np.asarray(encoding.ids, dtype=np.int64), 0, last)
                vector = self.table[ids].astype(np.float32).mean(axis=0)
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
    from tokenizers import Tokenizer

    package = Path(next(iter(spec.submodule_search_locations)))
    tokenizer = Tokenizer.from_file(str(package / TOKENIZER))
    return WordLlamaEmbedder(tokenizer, map_tensor(package / WEIGHTS, TENSOR))


def map_tensor(path: Path, name: str) -> npt.NDArray[np.float16]:
    """Tensor `name` of a safetensors file, mapped read-only from the file, not read into memory.

    The format: an 8-byte little-endian header length, a JSON header giving each tensor's dtype,
    shape and byte range in the data that follows (https://github.com/huggingface/safetensors).
    The `safetensors` package's numpy loader copies the data, so the header is read here."""
    with path.open("rb") as file:
        (length,) = struct.unpack("<Q", file.read(8))
        header = json.loads(file.read(length))
    tensor = header[name]
    if tensor["dtype"] != "F16":
        raise ValueError(f"{path}: {name} is {tensor['dtype']}, expected F16")
    start, end = tensor["data_offsets"]
    shape = tuple(tensor["shape"])
    if end - start != 2 * int(np.prod(shape)):
        raise ValueError(f"{path}: {name} has {end - start} bytes for shape {shape}")
    return np.memmap(path, dtype=np.float16, mode="r", offset=8 + length + start, shape=shape)
