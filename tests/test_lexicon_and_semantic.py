"""The reference data the matcher keeps compact: common-word lists and the semantic model.

Both are kept in a form that costs little memory (hashes; a table mapped from its file), so
these tests check that the compact form answers exactly what the plain one would.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from wordfreq import top_n_list

from bot.matching.lexicon import EitherOf, common_words, common_words_of
from bot.matching.semantic import TOKENIZER, WordLlamaEmbedder, load_embedder, open_table
from bot.text import fold


def test_common_words_are_the_folded_top_words_of_each_language() -> None:
    english = top_n_list("en", 10000, wordlist="small")
    words = [w for w in english if w.isalpha()]
    assert all(w in common_words_of("en") for w in words)
    assert len(common_words_of("en")) == len({fold(w) for w in english})
    # Folded as the matcher folds a question: Icelandic "hæð" (floor) is "haed".
    assert fold("hæð") == "haed"
    assert "haed" in common_words_of("is")
    assert "haed" not in common_words_of("en")
    assert "hola" in common_words_of("es")
    assert "hola" not in common_words_of("fi")
    assert 42 not in common_words_of("en")


def test_fewer_common_words_are_a_prefix_of_the_list() -> None:
    english = [w for w in top_n_list("en", 10000, wordlist="small") if w.isalpha()]
    frequent, rarer = english[10], english[5000]
    assert frequent in common_words_of("en", 200)
    assert rarer not in common_words_of("en", 200)
    assert rarer in common_words_of("en")
    with pytest.raises(ValueError, match="at most"):
        common_words_of("en", 10**6)


def test_word_hashes_are_the_same_in_every_process() -> None:
    # A matcher built in a child process looks words up in the bot's (see bot.builder).
    from bot.matching.hashed import word_hash

    script = "from bot.matching.hashed import word_hash; print(word_hash('hæð'))"
    other = subprocess.run([sys.executable, "-c", script], capture_output=True, check=True)
    assert int(other.stdout) == word_hash("hæð")


def test_common_words_of_several_languages_and_either_of_two_lists() -> None:
    both = common_words(("en", "es"))
    assert "hola" in both
    assert "the" in both
    assert "hola" not in common_words(("en", "fi"))
    # A word common in two languages keeps its better rank.
    assert "no" in common_words(("en", "es"), 200)
    known = EitherOf(frozenset({"migri"}), both)
    assert "migri" in known
    assert "hola" in known
    assert "xqzt" not in known
    assert common_words(("es", "en")).hashes is both.hashes  # built once per process


needs_wordllama = pytest.mark.skipif(
    importlib.util.find_spec("wordllama") is None,
    reason="wordllama is not installed (pip install '.[semantic]')",
)

TEXTS = [
    "How can I apply for asylum in Iceland?",
    "Mikä on IOM?",
    "как получить вид на жительство",
    "چگونه می‌توانم پناهندگی بگیرم؟",
    "",
    "🙂",
]


@needs_wordllama
def test_embeddings_equal_wordllamas_own(tmp_path: Path) -> None:
    from wordllama import WordLlama

    ours = load_embedder()
    assert isinstance(ours, WordLlamaEmbedder)
    # wordllama's loader looks for the tokenizer in a folder its wheel does not use: copy it.
    spec = importlib.util.find_spec("wordllama")
    assert spec is not None
    assert spec.submodule_search_locations
    package = Path(next(iter(spec.submodule_search_locations)))
    (tmp_path / "tokenizers").mkdir()
    shutil.copy(package / TOKENIZER, tmp_path / "tokenizers")
    model = WordLlama.load(cache_dir=tmp_path, disable_download=True)
    texts = [t for t in TEXTS if t]
    with np.errstate(invalid="ignore", divide="ignore"):
        theirs = np.nan_to_num(np.asarray(model.embed(texts, norm=True), dtype=np.float32))
    np.testing.assert_allclose(ours.embed(texts), theirs, atol=1e-5)


@needs_wordllama
def test_embedding_rows_are_unit_vectors_or_zeros() -> None:
    embedder = load_embedder()
    assert isinstance(embedder, WordLlamaEmbedder)
    vectors = embedder.embed(TEXTS)
    assert vectors.shape == (len(TEXTS), embedder.dimensions)
    norms = np.linalg.norm(vectors, axis=1)
    np.testing.assert_allclose(norms[:4], 1.0, atol=1e-5)
    assert norms[4] == 0.0  # nothing to embed: no signal, not NaN
    assert embedder.embed([]).shape == (0, embedder.dimensions)


def test_a_tensor_is_read_from_a_safetensors_file_and_a_wrong_one_is_refused(
    tmp_path: Path,
) -> None:
    save_file = pytest.importorskip("safetensors.numpy").save_file
    table = np.arange(24, dtype=np.float16).reshape(6, 4)
    save_file({"other": np.ones(3, np.float16), "embedding.weight": table}, tmp_path / "m.st")
    read = open_table(tmp_path / "m.st", "embedding.weight")
    assert (read.rows, read.dimensions) == (6, 4)
    every = np.arange(6, dtype=np.int64)
    np.testing.assert_array_equal(read.vectors(every), table.astype(np.float32))
    # Out of range ids are clipped to the table, as wordllama does.
    np.testing.assert_array_equal(read.vectors(np.array([9, -1, 2])), table[[5, 0, 2]])
    save_file({"embedding.weight": table.astype(np.float32)}, tmp_path / "f32.st")
    with pytest.raises(ValueError, match="F32, expected F16"):
        open_table(tmp_path / "f32.st", "embedding.weight")


def test_without_the_model_files_the_bot_matches_without_the_signal(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # A wordllama version that keeps its files elsewhere: a warning, not a bot that won't start.
    from bot.matching.semantic import embedder_from

    assert embedder_from(tmp_path) is None
    assert "semantic signal off: wordllama's model files could not be read" in caplog.text
