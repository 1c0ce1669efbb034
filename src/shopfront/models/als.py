"""Matrix factorization with alternating least squares, through ``implicit``.

Implicit-feedback ALS (Hu, Koren and Volinsky, ICDM 2008): unobserved items are
weak negatives, observed ones positives with confidence ``1 + alpha * strength``.
A user's embedding is recomputed from their current history at request time
(one least-squares solve), so new shoppers and fresh clicks are served without
retraining and known and unknown users share one code path.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Self

import numpy as np
from threadpoolctl import threadpool_limits

from shopfront.models.base import CandidateGenerator, history_matrix
from shopfront.prep.snapshot import History, Snapshot
from shopfront.prep.weighting import WeightingConfig


class ALSCandidateGenerator(CandidateGenerator):
    """Implicit ALS with request-time user embeddings.

    Args:
        embedding_dim: Size of user and item embeddings.
        regularization: L2 penalty.
        iterations: ALS sweeps.
        alpha: Confidence scale of observed interactions.
        seed: Seed of the initial embeddings.
    """

    name = "als"

    def __init__(
        self,
        *,
        embedding_dim: int = 64,
        regularization: float = 0.05,
        iterations: int = 15,
        alpha: float = 10.0,
        seed: int = 0,
    ) -> None:
        super().__init__(seed=seed)
        if embedding_dim < 1:
            raise ValueError(f"embedding_dim must be >= 1, got {embedding_dim}")
        self.embedding_dim = embedding_dim
        self.regularization = regularization
        self.iterations = iterations
        self.alpha = alpha

    def fit(self, snapshot: Snapshot) -> Self:
        """Factorize the snapshot's user×item strength matrix."""
        from implicit.cpu.als import AlternatingLeastSquares

        # implicit parallelises itself; a multi-threaded BLAS underneath only slows it.
        with threadpool_limits(1, "blas"):
            self.model_: Any = AlternatingLeastSquares(
                factors=self.embedding_dim,
                regularization=self.regularization,
                iterations=self.iterations,
                alpha=self.alpha,
                random_state=self.seed,
            )
            self.model_.fit(snapshot.matrix.astype(np.float32), show_progress=False)
        self.type_weights_ = WeightingConfig().type_weights()

        # With an empty history every dot product is zero; popularity breaks the tie.
        counts = np.log1p(np.bincount(snapshot.seq_items, minlength=snapshot.n_items))
        self.fallback_: np.ndarray = (1e-6 * counts / max(counts.max(), 1.0)).astype(np.float32)
        self.n_items_ = snapshot.n_items
        return self

    def score(self, histories: Sequence[History]) -> np.ndarray:
        """Dot products of request-time user embeddings with all item embeddings."""
        self.check_fitted()
        user_items = history_matrix(histories, self.n_items_, weights=self.type_weights_)
        with threadpool_limits(1, "blas"):
            users = self.model_.recalculate_user(np.arange(len(histories)), user_items)
        users = np.atleast_2d(np.asarray(users, dtype=np.float32))
        scores: np.ndarray = np.asarray(users @ self.model_.item_factors.T, dtype=np.float32)
        result: np.ndarray = scores + self.fallback_
        return result
