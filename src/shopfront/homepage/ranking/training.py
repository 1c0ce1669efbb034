"""Offline training data of the ranker: held-out next interactions and logged clicks.

Held-out groups follow the leave-one-out protocol of
:mod:`shopfront.evaluate.split`: every shopper's last interaction is held out,
fresh copies of the generators are fit on the rest, and the shopper's candidate
pool (built from the history without that last item) is labelled 1 where it
holds the held-out item. The ranker thus learns to merge generators exactly as
they will be at serving time, one step ahead of what they saw.

Logged groups come from the feedback stage once pages have been served: the
history at request time, the items shown (the candidates) and which were
clicked (the labels). They are featurized with the bundle's models, the ones
that served them. Pass them as ``logged`` to :func:`train_ranker`.

Example:
    >>> factories = {"popularity": PopularityCandidateGenerator}
    >>> ranker = train_ranker(snapshot, factories)  # doctest: +SKIP
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np

from shopfront.errors import ValidationError
from shopfront.evaluate.split import leave_one_out, truncate_histories
from shopfront.homepage.catalog import CatalogStats
from shopfront.homepage.ranking.features import candidate_features, featurize
from shopfront.homepage.ranking.ranker import CandidateRanker, RankingGroup
from shopfront.homepage.shopper import ShopperSummary
from shopfront.models.base import CandidateGenerator
from shopfront.models.registry import create_model
from shopfront.prep.snapshot import History, Snapshot

logger = logging.getLogger(__name__)

ModelFactory = Callable[[], CandidateGenerator]

RANKER_GENERATORS: tuple[str, ...] = (
    "popularity",
    "cooccurrence",
    "als",
    "bpr",
    "sequential",
    "content",
)
"""Generators whose scores the bundle's ranker reads, when the bundle has them."""


@dataclass(frozen=True, slots=True)
class LoggedGroup:
    """One served row or page from the logs.

    Attributes:
        history: The shopper's history when the page was served.
        candidates: int64 (C,) item indices shown.
        labels: float32 (C,) 1 where the shopper clicked (or bought), else 0.
    """

    history: History
    candidates: np.ndarray
    labels: np.ndarray


@dataclass(frozen=True, slots=True)
class HeldOutSet:
    """Featurized groups of evaluated shoppers, with where each target landed.

    Attributes:
        groups: One group per evaluated shopper (labels may all be 0).
        candidates: Per group, the int64 candidate item indices.
        targets: int64 (U,) the held-out item of each group.
        generator_ranks: float64 (G, U) 0-based full-ranking rank of the target
            under each generator, seen items masked.
    """

    groups: list[RankingGroup]
    candidates: list[np.ndarray]
    targets: np.ndarray
    generator_ranks: np.ndarray


def held_out_set(
    train: Snapshot,
    users: np.ndarray,
    targets: np.ndarray,
    models: Mapping[str, CandidateGenerator],
    *,
    generators: Sequence[str],
    pool_size: int,
    profiles: Any = None,
    batch_size: int = 512,
) -> HeldOutSet:
    """Featurize each user's pool on ``train`` and label it with their target.

    Args:
        train: Snapshot the models were fit on (histories without the targets).
        users: int64 (U,) user indices of ``train``.
        targets: int64 (U,) the held-out item of each user.
        models: Fitted generators by name.
        generators: The generators whose pools and scores form the features.
        pool_size: Items taken from each generator.
        profiles: A fitted profile builder, or ``None`` to summarise histories directly.
        batch_size: Users scored per ``score`` call.
    """
    stats = CatalogStats.from_snapshot(train)
    groups, pools, ranks = [], [], []
    for start in range(0, len(users), batch_size):
        batch = [train.history(int(u)) for u in users[start : start + batch_size]]
        batch_targets = targets[start : start + batch_size]
        rows = [models[g].score(batch) for g in generators]
        ranks.append(_target_ranks(rows, batch, batch_targets))
        for b, history in enumerate(batch):
            shopper = _summary(history, stats, profiles, train.reference_time)
            usable = np.ones(train.n_items, dtype=bool)
            usable[history.item_indices] = False
            candidates, features = featurize(
                [row[b] for row in rows], usable, stats, shopper, pool_size=pool_size
            )
            labels = (candidates == batch_targets[b]).astype(np.float32)
            groups.append(RankingGroup(features, labels))
            pools.append(candidates)
    generator_ranks = np.concatenate(ranks, axis=1) if ranks else np.zeros((len(generators), 0))
    return HeldOutSet(groups, pools, np.asarray(targets, dtype=np.int64), generator_ranks)


