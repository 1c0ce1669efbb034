"""Offline comparison of rankers with each generator alone, on one split.

For the ``"valid"`` split of :mod:`shopfront.evaluate.split` (each shopper's
second-to-last item is the target): the rankers are trained on held-out groups
of the training part (generators fit without each shopper's *last training*
item, labelled with it), the generators are then refit on the whole training
part, and every evaluated shopper's target is ranked by each generator over the
whole catalog and by each ranker over the merged pool (a target outside the
pool counts as a miss). Seen items are masked in both, as the protocol asks.
For ``"test"``, the same one step later.

Example:
    >>> report = compare_with_generators(snapshot, factories, split="valid")  # doctest: +SKIP
    >>> report["rankers"]["lambdamart"]["NDCG@10"] > report["best_generator"]["NDCG@10"]
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from shopfront.evaluate.metrics import metrics_from_ranks
from shopfront.evaluate.split import leave_one_out
from shopfront.homepage.ranking.ranker import CandidateRanker, RankingGroup
from shopfront.homepage.ranking.training import (
    ModelFactory,
    held_out_set,
    held_out_training_set,
)
from shopfront.prep.snapshot import Snapshot

logger = logging.getLogger(__name__)

ProfilesFactory = Callable[[Snapshot], Any]


def compare_with_generators(
    snapshot: Snapshot,
    factories: Mapping[str, ModelFactory],
    *,
    split: str = "valid",
    rankers: Sequence[CandidateRanker] | None = None,
    profiles_factory: ProfilesFactory | None = None,
    max_train_users: int | None = 20_000,
    max_eval_users: int | None = None,
    training_steps: int = 1,
    seed: int = 0,
) -> dict[str, Any]:
    """Metrics of each ranker and of every generator alone on one split.

    Args:
        snapshot: All interactions.
        factories: Fresh unfitted generator per name; all of them feed the rankers.
        split: ``"valid"`` or ``"test"``.
        rankers: Unfitted rankers over ``factories`` (same generators and pool
            size); LambdaMART and the logistic baseline by default.
        profiles_factory: Builds a fitted profile builder from a snapshot, or
            ``None`` to summarise histories directly.
        max_train_users: Shoppers sampled for the rankers' training groups.
        max_eval_users: Shoppers sampled for evaluation (all when ``None``).
        training_steps: Held-out positions of the training groups.
        seed: Seed of the samples and the learners.

    Returns:
        ``{"rankers": {kind: metrics}, "generators": {name: metrics},
        "best_generator": {...}, "pool_recall", "n_users", "seconds"}`` with
        HR/NDCG@5/10/20 and MRR.
    """
    generators = tuple(factories)
    rankers = rankers or [
        CandidateRanker(kind=kind, generators=generators, seed=seed)
        for kind in ("lambdamart", "logistic")
    ]
    pool_size = rankers[0].pool_size
    loo = leave_one_out(snapshot, split)
    train, users, targets = loo.train, loo.user_indices, loo.target_items
    if max_eval_users is not None and len(users) > max_eval_users:
        rng = np.random.default_rng(seed)
        chosen = np.sort(rng.choice(len(users), max_eval_users, replace=False))
        users, targets = users[chosen], targets[chosen]
    seconds: dict[str, float] = {}

    started = time.perf_counter()
    profiles = profiles_factory(train) if profiles_factory is not None else None
    training = held_out_training_set(
        train, factories, generators=generators, pool_size=pool_size,
        profiles=profiles, max_users=max_train_users, steps=training_steps, seed=seed,
    )  # fmt: skip
    seconds["training_data"] = time.perf_counter() - started

    started = time.perf_counter()
    fitted = {name: factories[name]().fit(train) for name in generators}
    evaluation = held_out_set(
        train, users, targets, fitted,
        generators=generators, pool_size=pool_size, profiles=profiles,
    )  # fmt: skip
    seconds["evaluation_data"] = time.perf_counter() - started

    results = {}
    for ranker in rankers:
        started = time.perf_counter()
        ranker.fit(training.groups)
        seconds[f"fit_{ranker.kind}"] = time.perf_counter() - started
        ranks = np.array([_rank_in_group(ranker, group) for group in evaluation.groups])
        results[ranker.kind] = _rounded(metrics_from_ranks(ranks))

    per_generator = {
        name: _rounded(metrics_from_ranks(evaluation.generator_ranks[g]))
        for g, name in enumerate(generators)
    }
    best = max(per_generator, key=lambda name: per_generator[name]["NDCG@10"])
    report = {
        "split": split,
        "n_users": len(users),
        "n_training_groups": sum(1 for g in training.groups if g.labels.any()),
        "rankers": results,
        "generators": per_generator,
        "best_generator": {"name": best, **per_generator[best]},
        "pool_recall": round(float(np.mean([g.labels.any() for g in evaluation.groups])), 4),
        "mean_pool_size": round(float(np.mean([len(g) for g in evaluation.groups])), 1),
        "seconds": {k: round(v, 1) for k, v in seconds.items()},
    }
    logger.info(
        "ranker evaluation split=%s %s best_generator=%s ndcg@10=%.4f",
        split, " ".join(f"{k}={v['NDCG@10']:.4f}" for k, v in results.items()),
        best, per_generator[best]["NDCG@10"],
    )  # fmt: skip
    return report


def _rank_in_group(ranker: CandidateRanker, group: RankingGroup) -> float:
    """0-based pessimistic rank of the positive under the ranker; 1e9 when it is not pooled."""
    positives = np.flatnonzero(group.labels > 0)
    if len(positives) == 0:
        return 1e9
    scores = ranker.score(group.features)
    target = scores[positives[0]]
    return float((scores > target).sum() + (scores == target).sum() - 1)


def _rounded(metrics: dict[str, float]) -> dict[str, float]:
    return {k: round(v, 4) for k, v in metrics.items()}
