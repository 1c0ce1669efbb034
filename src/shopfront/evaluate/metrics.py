"""Full-ranking metrics: the target's rank among all items, and what follows from it.

The rank of a target is 0-based: the number of items scored **strictly higher**
plus the number of *other* items scored **equal** (ties are counted
pessimistically, so a model that scores everything alike gets the worst rank,
not a lucky one). Items of the user's input history are masked first (scored
``-inf``), except the target itself when it occurs in the history. A non-finite
target score ranks last.

From ranks ``r``: ``HR@n = mean(r < n)``, ``NDCG@n = mean([r < n] / log2(r + 2))``
(one relevant item, so the ideal DCG is 1), ``MRR = mean(1 / (r + 1))``, and catalog
coverage is the fraction of items that appear in at least one top-20 list.

Example:
    >>> import numpy as np
    >>> scores = np.array([[0.1, 0.9, 0.5, 0.5]], dtype=np.float32)
    >>> target_ranks(scores, np.array([2]), [np.array([1])])
    array([1])
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch

CUTOFFS: tuple[int, ...] = (5, 10, 20)
COVERAGE_CUTOFF = 20


def metric_names(cutoffs: Sequence[int] = CUTOFFS) -> list[str]:
    """Names of the metrics, in report order."""
    names = [f"HR@{n}" for n in cutoffs] + [f"NDCG@{n}" for n in cutoffs]
    return [*names, "MRR", "coverage@20"]


def mask_histories(
    scores: torch.Tensor, histories: Sequence[np.ndarray], targets: np.ndarray
) -> None:
    """Set the scores of each row's history items to ``-inf``, sparing the target (in place)."""
    lengths = [len(h) for h in histories]
    if sum(lengths) == 0:
        return
    rows = np.repeat(np.arange(len(histories)), lengths)
    cols = np.concatenate([np.asarray(h, dtype=np.int64) for h in histories])
    keep = cols != np.repeat(targets, lengths)
    scores[torch.from_numpy(rows[keep]), torch.from_numpy(cols[keep])] = -torch.inf


def ranks_from_masked(scores: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """0-based pessimistic ranks of ``targets`` in already-masked ``scores`` (B, n_items)."""
    target_scores = scores.gather(1, targets[:, None])
    higher = (scores > target_scores).sum(dim=1)
    ties = (scores == target_scores).sum(dim=1) - 1
    rank = higher + ties
    worst = torch.full_like(rank, scores.shape[1] - 1)
    return torch.where(torch.isfinite(target_scores[:, 0]), rank, worst)


def target_ranks(
    scores: np.ndarray, targets: np.ndarray, histories: Sequence[np.ndarray]
) -> np.ndarray:
    """0-based ranks of each row's target among all items, history masked.

    Args:
        scores: float32 (B, n_items), higher is better.
        targets: int64 (B,) item index of each row's target.
        histories: Per row, the item indices of the input history.

    Returns:
        int64 (B,) ranks; 0 means the target was scored first.
    """
    masked = torch.from_numpy(np.array(scores, dtype=np.float32, copy=True))
    masked = torch.nan_to_num(masked, nan=-torch.inf)
    targets = np.asarray(targets, dtype=np.int64)
    mask_histories(masked, histories, targets)
    return ranks_from_masked(masked, torch.from_numpy(targets)).numpy().astype(np.int64)


def metrics_from_ranks(ranks: np.ndarray, cutoffs: Sequence[int] = CUTOFFS) -> dict[str, float]:
    """HR@n, NDCG@n and MRR from 0-based ranks (coverage is computed apart)."""
    ranks = np.asarray(ranks, dtype=np.float64)
    if len(ranks) == 0:
        return {name: float("nan") for name in metric_names(cutoffs)[:-1]}
    gains = 1.0 / np.log2(ranks + 2.0)
    result = {f"HR@{n}": float(np.mean(ranks < n)) for n in cutoffs}
    result |= {f"NDCG@{n}": float(np.mean(np.where(ranks < n, gains, 0.0))) for n in cutoffs}
    result["MRR"] = float(np.mean(1.0 / (ranks + 1.0)))
    return result


def top_items(masked: torch.Tensor, n: int = COVERAGE_CUTOFF) -> np.ndarray:
    """int64 (B, n) indices of each row's ``n`` best finite-scored items; -1 pads."""
    n = min(n, masked.shape[1])
    values, indices = torch.topk(masked, n, dim=1)
    indices = torch.where(torch.isfinite(values), indices, torch.full_like(indices, -1))
    return indices.numpy().astype(np.int64)


def coverage(top: np.ndarray, n_items: int) -> float:
    """Fraction of the catalog found in at least one list of ``top`` (-1 ignored)."""
    if n_items == 0:
        return 0.0
    return float(len(np.setdiff1d(np.unique(top), [-1])) / n_items)
