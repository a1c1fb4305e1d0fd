"""An optional semantic signal: static word embeddings from the `wordllama` package.

Install with `pip install '.[semantic]'` (`make` does); with the default `BOT_SEMANTIC=auto`
it is used whenever installed (`off` turns it off). The weights ship inside
the wheel (16 MB); nothing is downloaded. The package's loader looks for its tokenizer in a
`tokenizer/` folder while the wheel ships it in `tokenizers/`, so the file is copied into a
cache folder of ours and the loader is told never to download.

The embeddings understand paraphrases within a language ("my balance" / "how much money do I
have") but barely across languages, so they add to the lexical score instead of replacing it.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

log = logging.getLogger(__name__)


class Embedder(Protocol):
    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """One L2-normalized row per text."""
        ...


class WordLlamaEmbedder:
    def __init__(self, model: Any) -> None:
        self._model = model

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        if not texts:
            return np.zeros((0, 1), dtype=np.float32)
        with np.errstate(invalid="ignore", divide="ignore"):
            vectors = np.asarray(self._model.embed(list(texts), norm=True), dtype=np.float32)
        # A text with no known token embeds to zeros, normalized to NaN: call it "no signal".
        return np.nan_to_num(vectors, nan=0.0)


def load_embedder(cache_dir: Path | None = None, required: bool = False) -> Embedder | None:
    """The wordllama embedder, or None when it is not installed (logged when `required`)."""
    try:
        import wordllama
        from wordllama import WordLlama
    except ImportError:
        if required:
            log.warning("BOT_SEMANTIC=on but wordllama is not installed: pip install '.[semantic]'")
        return None
    cache = cache_dir or Path(tempfile.gettempdir()) / "migration-bot-wordllama"
    shipped = Path(wordllama.__file__).parent / "tokenizers"
    target = cache / "tokenizers"
    target.mkdir(parents=True, exist_ok=True)
    for file in shipped.glob("*.json"):
        if not (target / file.name).exists():
            shutil.copyfile(file, target / file.name)
    model = WordLlama.load(cache_dir=cache, disable_download=True)
    return WordLlamaEmbedder(model)