def logged_groups(
    logged: Sequence[LoggedGroup],
    snapshot: Snapshot,
    models: Mapping[str, CandidateGenerator],
    *,
    generators: Sequence[str],
    pool_size: int,
    profiles: Any = None,
) -> list[RankingGroup]:
    """Featurize logged impressions with the models that served them."""
    stats = CatalogStats.from_snapshot(snapshot)
    groups = []
    for entry in logged:
        rows = [models[g].score([entry.history])[0] for g in generators]
        ranks = np.full((len(rows), len(entry.candidates)), pool_size + 1, dtype=np.int64)
        for g, row in enumerate(rows):
            ranks[g] = _ranks_within(row, entry.candidates, entry.history, pool_size)
        shopper = _summary(entry.history, stats, profiles, snapshot.reference_time)
        candidates = np.asarray(entry.candidates, dtype=np.int64)
        features = candidate_features(candidates, rows, ranks, stats, shopper, pool_size=pool_size)
        groups.append(RankingGroup(features, np.asarray(entry.labels, dtype=np.float32)))
    return groups


def held_out_training_set(
    snapshot: Snapshot,
    factories: Mapping[str, ModelFactory],
    *,
    generators: Sequence[str],
    pool_size: int,
    profiles: Any = None,
    max_users: int | None = 20_000,
    steps: int = 1,
    seed: int = 0,
) -> HeldOutSet:
    """Groups of held-out next interactions: fresh generators fit without each last item.

    With ``steps`` > 1 the same is repeated one item earlier (generators fit
    without each shopper's last two items, labelled with the second-to-last,
    and so on), for more groups at the cost of one more fit per step.

    Args:
        snapshot: The full training snapshot.
        factories: Per generator name, a factory of a fresh, unfitted model.
        generators: The generators whose pools and scores form the features.
        pool_size: Items taken from each generator.
        profiles: A fitted profile builder, or ``None``.
        max_users: Sample at most this many shoppers per step.
        steps: How many held-out positions, from the last one back.
        seed: Seed of the sample.
    """
    if steps < 1:
        raise ValidationError(f"steps must be >= 1, got {steps}")
    sets = []
    base = snapshot
    for step in range(steps):
        if step:
            lengths = np.diff(base.seq_offsets)
            base = truncate_histories(base, np.maximum(lengths - 1, np.minimum(lengths, 1)))
        split = leave_one_out(base, "test")
        users, targets = split.user_indices, split.target_items
        if max_users is not None and len(users) > max_users:
            rng = np.random.default_rng(seed + step)
            chosen = np.sort(rng.choice(len(users), max_users, replace=False))
            users, targets = users[chosen], targets[chosen]
        fitted = {name: factories[name]().fit(split.train) for name in generators}
        sets.append(
            held_out_set(
                split.train,
                users,
                targets,
                fitted,
                generators=generators,
                pool_size=pool_size,
                profiles=profiles,
            )  # fmt: skip
        )
    return HeldOutSet(
        groups=[group for part in sets for group in part.groups],
        candidates=[pool for part in sets for pool in part.candidates],
        targets=np.concatenate([part.targets for part in sets]),
        generator_ranks=np.concatenate([part.generator_ranks for part in sets], axis=1),
    )


def train_ranker(
    snapshot: Snapshot,
    factories: Mapping[str, ModelFactory],
    *,
    models: Mapping[str, CandidateGenerator] | None = None,
    profiles: Any = None,
    logged: Sequence[LoggedGroup] = (),
    max_users: int | None = 20_000,
    steps: int = 1,
    ranker: CandidateRanker | None = None,
    seed: int = 0,
) -> CandidateRanker:
    """Train a ranker on held-out next interactions (and logged clicks, when given).

    Args:
        snapshot: The full training snapshot of the bundle.
        factories: Per generator name, a factory of a fresh, unfitted model; they
            are fit on ``snapshot`` minus each shopper's last interaction.
        models: The bundle's models fitted on ``snapshot``; needed for ``logged``.
        profiles: The bundle's fitted profile builder, or ``None``.
        logged: Served pages with their clicks (from the feedback stage).
        max_users: Sample at most this many shoppers for held-out groups, per step.
        steps: Held-out positions, from the last one back (see :func:`held_out_training_set`).
        ranker: The unfitted ranker to train; defaults to LambdaMART over ``factories``.
        seed: Seed of the user sample.

    Raises:
        ValueError: ``logged`` is given without ``models``.
        ValidationError: No usable group could be built.
    """
    if logged and models is None:
        raise ValueError("models must be given with logged groups, got None")
    ranker = ranker or CandidateRanker(generators=tuple(factories), seed=seed)
    started = time.perf_counter()
    held_out = held_out_training_set(
        snapshot, factories, generators=ranker.generators, pool_size=ranker.pool_size,
        profiles=profiles, max_users=max_users, steps=steps, seed=seed,
    )  # fmt: skip
    groups = list(held_out.groups)
    if logged and models is not None:
        groups += logged_groups(
            logged, snapshot, models,
            generators=ranker.generators, pool_size=ranker.pool_size, profiles=profiles,
        )  # fmt: skip
    logger.info(
        "ranker training data users=%d logged=%d seconds=%.1f",
        len(held_out.groups), len(logged), time.perf_counter() - started,
    )  # fmt: skip
    return ranker.fit(groups)


