"""Price bands: does a shopper buy cheap or dear, for the kind of thing they buy?

A 30-dollar lipstick is premium while a 30-dollar vacuum cleaner is budget, so a
price means something only against its category. :class:`PriceBands` places
every catalog item at a percentile of its category's prices (mid-rank, averaged
over the categories of a multi-category item; the whole catalog for an item
without one). A shopper's price percentile is the weighted median of the
percentiles of the items they touched, and the band is its tercile:
``budget`` below 1/3, ``mid`` up to 2/3, ``premium`` above.
"""

from __future__ import annotations

import numpy as np

from shopfront.profiles.catalog import ItemTable
from shopfront.profiles.profile import PRICE_BANDS


class PriceBands:
    """Per-category price distributions and each item's percentile within them."""

    def fit(self, table: ItemTable) -> PriceBands:
        """Learn the price distribution of every category of ``table``."""
        prices = table.item_prices.astype(np.float64)
        priced = np.isfinite(prices)
        overall = _midrank_percentiles(prices[priced], prices)

        # Average the item's percentile over its categories; unknown categories use the catalog.
        sums = np.zeros(table.n_items)
        counts = np.zeros(table.n_items)
        thresholds = np.full((table.n_categories, 2), np.nan)
        for category in range(table.n_categories):
            members = np.flatnonzero((table.item_categories == category).any(axis=1))
            reference = prices[members][priced[members]]
            if len(reference) == 0:
                continue
            sums[members] += _midrank_percentiles(reference, prices[members])
            counts[members] += 1
            thresholds[category] = np.quantile(reference, [1 / 3, 2 / 3])
        with np.errstate(invalid="ignore"):
            percentile = np.where(counts > 0, sums / np.maximum(counts, 1), overall)
        self.item_percentile_ = np.where(priced, percentile, np.nan).astype(np.float32)
        self.thresholds_ = thresholds.astype(np.float32)
        return self

    def percentile(self, item_indices: np.ndarray, weights: np.ndarray) -> float | None:
        """Weighted median price percentile of the events, ``None`` without prices."""
        members = np.ones((len(item_indices), 1), dtype=bool)
        return self.group_percentiles(item_indices, weights, members)[0]

    def group_percentiles(
        self, item_indices: np.ndarray, weights: np.ndarray, members: np.ndarray
    ) -> list[float | None]:
        """Weighted median price percentile within each of several groups of events.

        Args:
            item_indices: int (n,) items of the events.
            weights: float (n,) event weights.
            members: bool (n, k), which events belong to each group.

        Returns:
            k percentiles, ``None`` for a group without priced items.
        """
        values = self.item_percentile_[item_indices]
        order = np.argsort(values, kind="stable")
        order = order[: np.count_nonzero(np.isfinite(values))]  # NaN (unknown price) sorts last
        values = values[order]
        if len(values) == 0:
            return [None] * members.shape[1]

        # The weighted median is the first value whose cumulative weight reaches half.
        cumulative = np.cumsum(weights[order, None] * members[order], axis=0)
        totals = cumulative[-1]
        positions = (cumulative < totals / 2).sum(axis=0)
        return [
            float(values[p]) if total > 0 else None
            for p, total in zip(positions.tolist(), totals.tolist(), strict=True)
        ]


def band_of(percentile: float | None) -> str | None:
    """``"budget"``, ``"mid"`` or ``"premium"`` for a percentile in ``[0, 1]``."""
    if percentile is None:
        return None
    return PRICE_BANDS[min(int(percentile * 3), 2)]


def _midrank_percentiles(reference: np.ndarray, prices: np.ndarray) -> np.ndarray:
    """Mid-rank percentile of each price among ``reference`` (NaN where unknown)."""
    if len(reference) == 0:
        return np.full(len(prices), np.nan)
    ordered = np.sort(reference)
    below = np.searchsorted(ordered, prices, side="left")
    through = np.searchsorted(ordered, prices, side="right")
    return (below + through) / (2 * len(ordered))
