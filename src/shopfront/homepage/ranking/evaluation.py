"""Offline comparison of the ranker with each generator alone, on one split.

For the ``"valid"`` split of :mod:`shopfront.evaluate.split` (each shopper's
second-to-last item is the target): the ranker is trained on the training part
(:func:`~shopfront.homepage.ranking.training.train_ranker` holds out *its*
last item in turn), the generators are refit on the whole training part, and
every evaluated shopper's target is ranked by each generator over the whole
catalog and by the ranker over the merged pool (a target outside the pool
counts as a miss). Seen items are masked in both, as the protocol asks. For
``"test"``, the same one step later.

Example:
    >>> report = compare_with_generators(snapshot, factories, split="valid")  # doctest: +SKIP
    >>> report["ranker"]["NDCG@10"] > max(r["NDCG@10"] for r in report["generators"].values())
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from typing import Any

import numpy as np

from shopfront.evaluate.metrics import metrics_from_ranks
from shopfront.evaluate.split import leave_one_out
from shopfront.homepage.ranking.ranker import CandidateRanker
from shopfront.homepage.ranking.training import ModelFactory, held_out_set, train_ranker
from shopfront.prep.snapshot import Snapshot

logger = logging.getLogger(__name__)


def compare_with_generators(
    snapshot: Snapshot,
    factories: Mapping[str, ModelFactory],
    *,
    split: str = "valid",
    ranker: CandidateRanker | None = None,
    profiles_factory: Any = None,
    max_train_users: int | None = 20_000,
    max_eval_users: int | None = None,
    seed: int = 0,
) -> dict[str, Any]:
    """Metrics of the ranker and of every generator alone on one split.

    Args:
        snapshot: All interactions.
        factories: Fresh unfitted generator per name.
        split: ``"valid"`` or ``"test"``.
        ranker: The unfitted ranker; LambdaMART over all ``factories`` by default.
        profiles_factory: Callable building a fitted profile builder from a
            snapshot, or ``None`` to summarise histories directly.
        max_train_users: Shoppers sampled for the ranker's training groups.
        max_eval_users: Shoppers sampled for evaluation (all when ``None``).
        seed: Seed of the samples and the learners.

    Returns:
        ``{"ranker": metrics, "generators": {name: metrics}, "pool_recall": float,
        "n_users": int, "seconds": {...}}`` with HR/NDCG@5/10/20 and MRR.
    """
    loo = leave_one_out(snapshot, split)
    train, users, targets = loo.train, loo.user_indices, loo.target_items
    if max_eval_users is not None and len(users) > max_eval_users:
        chosen = np.sort(
            np.random.default_rng(seed).choice(len(users), max_eval_users, replace=False)
        )
        users, targets = users[chosen], targets[chosen]
    profiles = profiles_factory(train) if profiles_factory is not None else None
    seconds: dict[str, float] = {}

    started = time.perf_counter()
    ranker = ranker or CandidateRanker(generators=tuple(factories), seed=seed)
    ranker = train_ranker(
        train, factories, profiles=profiles, max_users=max_train_users, ranker=ranker, seed=seed
    )
    seconds["train_ranker"] = time.perf_counter() - started

    started = time.perf_counter()
    fitted = {name: factories[name]().fit(train) for name in ranker.generators}
    evaluation = held_out_set(
        train, users, targets, fitted,
        generators=ranker.generators, pool_size=ranker.pool_size, profiles=profiles,
    )  # fmt: skip
    ranks = np.array([_rank_in_group(ranker, group) for group in evaluation.groups])
    seconds["evaluate"] = time.perf_counter() - started

    in_pool = np.array([group.labels.any() for group in evaluation.groups])
    report: dict[str, Any] = {
        "split": split,
        "n_users": len(users),
        "ranker": _rounded(metrics_from_ranks(ranks)),
        "generators": {
            name: _rounded(metrics_from_ranks(evaluation.generator_ranks[g]))
            for g, name in enumerate(ranker.generators)
        },
        "pool_recall": round(float(in_pool.mean()), 4),
        "mean_pool_size": round(float(np.mean([len(g) for g in evaluation.groups])), 1),
        "seconds": {k: round(v, 1) for k, v in seconds.items()},
    }
    logger.info(
        "ranker evaluation split=%s ndcg@10=%.4f best_generator=%.4f",
        split, report["ranker"]["NDCG@10"],
        max(m["NDCG@10"] for m in report["generators"].values()),
    )  # fmt: skip
    return report


def _rank_in_group(ranker: CandidateRanker, group: Any) -> float:
    """0-based pessimistic rank of the positive under the ranker; a large number if absent."""
    positives = np.flatnonzero(group.labels > 0)
    if len(positives) == 0:
        return 1e9
    scores = ranker.score(group.features)
    target = scores[positives[0]]
    return float((scores > target).sum() + (scores == target).sum() - 1)


def _rounded(metrics: dict[str, float]) -> dict[str, float]:
    return {k: round(v, 4) for k, v in metrics.items()}
