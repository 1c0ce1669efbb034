"""Popularity and trending: the baseline every shopper can be given.

Popularity counts interaction strength per item over the whole snapshot;
trending weighs recent interactions far more (a short half-life), so what is
rising this week outranks what sold well all year. Both ignore the user, which
makes them the fallback for new shoppers and the floor every model must beat.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Self

import numpy as np

from shopfront.models.base import CandidateGenerator
from shopfront.prep.snapshot import History, Snapshot


class PopularityCandidateGenerator(CandidateGenerator):
    """Items ranked by how often (and how strongly) shoppers interacted with them.

    Args:
        half_life_days: Decay of old interactions; ``0`` counts all equally.
        seed: Unused (the model is deterministic); kept for the contract.
    """

    name = "popularity"

    def __init__(self, *, half_life_days: float = 0.0, seed: int = 0) -> None:
        super().__init__(seed=seed)
        if half_life_days < 0:
            raise ValueError(f"half_life_days must be >= 0, got {half_life_days}")
        self.half_life_days = half_life_days

    def fit(self, snapshot: Snapshot) -> Self:
        """Count interactions per item, decayed from the snapshot's reference time."""
        weights = np.ones(len(snapshot.seq_items), dtype=np.float64)
        if self.half_life_days > 0:
            age_days = (snapshot.reference_time - snapshot.seq_times) / 86400.0
            weights = np.power(0.5, np.maximum(age_days, 0.0) / self.half_life_days)
        counts = np.bincount(snapshot.seq_items, weights=weights, minlength=snapshot.n_items)

        # A tiny index-based tie-break keeps rankings deterministic and stable.
        tie_break = np.linspace(1e-6, 0.0, snapshot.n_items)
        self.item_scores_ = (np.log1p(counts) + tie_break).astype(np.float32)
        self.n_items_ = snapshot.n_items
        return self

    def score(self, histories: Sequence[History]) -> np.ndarray:
        """The same popularity row for every history."""
        self.check_fitted()
        return np.tile(self.item_scores_, (len(histories), 1))


class TrendingCandidateGenerator(PopularityCandidateGenerator):
    """Popularity with a short half-life: what is rising now.

    Args:
        half_life_days: Decay of old interactions (default one week).
        seed: Unused; kept for the contract.
    """

    name = "trending"

    def __init__(self, *, half_life_days: float = 7.0, seed: int = 0) -> None:
        super().__init__(half_life_days=half_life_days, seed=seed)
