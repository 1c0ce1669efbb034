"""Candidates and their features: what the ranker sees for one shopper.

The candidate pool of a request is the union of each generator's ``pool_size``
best items, after leaving out what may not be shown (the shopper's own items,
rule exclusions). Every candidate gets one row of float32 features:

- per generator ``g``: its score, the log of its rank in ``g``'s pool (``pool_size
  + 1`` when absent) and the gap to ``g``'s best score for this shopper;
- item: log popularity, trend and its excess over popularity, days since the
  item was last touched, item age, stock, price percentile in its category;
- shopper × item: the shopper's affinity for the item's category and brand, the
  gap between the item's and the shopper's price percentiles, same category or
  brand as the latest event, history and session length, and in how many
  generators' pools the item is.

Unknown values are NaN (LightGBM routes them natively; the logistic baseline
imputes them). Training and serving call the same :func:`featurize`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from shopfront.homepage.catalog import CatalogStats
from shopfront.homepage.shopper import ShopperSummary

ITEM_FEATURES: tuple[str, ...] = (
    "log_popularity",
    "trend",
    "trend_excess",
    "log_days_since_seen",
    "log_age_days",
    "in_stock",
    "price_percentile",
)
SHOPPER_FEATURES: tuple[str, ...] = (
    "category_affinity",
    "brand_affinity",
    "price_gap",
    "same_category_as_last",
    "same_brand_as_last",
    "log_history_length",
    "log_session_length",
    "n_pools",
)


def feature_names(generators: Sequence[str]) -> list[str]:
    """Names of the feature columns for these generators, in column order."""
    per_generator = [f"{kind}:{g}" for g in generators for kind in ("score", "log_rank", "gap")]
    return [*per_generator, *ITEM_FEATURES, *SHOPPER_FEATURES]


def candidate_pool(
    rows: Sequence[np.ndarray], usable: np.ndarray | None, pool_size: int
) -> tuple[np.ndarray, np.ndarray]:
    """The union of each row's best usable items and each candidate's rank per row.

    Args:
        rows: One float32 (n_items,) score row per generator.
        usable: bool (n_items,) items that may be candidates; ``None`` allows all.
        pool_size: Items taken from each row.

    Returns:
        int64 (C,) sorted candidate item indices and int64 (G, C) 1-based ranks
        (``pool_size + 1`` where a generator did not pool the item).
    """
    tops = [best_items(row, usable, pool_size) for row in rows]
    candidates = np.unique(np.concatenate(tops)) if tops else np.zeros(0, dtype=np.int64)
    ranks = np.full((len(rows), len(candidates)), pool_size + 1, dtype=np.int64)
    for g, top in enumerate(tops):
        ranks[g, np.searchsorted(candidates, top)] = np.arange(1, len(top) + 1)
    return candidates, ranks


def candidate_features(
    candidates: np.ndarray,
    rows: Sequence[np.ndarray],
    ranks: np.ndarray,
    stats: CatalogStats,
    shopper: ShopperSummary,
    *,
    pool_size: int,
) -> np.ndarray:
    """float32 (C, F) features of the candidates, columns as :func:`feature_names`."""
    columns: list[np.ndarray] = []
    for row, rank in zip(rows, ranks, strict=True):
        scores = row[candidates]
        best = float(np.max(row[np.isfinite(row)])) if np.isfinite(row).any() else 0.0
        columns += [scores, np.log2(rank), scores - best]

    popularity, trend = stats.popularity[candidates], stats.trend[candidates]
    columns += [
        popularity,
        trend,
        trend - popularity,
        np.log1p(stats.last_seen_days[candidates].clip(0)),
        np.log1p(stats.age_days[candidates].clip(0)),
        stats.in_stock[candidates],
        stats.price_percentile[candidates],
    ]
    columns += _shopper_columns(candidates, stats, shopper)
    columns.append((ranks <= pool_size).sum(axis=0))
    return np.column_stack(columns).astype(np.float32)


def featurize(
    rows: Sequence[np.ndarray],
    usable: np.ndarray | None,
    stats: CatalogStats,
    shopper: ShopperSummary,
    *,
    pool_size: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Candidates of one request and their features (the one path of training and serving)."""
    candidates, ranks = candidate_pool(rows, usable, pool_size)
    features = candidate_features(candidates, rows, ranks, stats, shopper, pool_size=pool_size)
    return candidates, features


def best_items(row: np.ndarray, usable: np.ndarray | None, n: int) -> np.ndarray:
    """int64 indices of the ``n`` best finite usable scores of a row, best first, ties by index."""
    scores = row if usable is None else np.where(usable, row, -np.inf)
    finite = np.isfinite(scores)
    n = min(n, int(finite.sum()))
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    part = np.argpartition(-scores, n - 1)[:n]
    return part[np.lexsort((part, -scores[part]))].astype(np.int64)


def _lookup(values: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """``values[codes]``, 0 where a code is missing (-1) or the table is empty (no brands)."""
    if len(values) == 0:
        return np.zeros(len(codes), dtype=np.float64)
    return np.where(codes >= 0, values[codes.clip(0)], 0.0)


def _shopper_columns(
    candidates: np.ndarray, stats: CatalogStats, shopper: ShopperSummary
) -> list[np.ndarray]:
    """The shopper × item columns (all but ``n_pools``)."""
    tops, brands = stats.top_codes[candidates], stats.brand_codes[candidates]
    category = _lookup(shopper.category_affinity, tops)
    brand = _lookup(shopper.brand_affinity, brands)
    gap = np.abs(stats.price_percentile[candidates] - shopper.price_percentile)
    last = shopper.last_item
    same_top = (tops == stats.top_codes[last]) & (tops >= 0) if last >= 0 else tops < -1
    same_brand = (brands == stats.brand_codes[last]) & (brands >= 0) if last >= 0 else brands < -1
    n = len(candidates)
    return [
        category,
        brand,
        gap,
        same_top,
        same_brand,
        np.full(n, np.log1p(shopper.n_events)),
        np.full(n, np.log1p(shopper.n_session_events)),
    ]
