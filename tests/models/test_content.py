"""Content similarity on title embeddings and attribute tokens (#3)."""

from __future__ import annotations

import numpy as np
import pytest

from shopfront.errors import ValidationError
from shopfront.models.content import ContentCandidateGenerator, attribute_matrix, encode_texts
from shopfront.prep.builder import snapshot_from_sequences
from shopfront.prep.snapshot import History, Snapshot
from shopfront.store.records import Item

FAST = {"encoder": "hashing", "cache_embeddings": False}


def test_hashing_embeddings_are_unit_and_deterministic() -> None:
    first = encode_texts(["red nail polish", "chef knife"], encoder="hashing")
    second = encode_texts(["red nail polish", "chef knife"], encoder="hashing")
    np.testing.assert_array_equal(first, second)
    np.testing.assert_allclose(np.linalg.norm(first, axis=1), 1.0, rtol=1e-5)
    assert first.dtype == np.float32


def test_attribute_matrix_is_unit_tfidf() -> None:
    matrix = attribute_matrix([["brand:a", "category:x"], ["category:x"], []])
    assert matrix.shape == (3, 2)
    norms = np.sqrt(matrix.multiply(matrix).sum(axis=1)).A1
    np.testing.assert_allclose(norms, [1, 1, 0], atol=1e-6)


def test_recommends_items_like_the_history(tiny_snapshot: Snapshot) -> None:
    model = ContentCandidateGenerator(**FAST).fit(tiny_snapshot)  # type: ignore[arg-type]
    lipstick = tiny_snapshot.items.index("i3")
    recommended = model.recommend(History(np.array([lipstick])), 10).item_indices
    assert all(int(i) < 30 for i in tiny_snapshot.items.to_ids(recommended) for i in [i[1:]])


def test_similar_items_leave_the_item_out(tiny_snapshot: Snapshot) -> None:
    model = ContentCandidateGenerator(**FAST).fit(tiny_snapshot)  # type: ignore[arg-type]
    knife = tiny_snapshot.items.index("i40")
    similar = model.similar_items(knife, 5)
    assert knife not in similar.item_indices
    assert all(int(i[1:]) >= 30 for i in tiny_snapshot.items.to_ids(similar.item_indices))


def test_items_nobody_touched_are_scored_by_content() -> None:
    catalog = [
        Item(item_id="a", title="red nail polish"),
        Item(item_id="b", title="chef knife steel"),
        Item(item_id="new", title="red nail polish glitter"),
    ]
    snapshot = snapshot_from_sequences(["u"], [["a", "b"]], catalog)
    model = ContentCandidateGenerator(**FAST).fit(snapshot)  # type: ignore[arg-type]
    scores = model.score([History(np.array([0]))])[0]
    assert scores[2] > scores[1]


def test_recency_weights_favour_the_latest_item(tiny_snapshot: Snapshot) -> None:
    model = ContentCandidateGenerator(**FAST, recency_decay=0.1).fit(tiny_snapshot)  # type: ignore[arg-type]
    lipstick, knife = tiny_snapshot.items.index("i3"), tiny_snapshot.items.index("i40")
    top = model.recommend(History(np.array([lipstick, knife])), 1).item_indices[0]
    assert int(tiny_snapshot.items.id(top)[1:]) >= 30


def test_bad_options_are_rejected(tiny_snapshot: Snapshot) -> None:
    with pytest.raises(ValidationError, match="attribute_weight"):
        ContentCandidateGenerator(**FAST, attribute_weight=2.0).fit(tiny_snapshot)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="encoder"):
        encode_texts(["x"], encoder="bag")
