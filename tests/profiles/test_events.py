"""Weighted events grouped by item."""

from __future__ import annotations

import numpy as np

from shopfront.prep.snapshot import History
from shopfront.prep.weighting import WeightingConfig
from shopfront.profiles.events import unique_with_inverse, weighted_events


def test_unique_with_inverse_matches_numpy() -> None:
    values = np.random.default_rng(0).integers(0, 20, 200)

    unique, inverse = unique_with_inverse(values)

    expected_unique, expected_inverse = np.unique(values, return_inverse=True)
    np.testing.assert_array_equal(unique, expected_unique)
    np.testing.assert_array_equal(inverse, expected_inverse)


def test_events_are_weighted_grouped_and_unknown_items_dropped() -> None:
    history = History(
        item_indices=np.array([3, -1, 3, 7, 99]),
        types=np.array([1, 1, 4, 2, 4], dtype=np.int8),
        timestamps=np.array([0.0, 1.0, 2.0, 3.0, 4.0]),
    )

    events = weighted_events(
        history, n_items=10, now=4.0, weighting=WeightingConfig(half_life_days=0.0)
    )

    assert events is not None and len(events) == 3
    np.testing.assert_array_equal(events.unique, [3, 7])
    np.testing.assert_allclose(events.item_weights, [1.0 + 8.0, 2.0])


def test_no_known_item_gives_none() -> None:
    history = History(item_indices=np.array([-1, 50]))

    assert weighted_events(history, n_items=10, now=0.0, weighting=WeightingConfig()) is None
