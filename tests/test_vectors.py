"""The matcher's TF-IDF matrices: a shared feature dictionary changes no score."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from bot.matching.vectors import SparseVectors, plain_idf

DOCS = [Counter(d.split()) for d in ("work permit iceland", "asylum iceland", "study permit")]
GROUPS = [Counter(["work", "permit", "iceland", "asylum", "iceland"]), Counter(["study", "permit"])]
QUERIES = [Counter(q.split()) for q in ("permit", "iceland asylum", "nothing here", "study work")]


def test_a_document_has_exactly_its_features() -> None:
    vectors = SparseVectors(DOCS, plain_idf)
    work, permit, unknown = vectors.vocab.numbers(["work", "permit", "unknown"]).tolist()
    assert vectors.has(0, work)
    assert vectors.has(2, permit)
    assert not vectors.has(1, permit)
    assert not vectors.has(0, unknown)


def test_sharing_another_matrix_dictionary_changes_no_score() -> None:
    words = SparseVectors([*DOCS, Counter({"only-in-phrasings": 1})], plain_idf)
    own = SparseVectors(GROUPS, plain_idf)
    shared = SparseVectors(GROUPS, plain_idf, words.vocab)
    assert shared.vocab is words.vocab
    for query in [*QUERIES, Counter({"only-in-phrasings": 1, "permit": 1})]:
        own_scores, _ = own.query(query)
        shared_scores, _ = shared.query(query)
        np.testing.assert_allclose(shared_scores, own_scores, rtol=1e-6)
        assert shared.feature_idf("only-in-phrasings") == own.feature_idf("only-in-phrasings")


def test_a_numbering_by_hashes_numbers_in_order_and_refuses_a_string_twice() -> None:
    from bot.matching.hashed import Numbering

    numbering = Numbering(["asylum", "työ", "عمل", "asylum "])
    assert len(numbering) == 4
    assert [numbering.get(t) for t in ("asylum", "työ", "عمل", "asylum ")] == [0, 1, 2, 3]
    assert numbering.get("Asylum") is None
    assert "työ" in numbering
    assert 1 not in numbering
    assert numbering.numbers(["عمل", "nope", "asylum"]).tolist() == [2, -1, 0]
    assert Numbering([]).numbers(["x"]).tolist() == [-1]
    with pytest.raises(ValueError, match="share a hash"):
        Numbering(["same", "same"])
