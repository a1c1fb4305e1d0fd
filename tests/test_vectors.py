"""The matcher's TF-IDF matrices: a shared feature dictionary changes no score."""

from __future__ import annotations

from collections import Counter

import numpy as np

from bot.matching.vectors import SparseVectors, plain_idf

DOCS = [Counter(d.split()) for d in ("work permit iceland", "asylum iceland", "study permit")]
GROUPS = [Counter(["work", "permit", "iceland", "asylum", "iceland"]), Counter(["study", "permit"])]
QUERIES = [Counter(q.split()) for q in ("permit", "iceland asylum", "nothing here", "study work")]


def test_a_document_has_exactly_its_features() -> None:
    vectors = SparseVectors(DOCS, plain_idf)
    assert vectors.has(0, "work")
    assert vectors.has(2, "permit")
    assert not vectors.has(1, "permit")
    assert not vectors.has(0, "unknown")


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
