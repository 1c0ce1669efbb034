"""Shopper segments: KMeans over profile vectors, with words for each cluster.

A profile vector (:meth:`SegmentModel.vectors`) holds the shopper's activity
shares in the shop's largest categories (the rest pooled as "other"), then
three behaviour figures scaled to about ``[0, 1]`` and halved, so that what a
shopper is into weighs more than how they shop: price percentile, frequency
(log of the event count against the 90th percentile of shoppers) and the share
of purchases among their events.

The number of segments is the one with the best silhouette (Rousseeuw, 1987)
over a small range, measured on a sample. Each segment is described from the
figures of its members, e.g. ``"premium beauty buyers, frequent"``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

logger = logging.getLogger(__name__)

_BEHAVIOUR_SCALE = 0.5


class SegmentModel:
    """Clusters profile vectors and describes each cluster.

    Attributes:
        centers_: float32 (n_segments, D) segment centers, ``None`` when there
            were too few distinct shoppers to cluster.
        descriptions_: One description per segment.
        silhouette_: Silhouette of the chosen clustering.

    Args:
        min_segments: Smallest number of segments tried; >= 2.
        max_segments: Largest number tried.
        seed: Seed of sampling and KMeans.
        max_fit_rows: Shoppers sampled to fit KMeans.
        silhouette_rows: Shoppers sampled to score a clustering.
    """

    def __init__(
        self,
        *,
        min_segments: int = 2,
        max_segments: int = 8,
        seed: int = 0,
        max_fit_rows: int = 20_000,
        silhouette_rows: int = 2_000,
    ) -> None:
        if not 2 <= min_segments <= max_segments:
            raise ValueError(
                "min_segments and max_segments must satisfy 2 <= min_segments <= max_segments, "
                f"got {min_segments} and {max_segments}"
            )
        self.min_segments = min_segments
        self.max_segments = max_segments
        self.seed = seed
        self.max_fit_rows = max_fit_rows
        self.silhouette_rows = silhouette_rows

    def fit(
        self,
        shares: np.ndarray,
        figures: np.ndarray,
        *,
        category_names: Sequence[str],
    ) -> SegmentModel:
        """Choose the number of segments, cluster, and describe each segment.

        Args:
            shares: float (B, S + 1) activity shares in the ``S`` segment
                categories, then the pooled rest.
            figures: float (B, 3) price percentile (NaN when unknown), event
                count and purchase share of each shopper.
            category_names: The ``S`` names of the share columns.
        """
        typical = float(np.quantile(figures[:, 1], 0.9)) if len(figures) else 1.0
        self.frequency_reference_ = float(np.log1p(max(typical, 1.0)))
        self.centers_: np.ndarray | None = None
        self.descriptions_: tuple[str, ...] = ()
        self.silhouette_: float | None = None
        vectors = self.vectors(shares, figures)
        rng = np.random.default_rng(self.seed)
        sample = vectors[_sample(rng, len(vectors), self.max_fit_rows)]
        chosen = self._choose(sample, rng)
        if chosen is None:
            logger.info("no segments: too few distinct shoppers=%d", len(vectors))
            return self
        self.silhouette_, self.centers_ = chosen

        # Describe from all shoppers, each assigned to its nearest center.
        labels = self.assign(vectors)
        self.descriptions_ = _describe_all(labels, shares, figures, category_names)
        logger.info("fit segments n=%d shoppers=%d", len(self.descriptions_), len(vectors))
        return self

    def _choose(
        self, sample: np.ndarray, rng: np.random.Generator
    ) -> tuple[float, np.ndarray] | None:
        """The best silhouette and its centers over the candidate segment counts."""
        from sklearn.cluster import KMeans
        from sklearn.metrics import silhouette_score
        from threadpoolctl import threadpool_limits

        distinct = len(np.unique(sample.round(6), axis=0)) if len(sample) else 0
        scored = _sample(rng, len(sample), self.silhouette_rows)
        best: tuple[float, np.ndarray] | None = None
        for n in range(self.min_segments, min(self.max_segments, distinct - 1) + 1):
            # One thread: samples are small, and OpenMP threads on a busy two-core
            # machine cost more than they give (7 fits on 300 shoppers: 4.9 s with
            # threads, 0.35 s without).
            with threadpool_limits(limits=1):
                model = KMeans(n_clusters=n, n_init=3, random_state=self.seed).fit(sample)
            if len(np.unique(model.labels_[scored])) < 2:
                continue
            score = float(silhouette_score(sample[scored], model.labels_[scored]))
            logger.debug("segments n=%d silhouette=%.4f", n, score)
            if best is None or score > best[0]:
                best = (score, model.cluster_centers_.astype(np.float32))
        return best

    def vectors(self, shares: np.ndarray, figures: np.ndarray) -> np.ndarray:
        """Profile vectors, float32 (B, S + 4), from shares and behaviour figures."""
        price = np.where(np.isfinite(figures[:, 0]), figures[:, 0], 0.5)
        frequency = np.minimum(np.log1p(figures[:, 1]) / self.frequency_reference_, 1.0)
        behaviour = np.stack([price, frequency, figures[:, 2]], axis=1) * _BEHAVIOUR_SCALE
        return np.hstack([shares, behaviour]).astype(np.float32)

    def assign(self, vectors: np.ndarray) -> np.ndarray:
        """Index of the nearest segment center of each vector, int64 (B,)."""
        if self.centers_ is None:
            return np.full(len(vectors), -1, dtype=np.int64)
        distances = (
            (vectors**2).sum(axis=1, keepdims=True)
            - 2 * vectors @ self.centers_.T
            + (self.centers_**2).sum(axis=1)
        )
        return np.asarray(np.argmin(distances, axis=1))


def _sample(rng: np.random.Generator, n: int, size: int) -> np.ndarray:
    """Sorted positions of a random sample of at most ``size`` out of ``n``."""
    if n <= size:
        return np.arange(n)
    return np.sort(rng.choice(n, size=size, replace=False))


def _describe_all(
    labels: np.ndarray, shares: np.ndarray, figures: np.ndarray, names: Sequence[str]
) -> tuple[str, ...]:
    """A unique description of every segment, from its members' figures.

    Price and frequency words compare the segment's median shopper with the
    terciles of all shoppers, so that they tell segments apart.
    """
    prices = figures[:, 0][np.isfinite(figures[:, 0])]
    population = _Population(
        price_terciles=np.quantile(prices, [1 / 3, 2 / 3]) if len(prices) else None,
        event_terciles=np.quantile(figures[:, 1], [1 / 3, 2 / 3]),
        purchase_mean=float(figures[:, 2].mean()),
    )
    descriptions: list[str] = []
    for segment in range(int(labels.max()) + 1 if len(labels) else 0):
        members = labels == segment
        text = _describe(shares[members], figures[members], names, population)
        repeats = sum(d == text or d.startswith(text + " #") for d in descriptions)
        descriptions.append(f"{text} #{repeats + 1}" if repeats else text)
    return tuple(descriptions)


@dataclass(frozen=True, slots=True)
class _Population:
    """Figures of all shoppers that a segment is compared with."""

    price_terciles: np.ndarray | None
    event_terciles: np.ndarray
    purchase_mean: float


def _describe(
    shares: np.ndarray, figures: np.ndarray, names: Sequence[str], population: _Population
) -> str:
    """Words for one segment: price level, main categories, role and frequency."""
    if len(shares) == 0:
        return "empty segment"

    # Main categories: those holding at least a quarter of the members' activity.
    mean_shares = shares[:, : len(names)].mean(axis=0)
    top = [int(c) for c in np.argsort(-mean_shares)[:2] if mean_shares[c] >= 0.25]
    subject = " & ".join(_display(names[c]) for c in top) or "mixed-interest"

    prices = figures[:, 0][np.isfinite(figures[:, 0])]
    price = ""
    if len(prices) and population.price_terciles is not None:
        level = _tercile(float(np.median(prices)), population.price_terciles)
        price = ("budget", "mid-price", "premium")[level]
    role = "buyers" if float(figures[:, 2].mean()) > population.purchase_mean else "browsers"
    level = _tercile(float(np.median(figures[:, 1])), population.event_terciles)
    frequency = ("occasional", "regular", "frequent")[level]
    return f"{' '.join(p for p in (price, subject, role) if p)}, {frequency}"


def _tercile(value: float, terciles: np.ndarray) -> int:
    """0, 1 or 2: below the first tercile, between them, or above the second."""
    return 0 if value < terciles[0] else 2 if value > terciles[1] else 1


def _display(name: str) -> str:
    """A category name as it reads inside a sentence."""
    return f"category {name}" if name.isdigit() else name.lower()
