"""Leave-one-out splits (#3)."""

from __future__ import annotations

import numpy as np
import pytest

from shopfront.errors import ValidationError
from shopfront.evaluate.split import leave_one_out
from shopfront.prep.builder import snapshot_from_sequences
from shopfront.prep.snapshot import Snapshot
from shopfront.store.records import Item


def _snapshot() -> Snapshot:
    sequences = [["a", "b", "c", "d"], ["c", "a", "e"], ["b", "e"]]
    catalog = [Item(item_id=i) for i in "abcdef"]
    return snapshot_from_sequences(["u1", "u2", "u3"], sequences, catalog)


def _ids(snapshot: Snapshot, user: int) -> list[str]:
    return snapshot.items.to_ids(snapshot.history(user).item_indices)


def test_valid_split_holds_out_the_last_two() -> None:
    split = leave_one_out(_snapshot(), "valid")
    assert split.user_indices.tolist() == [0, 1]  # u3 has fewer than three interactions
    assert split.train.items.to_ids(split.target_items) == ["c", "a"]
    assert _ids(split.train, 0) == ["a", "b"]
    assert _ids(split.train, 1) == ["c"]
    assert _ids(split.train, 2) == ["b"]


def test_test_split_refits_on_everything_but_the_last() -> None:
    split = leave_one_out(_snapshot(), "test")
    assert split.train.items.to_ids(split.target_items) == ["d", "e"]
    assert _ids(split.train, 0) == ["a", "b", "c"]
    assert [h.item_indices.tolist() for h in split.histories()][1] == [2, 0]


def test_training_matrix_has_no_held_out_interaction() -> None:
    split = leave_one_out(_snapshot(), "test")
    matrix = split.train.matrix.toarray()
    d, e = split.train.items.index("d"), split.train.items.index("e")
    assert matrix[0, d] == 0 and matrix[1, e] == 0
    assert (matrix > 0).sum() == len(split.train.seq_items)
    assert split.train.n_items == 6


def test_unknown_split_is_rejected() -> None:
    with pytest.raises(ValidationError, match="split"):
        leave_one_out(_snapshot(), "train")


def test_targets_align_with_training_counts() -> None:
    split = leave_one_out(_snapshot(), "valid")
    assert np.diff(split.train.seq_offsets).tolist() == [2, 1, 1]
