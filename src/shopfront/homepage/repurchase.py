"""Repurchase intervals: which items come back, and when.

A consumable (coffee, shampoo) is bought again when it runs out; a durable (a
sofa) is not. An item is consumable when the catalog says so (attribute
``consumable`` true or false, as the simulated catalog has), and otherwise when
shoppers of its category often buy the same item again: at least
``min_repeat_share`` of the (shopper, item) purchase pairs of the category path
(or, with too few, of its top-level category) hold a repeat. The typical
interval of an item is the median gap between repeat purchases of its category
path, else its top-level category, else of the whole shop.

:meth:`RepurchaseIntervals.due` lists the consumables a shopper bought whose
interval has (nearly) elapsed: these are the *Buy it again* candidates. Durables
never come back.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from shopfront.homepage.catalog import DAY, CatalogStats
from shopfront.prep.snapshot import History, Snapshot
from shopfront.store.records import InteractionType

_TRUE = frozenset({"true", "1", "yes"})
_FALSE = frozenset({"false", "0", "no"})


@dataclass(frozen=True, slots=True)
class DueItems:
    """Consumables a shopper may need again, most due first.

    Attributes:
        item_indices: int64 (n,) items.
        scores: float32 (n,) how due each is, in ``(0, 1]`` (1 = exactly one interval ago).
        days_since: float64 (n,) days since the latest purchase.
        interval_days: float32 (n,) the item's typical interval.
    """

    item_indices: np.ndarray
    scores: np.ndarray
    days_since: np.ndarray
    interval_days: np.ndarray


@dataclass(frozen=True)
class RepurchaseIntervals:
    """Consumable flags and typical repurchase intervals of every item.

    Attributes:
        consumable: bool (n_items,), items that are bought again.
        interval_days: float32 (n_items,), typical days between purchases (NaN for durables).
    """

    consumable: np.ndarray
    interval_days: np.ndarray

    @classmethod
    def from_snapshot(
        cls,
        snapshot: Snapshot,
        stats: CatalogStats,
        *,
        min_repeat_share: float = 0.1,
        min_pairs: int = 20,
        default_interval_days: float = 30.0,
    ) -> RepurchaseIntervals:
        """Learn consumables and intervals from the snapshot's purchases.

        Args:
            snapshot: The training snapshot.
            stats: Its catalog statistics (category codes).
            min_repeat_share: Share of repeat pairs that makes a category consumable.
            min_pairs: Fewest (shopper, item) purchase pairs to judge a category.
            default_interval_days: Interval of a declared consumable nothing is known about.
        """
        pair_items, repeated, gap_items, gaps = _purchase_pairs(snapshot)
        learned = np.zeros(stats.n_items, dtype=bool)
        interval = np.full(stats.n_items, np.nan)
        shop_gap = float(np.median(gaps)) if len(gaps) else default_interval_days

        # Coarse level first, so the finer category path overrides it where it knows enough.
        levels = (
            (stats.top_codes, len(stats.top_names)),
            (stats.path_codes, len(stats.path_names)),
        )
        for codes, n_codes in levels:
            pair_codes = codes[pair_items]
            valid = pair_codes >= 0
            pairs = np.bincount(pair_codes[valid], minlength=n_codes)
            repeats = np.bincount(pair_codes[valid], weights=repeated[valid], minlength=n_codes)
            item_codes = codes.clip(0)
            judged = (codes >= 0) & (pairs[item_codes] >= min_pairs)
            share = repeats[item_codes] / np.maximum(pairs[item_codes], 1)
            learned = np.where(judged, share >= min_repeat_share, learned)

            medians = _median_gaps(codes[gap_items], gaps, n_codes)
            has_gap = (codes >= 0) & ~np.isnan(medians[item_codes])
            interval = np.where(has_gap, medians[item_codes], interval)

        declared = _declared(snapshot.item_attributes)
        consumable = np.where(declared >= 0, declared == 1, learned)
        interval = np.where(np.isnan(interval), shop_gap, interval)
        interval = np.where(consumable, interval, np.nan).astype(np.float32)
        return cls(consumable, interval)

    def due(
        self, history: History, *, now: float, min_ratio: float = 0.75, max_ratio: float = 4.0
    ) -> DueItems:
        """Consumables of ``history`` bought between ``min_ratio`` and ``max_ratio`` intervals ago.

        Args:
            history: The shopper's events.
            now: The time of the request (Unix seconds).
            min_ratio: Show an item once this share of its interval has passed.
            max_ratio: Past this many intervals the shopper has moved on.
        """
        bought = history.types == int(InteractionType.PURCHASE)
        items = np.asarray(history.item_indices[bought], dtype=np.int64)
        items_ok = (items >= 0) & (items < len(self.consumable))
        items, times = items[items_ok], history.timestamps[bought][items_ok]
        items, times = items[self.consumable[items]], times[self.consumable[items]]
        if len(items) == 0:
            return _no_due()

        # The latest purchase of each item counts.
        unique, inverse = np.unique(items, return_inverse=True)
        latest = np.full(len(unique), -np.inf)
        np.maximum.at(latest, inverse, times)
        days = (now - latest) / DAY
        interval = self.interval_days[unique]
        ratio = days / interval
        keep = (ratio >= min_ratio) & (ratio <= max_ratio)
        scores = np.exp(-np.abs(np.log(np.maximum(ratio[keep], 1e-9)))).astype(np.float32)
        order = np.argsort(-scores, kind="stable")
        return DueItems(
            unique[keep][order], scores[order], days[keep][order], interval[keep][order]
        )


def _no_due() -> DueItems:
    empty = np.zeros(0)
    return DueItems(
        empty.astype(np.int64), empty.astype(np.float32), empty, empty.astype(np.float32)
    )


def _purchase_pairs(snapshot: Snapshot) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(Shopper, item) purchase pairs and the gaps between their repeat purchases.

    Returns:
        pair_items: int64 (P,) the item of each pair; repeated: float64 (P,) 1 when
        the pair holds two purchases or more; gap_items: int64 (G,) the item of
        each gap; gaps: float64 (G,) days between consecutive purchases of a pair.
    """
    n_items = np.int64(snapshot.n_items)
    bought = snapshot.seq_types == int(InteractionType.PURCHASE)
    users = np.repeat(np.arange(snapshot.n_users, dtype=np.int64), np.diff(snapshot.seq_offsets))
    keys = users[bought] * n_items + snapshot.seq_items[bought]
    times = snapshot.seq_times[bought]

    # A stable sort by key keeps each pair's purchases in time order.
    order = np.argsort(keys, kind="stable")
    keys, times = keys[order], times[order]
    unique, counts = np.unique(keys, return_counts=True)
    same = keys[1:] == keys[:-1]
    gaps = (times[1:] - times[:-1])[same] / DAY
    gap_items = (keys[1:][same] % n_items).astype(np.int64)
    positive = gaps > 0
    return (
        (unique % n_items).astype(np.int64),
        (counts >= 2).astype(np.float64),
        gap_items[positive],
        gaps[positive],
    )


