"""Fast single-shopper scoring paths for generators whose batch path is slow per request.

Serving scores one history per request. :class:`ALSRequestScorer` recomputes the
shopper's ALS embedding with the same normal equations as ``implicit``'s
``recalculate_user`` (Hu, Koren and Volinsky, ICDM 2008: ``(YᵀY + λI +
Yᵀ(Cᵤ − I)Y) xᵤ = Yᵀ Cᵤ pᵤ``), but keeps ``YᵀY + λI`` precomputed and solves the
small system in NumPy, skipping the per-call thread-pool inspection of the
batch path (about 25 ms a call measured on two busy cores, issue #5).
``tests/homepage/test_fastpath.py`` checks it against the model's own
:meth:`~shopfront.models.base.CandidateGenerator.score`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from shopfront.models.als import ALSCandidateGenerator
from shopfront.models.base import CandidateGenerator, history_matrix
from shopfront.prep.snapshot import History

RequestScorer = Callable[[History], np.ndarray]
"""Scores of every item for one history, float32 (n_items,)."""


class ALSRequestScorer:
    """The request-time path of :class:`~shopfront.models.als.ALSCandidateGenerator`.

    Args:
        model: A fitted ALS generator.
    """

    def __init__(self, model: ALSCandidateGenerator) -> None:
        inner: Any = model.model_
        self.item_embeddings = np.ascontiguousarray(inner.item_factors, dtype=np.float32)
        dim = self.item_embeddings.shape[1]
        gram = self.item_embeddings.T.astype(np.float64) @ self.item_embeddings
        self.gram = gram + float(inner.regularization) * np.eye(dim)
        self.alpha = float(inner.alpha)
        self.type_weights = model.type_weights_
        self.fallback = model.fallback_
        self.n_items = int(model.n_items_)

    def __call__(self, history: History) -> np.ndarray:
        """float32 (n_items,) dot products with the shopper's fresh embedding."""
        row = history_matrix([history], self.n_items, weights=self.type_weights)
        if row.nnz == 0:
            return np.array(self.fallback, dtype=np.float32)
        factors = self.item_embeddings[row.indices].astype(np.float64)
        confidence = self.alpha * row.data.astype(np.float64)
        system = self.gram + (factors.T * (confidence - 1.0)) @ factors
        embedding = np.linalg.solve(system, factors.T @ confidence).astype(np.float32)
        return np.asarray(self.item_embeddings @ embedding + self.fallback, dtype=np.float32)


def request_scorers(models: Mapping[str, CandidateGenerator]) -> dict[str, RequestScorer]:
    """Fast request paths for the models that have one (by registry name)."""
    scorers: dict[str, RequestScorer] = {}
    als = models.get("als")
    if isinstance(als, ALSCandidateGenerator) and hasattr(
        getattr(als, "model_", None), "item_factors"
    ):
        scorers["als"] = ALSRequestScorer(als)
    return scorers
