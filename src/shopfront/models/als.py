"""Matrix factorization with alternating least squares, through ``implicit``.

Implicit-feedback ALS (Hu, Koren and Volinsky, ICDM 2008): unobserved items are
weak negatives, observed ones positives with confidence ``1 + alpha * strength``.
A user's embedding is recomputed from their current history at request time
(one least-squares solve), so new shoppers and fresh clicks are served without
retraining and known and unknown users share one code path.

That solve has two routes with the same maths. A large batch goes through
``implicit``'s ``recalculate_user`` (parallel Cholesky solves). A small batch,
such as a request's batch of one, solves the normal equations in NumPy,
``(YᵀY + λI + Yᵀ(Cᵤ − I)Y) xᵤ = Yᵀ Cᵤ pᵤ``, with ``YᵀY + λI`` kept from fit:
the batch route's fixed costs (the sparse history matrix, and above all the
thread-pool inspection of ``threadpool_limits``, about 25 ms a call on two
busy cores, issue #5) dwarf the arithmetic of a few shoppers.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar, Self

import numpy as np
from threadpoolctl import threadpool_limits

from shopfront.models.base import CandidateGenerator, check_item_indices, history_matrix
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

    request_batch: ClassVar[int] = 32
    """Batches up to this size are solved in NumPy: 32 histories took 5 ms there against
    20 ms through ``implicit`` (12k items, 64 dimensions, two busy cores)."""

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
        self.gram_: np.ndarray = _regularized_gram(self.model_)
        self.n_items_ = snapshot.n_items
        return self

    def score(self, histories: Sequence[History]) -> np.ndarray:
        """Dot products of request-time user embeddings with all item embeddings."""
        self.check_fitted()
        if len(histories) <= self.request_batch:
            users = self._request_embeddings(histories)
        else:
            users = self._batch_embeddings(histories)
        scores: np.ndarray = np.asarray(users @ self.model_.item_factors.T, dtype=np.float32)
        result: np.ndarray = scores + self.fallback_
        return result

    def _batch_embeddings(self, histories: Sequence[History]) -> np.ndarray:
        """float32 (B, dim) user embeddings solved by ``implicit``."""
        user_items = history_matrix(histories, self.n_items_, weights=self.type_weights_)
        with threadpool_limits(1, "blas"):
            users = self.model_.recalculate_user(np.arange(len(histories)), user_items)
        return np.atleast_2d(np.asarray(users, dtype=np.float32))

    def _request_embeddings(self, histories: Sequence[History]) -> np.ndarray:
        """float32 (B, dim) the same embeddings, solved in NumPy one history at a time.

        An empty history keeps a zero embedding, as in the batch route, so the
        fallback decides its ranking.
        """
        users = np.zeros((len(histories), len(self.gram_)), dtype=np.float32)
        for row, history in enumerate(histories):
            if len(history):
                users[row] = self._solve(history)
        return users

    def _solve(self, history: History) -> np.ndarray:
        """float32 (dim,) one shopper's embedding from the normal equations."""
        # Repeated interactions with one item add up, as in the batch route's user-item row.
        items, inverse = np.unique(history.item_indices, return_inverse=True)
        check_item_indices(items, self.n_items_)
        weights = self.type_weights_[np.asarray(history.types, dtype=np.int64)]
        strength = np.bincount(inverse, weights=weights).astype(np.float32)
        confidence = (strength * np.float32(self.alpha)).astype(np.float64)

        factors = np.asarray(self.model_.item_factors[items], dtype=np.float64)
        system = self.gram_ + (factors.T * (confidence - 1.0)) @ factors
        return np.linalg.solve(system, factors.T @ confidence).astype(np.float32)

    def __setstate__(self, state: dict[str, Any]) -> None:
        """Restore a pickled model; one pickled before ``gram_`` existed gets it computed."""
        self.__dict__.update(state)
        if "model_" in state and "gram_" not in state:
            self.gram_ = _regularized_gram(self.model_)


def _regularized_gram(model: Any) -> np.ndarray:
    """float64 (dim, dim) ``YᵀY + λI`` of a fitted ``implicit`` model, shared by every solve."""
    items = np.asarray(model.item_factors, dtype=np.float64)
    return items.T @ items + float(model.regularization) * np.eye(items.shape[1])