def _median_gaps(codes: np.ndarray, gaps: np.ndarray, n_codes: int) -> np.ndarray:
    """Median gap per code (NaN for codes without gaps); code -1 is ignored."""
    medians = np.full(n_codes, np.nan)
    valid = codes >= 0
    codes, gaps = codes[valid], gaps[valid]
    if len(codes) == 0:
        return medians
    order = np.lexsort((gaps, codes))
    codes, gaps = codes[order], gaps[order]
    bounds = np.searchsorted(codes, np.arange(n_codes + 1))
    sizes = np.diff(bounds)
    present = np.flatnonzero(sizes)
    low = bounds[present] + (sizes[present] - 1) // 2
    high = bounds[present] + sizes[present] // 2
    medians[present] = (gaps[low] + gaps[high]) / 2
    return medians


def _declared(item_attributes: list[list[str]]) -> np.ndarray:
    """int8 per item: 1 declared consumable, 0 declared durable, -1 not declared."""
    declared = np.full(len(item_attributes), -1, dtype=np.int8)
    for index, tokens in enumerate(item_attributes):
        for token in tokens:
            if token.startswith("consumable:"):
                value = token.split(":", 1)[1].strip().lower()
                declared[index] = 1 if value in _TRUE else 0 if value in _FALSE else -1
    return declared
