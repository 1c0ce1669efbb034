"""The offline evaluation protocol: fit, score every item for every user, rank the target.

:func:`evaluate` fits a fresh model per seed on the training part of a
leave-one-out split (see :mod:`shopfront.evaluate.split`), scores all items for
every evaluated user in batches through the model's own ``score``, masks the
user's input history and ranks the target (see :mod:`shopfront.evaluate.metrics`).
Results are reported as mean and standard deviation over seeds, with timings,
the process's peak memory and accuracy on targets rare in training.

Example:
    >>> from shopfront.evaluate.harness import evaluate
    >>> result = evaluate(make_model, snapshot, "test", seeds=[0, 1, 2])  # doctest: +SKIP
    >>> result.mean["NDCG@10"]  # doctest: +SKIP
"""

from __future__ import annotations

import logging
import resource
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import torch

from shopfront.errors import ValidationError
from shopfront.evaluate.metrics import (
    coverage,
    mask_histories,
    metric_names,
    metrics_from_ranks,
    ranks_from_masked,
    top_items,
)
from shopfront.evaluate.split import LeaveOneOutSplit, leave_one_out
from shopfront.models.base import CandidateGenerator
from shopfront.prep.snapshot import Snapshot

logger = logging.getLogger(__name__)

ModelFactory = Callable[[int], CandidateGenerator]
ProgressCallback = Callable[[int, int], None]

# Targets with fewer training interactions than this count as "rare".
RARE_TARGET_MAX_COUNT = 5


@dataclass(frozen=True)
class SeedRun:
    """One fit-and-rank run of one model with one seed.

    Attributes:
        seed: The model's seed.
        metrics: Metric name → value over all evaluated users.
        rare_metrics: The same over users whose target is rare in training.
        fit_seconds: Wall time of ``fit``.
        fit_cpu_seconds: CPU time of the process during ``fit`` (all threads).
        score_seconds: Wall time of scoring and ranking all users.
        peak_memory_mib: The process's peak resident memory after this run.
        ranks: int64 (U,) 0-based target ranks, aligned with the split's users.
    """

    seed: int
    metrics: dict[str, float]
    rare_metrics: dict[str, float]
    fit_seconds: float
    fit_cpu_seconds: float
    score_seconds: float
    peak_memory_mib: float
    ranks: np.ndarray = field(repr=False)


