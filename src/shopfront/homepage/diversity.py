"""Diversity inside a row: maximal marginal relevance over embeddings and categories.

Greedy MMR (Carbonell & Goldstein, SIGIR 1998): each next item maximises
``lambda * relevance - (1 - lambda) * max similarity to the items already
chosen``. Similarity mixes the cosine of item embeddings (from a factor or
content model, when the bundle has one) with "same category". Relevance is the
row's score scaled to ``[0, 1]``. The objective of each chosen item never
exceeds that of the one before it (the remaining set only shrinks and the
penalties only grow), so it doubles as the displayed, sorted row score.

Example:
    >>> import numpy as np
    >>> relevance = np.array([1.0, 0.95, 0.5], dtype=np.float32)
    >>> categories = np.array([0, 0, 1])
    >>> mmr(relevance, 2, mmr_lambda=0.5, categories=categories)[0].tolist()
    [0, 2]
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from shopfront.models.base import CandidateGenerator

EMBEDDING_MODELS: tuple[str, ...] = ("als", "bpr", "content", "sequential")


def mmr(
    relevance: np.ndarray,
    n: int,
    *,
    mmr_lambda: float,
    categories: np.ndarray,
    embeddings: np.ndarray | None = None,
    category_weight: float = 0.5,
) -> tuple[np.ndarray, np.ndarray]:
    """Positions of the ``n`` items MMR picks from a pool, and their objective values.

    Args:
        relevance: float32 (P,) relevance of each pool item in ``[0, 1]``, best first.
        n: How many to pick.
        mmr_lambda: 1 ranks by relevance alone; 0 by novelty alone.
        categories: int (P,) category code of each pool item (-1 unknown).
        embeddings: float32 (P, D) unit-norm item embeddings, or ``None``.
        category_weight: Share of "same category" in the similarity when
            embeddings are given.

    Returns:
        int64 positions into the pool, in pick order, and float32 objective values
        (non-increasing).
    """
    size = len(relevance)
    n = min(n, size)
    if mmr_lambda >= 1.0 or size <= 1:
        return np.arange(n, dtype=np.int64), np.asarray(relevance[:n], dtype=np.float32)

    # Penalties are scaled once; a chosen item's gain becomes -inf so it is not picked again.
    penalty = (1.0 - mmr_lambda) * _similarity(categories, embeddings, category_weight)
    gain = mmr_lambda * np.asarray(relevance, dtype=np.float32)
    closest = np.zeros(size, dtype=np.float32)
    chosen = np.zeros(n, dtype=np.int64)
    values = np.zeros(n, dtype=np.float32)
    for step in range(n):
        objective = gain - closest
        pick = int(objective.argmax())
        chosen[step], values[step] = pick, objective[pick]
        gain[pick] = -np.inf
        np.maximum(closest, penalty[pick], out=closest)
    return chosen, values


def _similarity(
    categories: np.ndarray, embeddings: np.ndarray | None, category_weight: float
) -> np.ndarray:
    """float32 (P, P) pairwise similarity in ``[0, 1]``."""
    same = (categories[:, None] == categories[None, :]) & (categories[:, None] >= 0)
    if embeddings is None:
        return np.asarray(same, dtype=np.float32)
    cosine = np.clip(embeddings @ embeddings.T, 0.0, 1.0)
    return np.asarray(category_weight * same + (1.0 - category_weight) * cosine, dtype=np.float32)


def item_embeddings(models: Mapping[str, CandidateGenerator], n_items: int) -> np.ndarray | None:
    """Unit-norm float32 (n_items, D) item embeddings of the first model that has them.

    Looks for an ``item_embeddings_`` attribute, then the known learned state of
    the factor (``implicit``'s ``item_factors``) and content (``text_embeddings_``)
    models. ``None`` when no model offers embeddings: rows then diversify by
    category alone.
    """
    for name in EMBEDDING_MODELS:
        vectors = _embeddings_of(models.get(name))
        if vectors is not None and vectors.ndim == 2 and vectors.shape[0] == n_items:
            norms = np.linalg.norm(vectors, axis=1, keepdims=True)
            return np.asarray(vectors / np.maximum(norms, 1e-12), dtype=np.float32)
    return None


def _embeddings_of(model: CandidateGenerator | None) -> np.ndarray | None:
    """The item embedding matrix a model exposes, if any."""
    if model is None:
        return None
    for source in (
        getattr(model, "item_embeddings_", None),
        getattr(getattr(model, "model_", None), "item_factors", None),
        getattr(model, "text_embeddings_", None),
    ):
        if isinstance(source, np.ndarray):
            return np.asarray(source, dtype=np.float32)
    return None
