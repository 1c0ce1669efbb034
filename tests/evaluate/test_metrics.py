"""The metric arithmetic, pinned on hand-checked examples (#3)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from shopfront.evaluate.metrics import coverage, metrics_from_ranks, target_ranks


def test_ranks_count_higher_scores_and_ties_pessimistically() -> None:
    scores = np.array(
        [
            [0.9, 0.1, 0.5, 0.3, 0.7],  # target 2: items 0 and 4 above it → rank 2
            [0.2, 0.2, 0.2, 0.1, 0.0],  # target 1: ties with 0 and 2 count against it → rank 2
            [0.1, 0.8, 0.9, 0.4, 0.3],  # target 3; items 1, 2 masked (history) → rank 0
        ],
        dtype=np.float32,
    )
    histories = [np.array([], dtype=np.int64), np.array([4]), np.array([1, 2])]
    ranks = target_ranks(scores, np.array([2, 1, 3]), histories)
    assert ranks.tolist() == [2, 2, 0]


def test_target_in_history_is_not_masked() -> None:
    scores = np.array([[0.1, 0.9, 0.5]], dtype=np.float32)
    ranks = target_ranks(scores, np.array([1]), [np.array([1, 2])])
    assert ranks.tolist() == [0]


def test_non_finite_target_ranks_last() -> None:
    scores = np.array([[0.1, np.nan, 0.5]], dtype=np.float32)
    assert target_ranks(scores, np.array([1]), [np.array([], dtype=np.int64)]).tolist() == [2]


def test_metrics_from_hand_computed_ranks() -> None:
    ranks = np.array([0, 2, 7, 15, 40])
    metrics = metrics_from_ranks(ranks)

    # HR@n: share of ranks below n.
    assert metrics["HR@5"] == pytest.approx(2 / 5)
    assert metrics["HR@10"] == pytest.approx(3 / 5)
    assert metrics["HR@20"] == pytest.approx(4 / 5)

    # NDCG@n: 1/log2(rank + 2) for hits: rank 0 → 1, rank 2 → 0.5, rank 7 → 1/log2(9), …
    assert metrics["NDCG@5"] == pytest.approx((1 + 0.5) / 5)
    assert metrics["NDCG@10"] == pytest.approx((1 + 0.5 + 1 / math.log2(9)) / 5)
    assert metrics["NDCG@20"] == pytest.approx((1 + 0.5 + 1 / math.log2(9) + 1 / math.log2(17)) / 5)
    assert metrics["MRR"] == pytest.approx((1 + 1 / 3 + 1 / 8 + 1 / 16 + 1 / 41) / 5)


def test_coverage_counts_distinct_items_of_top_lists() -> None:
    top = np.array([[0, 1, 2], [1, 2, -1]])
    assert coverage(top, n_items=10) == pytest.approx(0.3)


def test_empty_ranks_give_nan() -> None:
    assert math.isnan(metrics_from_ranks(np.array([]))["HR@10"])
