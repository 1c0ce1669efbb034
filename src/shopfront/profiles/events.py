"""One shopper's events, weighted and grouped by item: the input of every profile figure.

Events on items outside the fitted snapshot are dropped. Each event gets its
weight (event type and time decay, :mod:`shopfront.prep.weighting`), and the
events are grouped by item, so that affinities, interests, price bands and
evidence all work on the shopper's distinct items (``U`` of them) rather than
on every event (``n``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from shopfront.prep.snapshot import History
from shopfront.prep.weighting import WeightingConfig, interaction_strength


@dataclass(frozen=True, slots=True)
class WeightedEvents:
    """A shopper's events on known items, weighted and grouped by item.

    Attributes:
        items: int64 (n,) item index of each event, oldest first.
        types: int8 (n,) interaction type of each event.
        timestamps: float64 (n,) Unix seconds of each event.
        weights: float32 (n,) weight of each event at the profile's time.
        unique: int64 (U,) distinct items, ascending.
        inverse: int64 (n,) position in ``unique`` of each event's item.
        item_weights: float64 (U,) summed event weights per distinct item.
    """

    items: np.ndarray
    types: np.ndarray
    timestamps: np.ndarray
    weights: np.ndarray
    unique: np.ndarray
    inverse: np.ndarray
    item_weights: np.ndarray

    def __len__(self) -> int:
        return len(self.items)


def weighted_events(
    history: History, *, n_items: int, now: float, weighting: WeightingConfig
) -> WeightedEvents | None:
    """The weighted, grouped events of ``history``; ``None`` when none is on a known item.

    Args:
        history: The shopper's events as item indices.
        n_items: Number of items of the fitted snapshot; other indices are dropped.
        now: Time the weights decay to.
        weighting: Type weights and half-life.
    """
    items = np.asarray(history.item_indices, dtype=np.int64)
    types, timestamps = history.types, history.timestamps
    known = (items >= 0) & (items < n_items)
    if not known.all():
        items, types, timestamps = items[known], types[known], timestamps[known]
    if len(items) == 0:
        return None

    weights = interaction_strength(types, timestamps, now=now, config=weighting)
    unique, inverse = unique_with_inverse(items)
    return WeightedEvents(
        items=items,
        types=types,
        timestamps=timestamps,
        weights=weights,
        unique=unique,
        inverse=inverse,
        item_weights=np.bincount(inverse, weights=weights),
    )


def unique_with_inverse(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct values and the position of each value among them.

    The same result as ``np.unique(values, return_inverse=True)`` in fewer
    steps, about 40 % faster on a 130-event history (measured with timeit).
    """
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    starts = np.empty(len(ordered), dtype=bool)
    starts[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=starts[1:])
    inverse = np.empty(len(ordered), dtype=np.int64)
    inverse[order] = np.cumsum(starts) - 1
    return ordered[starts], inverse