def bundle_ranker(
    snapshot: Snapshot,
    model_names: Sequence[str],
    *,
    model_options: Mapping[str, Mapping[str, Any]] | None = None,
    models: Mapping[str, CandidateGenerator] | None = None,
    profiles: Any = None,
    logged: Sequence[LoggedGroup] = (),
    max_users: int | None = 20_000,
    steps: int | None = None,
    seed: int = 0,
) -> CandidateRanker | None:
    """The ranker of a new bundle: LambdaMART over the bundle's generators.

    This is the call for the training job: the generators among
    ``RANKER_GENERATORS`` that the bundle has are refit, with the bundle's
    options, on the snapshot minus each shopper's last interaction.

    Args:
        snapshot: The bundle's snapshot.
        model_names: Registry names of the bundle's generators.
        model_options: Per-model constructor options, as for the bundle.
        models: The bundle's fitted generators (needed with ``logged``).
        profiles: The bundle's fitted profile builder, or ``None``.
        logged: Served pages with their clicks, from the feedback stage.
        max_users: Sample at most this many shoppers per step.
        steps: Held-out positions; by default enough for about 10,000 groups
            (at most 3), since small shops give too few groups from one step.
        seed: Seed of the models, the sample and the learner.

    Returns:
        The fitted ranker, or ``None`` when the bundle has no personal generator
        or the snapshot too few shoppers with three events.
    """
    generators = [name for name in RANKER_GENERATORS if name in model_names]
    if not any(name != "popularity" for name in generators):
        return None
    options = model_options or {}
    factories: dict[str, ModelFactory] = {
        name: partial(create_model, name, seed=seed, **options.get(name, {})) for name in generators
    }
    ranker = CandidateRanker(generators=generators, seed=seed)
    if steps is None:
        steps = min(3, max(1, -(-10_000 // max(snapshot.n_users, 1))))
    try:
        return train_ranker(
            snapshot, factories, models=models, profiles=profiles, logged=logged,
            max_users=max_users, steps=steps, ranker=ranker, seed=seed,
        )  # fmt: skip
    except ValidationError as error:
        logger.warning("no ranker trained: %s", error)
        return None


def _summary(history: History, stats: CatalogStats, profiles: Any, now: float) -> ShopperSummary:
    """The shopper summary, through the profile builder when one is given."""
    at = max(now, float(history.timestamps[-1])) if len(history) else now
    profile = profiles.build(history, now=at) if profiles is not None else None
    return ShopperSummary.build(history, stats, profile=profile)


def _target_ranks(
    rows: Sequence[np.ndarray], histories: Sequence[History], targets: np.ndarray
) -> np.ndarray:
    """float64 (G, B) 0-based pessimistic rank of each target, the history masked."""
    result = np.zeros((len(rows), len(histories)))
    for g, scores in enumerate(rows):
        scores = scores.copy()
        for b, history in enumerate(histories):
            seen = history.item_indices[history.item_indices != targets[b]]
            scores[b, seen] = -np.inf
        target = scores[np.arange(len(histories)), targets][:, None]
        rank = (scores > target).sum(axis=1) + (scores == target).sum(axis=1) - 1
        result[g] = np.where(np.isfinite(target[:, 0]), rank, scores.shape[1] - 1)
    return result


def _ranks_within(
    row: np.ndarray, candidates: np.ndarray, history: History, pool_size: int
) -> np.ndarray:
    """1-based rank of each candidate in the row, the history masked; capped at pool_size + 1."""
    scores = row.copy()
    scores[history.item_indices] = -np.inf
    values = scores[candidates]
    rank = (scores[None, :] > values[:, None]).sum(axis=1) + 1
    return np.asarray(np.minimum(rank, pool_size + 1), dtype=np.int64)