@dataclass(frozen=True)
class EvaluationResult:
    """The runs of one model on one split, summarized over seeds.

    Attributes:
        model: The model's name.
        dataset: The dataset's name.
        split: ``"valid"`` or ``"test"``.
        n_users: Evaluated users.
        n_items: Items in the ranking.
        n_rare: Evaluated users whose target is rare in training.
        runs: One :class:`SeedRun` per seed.
    """

    model: str
    dataset: str
    split: str
    n_users: int
    n_items: int
    n_rare: int
    runs: list[SeedRun]

    @property
    def mean(self) -> dict[str, float]:
        """Mean of each metric over seeds."""
        return _summarize([r.metrics for r in self.runs], np.mean)

    @property
    def std(self) -> dict[str, float]:
        """Standard deviation (population) of each metric over seeds."""
        return _summarize([r.metrics for r in self.runs], np.std)

    @property
    def rare_mean(self) -> dict[str, float]:
        """Mean over seeds of the metrics on rare targets."""
        return _summarize([r.rare_metrics for r in self.runs], np.mean)

    @property
    def fit_seconds(self) -> float:
        """Mean fit wall time over seeds."""
        return float(np.mean([r.fit_seconds for r in self.runs]))

    @property
    def score_seconds(self) -> float:
        """Mean wall time to score and rank all users."""
        return float(np.mean([r.score_seconds for r in self.runs]))

    @property
    def peak_memory_mib(self) -> float:
        """Peak resident memory of the process over the runs."""
        return float(max(r.peak_memory_mib for r in self.runs))

    @classmethod
    def from_dict(cls, payload: dict[str, Any]) -> EvaluationResult:
        """The result :meth:`to_dict` wrote, without the per-user ranks it leaves out."""
        runs = [
            SeedRun(
                seed=int(run["seed"]),
                metrics=dict(run["metrics"]),
                rare_metrics=dict(run["rare_metrics"]),
                fit_seconds=float(run["fit_seconds"]),
                fit_cpu_seconds=float(run.get("fit_cpu_seconds", float("nan"))),
                score_seconds=float(run["score_seconds"]),
                peak_memory_mib=float(run["peak_memory_mib"]),
                ranks=np.zeros(0, dtype=np.int64),
            )
            for run in payload["runs"]
        ]
        names = ("model", "dataset", "split", "n_users", "n_items", "n_rare")
        return cls(**{name: payload[name] for name in names}, runs=runs)

    def combined(self, other: EvaluationResult) -> EvaluationResult:
        """Both results' runs as one (the same model, dataset and split, other seeds)."""
        mine = (self.model, self.dataset, self.split, self.n_users)
        theirs = (other.model, other.dataset, other.split, other.n_users)
        if mine != theirs:
            raise ValidationError(
                f"results must share model, dataset, split and users: {mine} vs {theirs}"
            )
        return replace(self, runs=[*self.runs, *other.runs])

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary (ranks left out)."""
        return {
            "model": self.model,
            "dataset": self.dataset,
            "split": self.split,
            "n_users": self.n_users,
            "n_items": self.n_items,
            "n_rare": self.n_rare,
            "seeds": [r.seed for r in self.runs],
            "mean": self.mean,
            "std": self.std,
            "rare_mean": self.rare_mean,
            "fit_seconds": self.fit_seconds,
            "fit_cpu_seconds": float(np.mean([r.fit_cpu_seconds for r in self.runs])),
            "score_seconds": self.score_seconds,
            "peak_memory_mib": self.peak_memory_mib,
            "runs": [
                {
                    "seed": r.seed,
                    "metrics": r.metrics,
                    "rare_metrics": r.rare_metrics,
                    "fit_seconds": r.fit_seconds,
                    "fit_cpu_seconds": r.fit_cpu_seconds,
                    "score_seconds": r.score_seconds,
                    "peak_memory_mib": r.peak_memory_mib,
                }
                for r in self.runs
            ],
        }


def evaluate(
    model_factory: ModelFactory,
    dataset: Snapshot,
    split: str,
    seeds: Sequence[int],
    *,
    model_name: str | None = None,
    dataset_name: str = "dataset",
    batch_size: int = 1024,
    progress: ProgressCallback | None = None,
) -> EvaluationResult:
    """Run the offline protocol for one model.

    Args:
        model_factory: Builds an unfitted model for a seed.
        dataset: All interactions (each user's full history).
        split: ``"valid"`` or ``"test"`` (see :mod:`shopfront.evaluate.split`).
        seeds: One run per seed; at least one.
        model_name: Name in reports; defaults to the model's ``name``.
        dataset_name: Name of the dataset in reports.
        batch_size: Users scored per ``score`` call.
        progress: Called with (users done, users total) after each batch.

    Raises:
        ValidationError: ``seeds`` is empty, ``batch_size`` < 1 or ``split`` unknown.
    """
    if len(seeds) == 0:
        raise ValidationError("seeds must hold at least one seed, got []")
    if batch_size < 1:
        raise ValidationError(f"batch_size must be >= 1, got {batch_size}")
    loo = leave_one_out(dataset, split)
    rare = loo.train.item_counts()[loo.target_items] < RARE_TARGET_MAX_COUNT

    runs = []
    for seed in seeds:
        model = model_factory(int(seed))
        model_name = model_name or model.name
        runs.append(
            run_once(model, loo, rare, seed=int(seed), batch_size=batch_size, progress=progress)
        )
        logger.info(
            "evaluated model=%s split=%s seed=%d ndcg@10=%.4f hr@10=%.4f fit_s=%.1f",
            model_name, split, seed, runs[-1].metrics["NDCG@10"], runs[-1].metrics["HR@10"],
            runs[-1].fit_seconds,
        )  # fmt: skip
    return EvaluationResult(
        model=model_name or "model",
        dataset=dataset_name,
        split=split,
        n_users=len(loo),
        n_items=dataset.n_items,
        n_rare=int(rare.sum()),
        runs=runs,
    )


def run_once(
    model: CandidateGenerator,
    loo: LeaveOneOutSplit,
    rare: np.ndarray,
    *,
    seed: int,
    batch_size: int = 1024,
    progress: ProgressCallback | None = None,
) -> SeedRun:
    """Fit ``model`` on the split's training part and rank every target."""
    started, cpu_started = time.perf_counter(), time.process_time()
    model.fit(loo.train)
    fit_seconds = time.perf_counter() - started
    fit_cpu_seconds = time.process_time() - cpu_started

    started = time.perf_counter()
    ranks, top = rank_targets(model, loo, batch_size=batch_size, progress=progress)
    score_seconds = time.perf_counter() - started

    metrics = metrics_from_ranks(ranks)
    metrics["coverage@20"] = coverage(top, loo.train.n_items)
    return SeedRun(
        seed=seed,
        metrics=metrics,
        rare_metrics=metrics_from_ranks(ranks[rare]),
        fit_seconds=fit_seconds,
        fit_cpu_seconds=fit_cpu_seconds,
        score_seconds=score_seconds,
        peak_memory_mib=peak_memory_mib(),
        ranks=ranks,
    )


def rank_targets(
    model: CandidateGenerator,
    loo: LeaveOneOutSplit,
    *,
    batch_size: int = 1024,
    progress: ProgressCallback | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """0-based target ranks (U,) and top-20 lists (U, 20) of a fitted model."""
    histories = loo.histories()
    ranks, tops = [], []
    for start in range(0, len(histories), batch_size):
        batch = histories[start : start + batch_size]
        targets = loo.target_items[start : start + batch_size]

        # The model scores; the harness masks, so every model is judged alike.
        scores = torch.from_numpy(np.ascontiguousarray(model.score(batch), dtype=np.float32))
        scores = torch.nan_to_num(scores, nan=-torch.inf)
        mask_histories(scores, [h.item_indices for h in batch], targets)
        ranks.append(ranks_from_masked(scores, torch.from_numpy(targets)).numpy())
        tops.append(top_items(scores))
        if progress is not None:
            progress(min(start + batch_size, len(histories)), len(histories))
    if not ranks:
        return np.zeros(0, dtype=np.int64), np.zeros((0, 20), dtype=np.int64)
    return np.concatenate(ranks).astype(np.int64), np.concatenate(tops)


def peak_memory_mib() -> float:
    """Peak resident memory of this process so far, in MiB (``ru_maxrss``)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports KiB, macOS bytes.
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def _summarize(
    rows: list[dict[str, float]], reduce: Callable[[np.ndarray], np.floating[Any]]
) -> dict[str, float]:
    """Reduce each metric over rows, in report order."""
    names = [n for n in metric_names() if rows and n in rows[0]]
    return {n: float(reduce(np.array([row[n] for row in rows], dtype=np.float64))) for n in names}
