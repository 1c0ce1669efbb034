"""Fast single-shopper scoring paths for generators whose batch path is slow per request.

Serving scores one history per request, where the batch paths of some models
pay fixed costs (building a sparse matrix, inspecting thread pools) that exceed
the arithmetic. The scorers here compute the same scores for one history:

- :class:`ALSRequestScorer` recomputes the shopper's ALS embedding with the
  normal equations of ``implicit``'s ``recalculate_user`` (Hu, Koren and
  Volinsky, ICDM 2008: ``(YᵀY + λI + Yᵀ(Cᵤ − I)Y) xᵤ = Yᵀ Cᵤ pᵤ``), keeping
  ``YᵀY + λI`` precomputed and solving the small system in NumPy; the batch
  path's per-call thread-pool inspection alone took about 25 ms a call on two
  busy cores (issue #5);
- :class:`CooccurrenceRequestScorer` adds up the similarity rows of the latest
  items directly, without a sparse product.

``tests/homepage/test_fastpath.py`` checks each against the model's own
:meth:`~shopfront.models.base.CandidateGenerator.score`, the reference path.

TODO(#5): move these single-history paths into the models themselves (one code
path for batch and single calls), so that every caller gets them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from shopfront.models.als import ALSCandidateGenerator
from shopfront.models.base import CandidateGenerator
from shopfront.models.cooccurrence import CooccurrenceCandidateGenerator
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
        self.type_weights = np.asarray(model.type_weights_, dtype=np.float64)
        self.fallback = np.asarray(model.fallback_, dtype=np.float32)

    def __call__(self, history: History) -> np.ndarray:
        """float32 (n_items,) dot products with the shopper's fresh embedding."""
        if len(history) == 0:
            return self.fallback.copy()

        # Repeated interactions with one item add up, as in the model's user-item row.
        items, inverse = np.unique(history.item_indices, return_inverse=True)
        strength = np.bincount(
            inverse, weights=self.type_weights[np.asarray(history.types, dtype=np.int64)]
        )
        factors = self.item_embeddings[items].astype(np.float64)
        confidence = self.alpha * strength.astype(np.float32).astype(np.float64)
        system = self.gram + (factors.T * (confidence - 1.0)) @ factors
        embedding = np.linalg.solve(system, factors.T @ confidence).astype(np.float32)
        return np.asarray(self.item_embeddings @ embedding + self.fallback, dtype=np.float32)


class CooccurrenceRequestScorer:
    """The request-time path of the co-occurrence generator.

    Args:
        model: A fitted co-occurrence generator.
    """

    def __init__(self, model: CooccurrenceCandidateGenerator) -> None:
        similarity = model.similarity_.tocsr()
        self.indptr, self.indices = similarity.indptr, similarity.indices
        self.data = similarity.data.astype(np.float32)
        self.recency = float(model.recency)
        self.n_latest = int(model.window * 4)
        self.fallback = np.asarray(model.fallback_, dtype=np.float32)

    def __call__(self, history: History) -> np.ndarray:
        """float32 (n_items,) recency-weighted sum of the latest items' similarity rows."""
        scores = np.zeros(len(self.fallback), dtype=np.float32)
        latest = np.asarray(history.item_indices[::-1][: self.n_latest], dtype=np.int64)
        weights = np.power(self.recency, np.arange(len(latest)), dtype=np.float64)
        for item, weight in zip(latest.tolist(), weights.astype(np.float32).tolist(), strict=True):
            start, stop = self.indptr[item], self.indptr[item + 1]
            scores[self.indices[start:stop]] += np.float32(weight) * self.data[start:stop]
        return scores + self.fallback


def request_scorers(models: Mapping[str, CandidateGenerator]) -> dict[str, RequestScorer]:
    """Fast request paths for the models that have one (by registry name)."""
    scorers: dict[str, RequestScorer] = {}
    als = models.get("als")
    if isinstance(als, ALSCandidateGenerator) and hasattr(
        getattr(als, "model_", None), "item_factors"
    ):
        scorers["als"] = ALSRequestScorer(als)
    cooccurrence = models.get("cooccurrence")
    if isinstance(cooccurrence, CooccurrenceCandidateGenerator):
        scorers["cooccurrence"] = CooccurrenceRequestScorer(cooccurrence)
    return scorers
