"""Per-item facts that pages and the ranker read, computed once per snapshot.

Serving a page must never loop over the catalog in Python. :class:`CatalogStats`
therefore turns the snapshot's item columns into integer codes and sorted index
arrays when a bundle is loaded: category and brand codes, the members of every
category sorted by popularity, the popularity and trending orders, item ages,
the price percentile of each item within its category, and the number of
shoppers who touched each item lately (for reasons such as "37 shoppers looked
at it this week").
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

from shopfront.prep.snapshot import Snapshot
from shopfront.prep.vocabulary import IdVocabulary

logger = logging.getLogger(__name__)

DAY = 86_400.0


@dataclass(frozen=True)
class CatalogStats:
    """Item codes, orders and statistics of one snapshot.

    Attributes:
        item_index: The snapshot's item vocabulary.
        titles: Display name of each item (its title, else its id).
        top_names: Top-level category names; ``top_codes`` index into it.
        top_codes: int32 (n_items,) top-level category of each item, -1 if none.
        top_members: Per top-level category, its items by popularity, best first.
        top_order: int64 top-level category codes by number of interactions.
        path_names: Full category paths; ``path_codes`` index into it.
        path_codes: int32 (n_items,) category path of each item, -1 if none.
        brand_names: Brand names; ``brand_codes`` index into it.
        brand_codes: int32 (n_items,) brand of each item, -1 if none.
        counts: int64 (n_items,) interactions per item.
        popularity: float32 (n_items,) ``log1p`` of the interaction counts.
        popular_order: int64 item indices by popularity, best first.
        trend: float32 (n_items,) ``log1p`` of interactions decayed with a short half-life.
        trending_order: int64 item indices by trend, best first.
        recent_users: int32 (n_items,) distinct shoppers in the trend window.
        last_seen_days: float32 (n_items,) days since the item's latest interaction, NaN if none.
        age_days: float32 (n_items,) days since the item was created, NaN if unknown.
        prices: float32 (n_items,) prices, NaN if unknown.
        price_percentile: float32 (n_items,) percentile of the price in its top
            category, NaN if unknown.
        in_stock: bool (n_items,).
        reference_time: The snapshot's time (Unix seconds).
        has_clock: Whether timestamps are real times (False for position-only data).
        trend_window_days: Window of ``recent_users`` in days.
        top_lookup: Top-level category name → code.
        brand_lookup: Brand name → code.
    """

    item_index: IdVocabulary
    titles: list[str]
    top_names: tuple[str, ...]
    top_codes: np.ndarray
    top_members: list[np.ndarray]
    top_order: np.ndarray
    path_names: tuple[str, ...]
    path_codes: np.ndarray
    brand_names: tuple[str, ...]
    brand_codes: np.ndarray
    counts: np.ndarray
    popularity: np.ndarray
    popular_order: np.ndarray
    trend: np.ndarray
    trending_order: np.ndarray
    recent_users: np.ndarray
    last_seen_days: np.ndarray
    age_days: np.ndarray
    prices: np.ndarray
    price_percentile: np.ndarray
    in_stock: np.ndarray
    reference_time: float
    has_clock: bool
    trend_window_days: float
    top_lookup: dict[str, int]
    brand_lookup: dict[str, int]

    @property
    def n_items(self) -> int:
        return len(self.titles)

    @classmethod
    def from_snapshot(
        cls, snapshot: Snapshot, *, trend_half_life_days: float = 7.0
    ) -> CatalogStats:
        """Compute the statistics of ``snapshot``'s items.

        Args:
            snapshot: The training snapshot.
            trend_half_life_days: Half-life of the trend counts and width of the
                ``recent_users`` window.
        """
        n_items = snapshot.n_items
        top_names, top_codes = _codes([c.split(">")[0].strip() for c in snapshot.item_categories])
        path_names, path_codes = _codes([_clean_path(c) for c in snapshot.item_categories])
        brand_names, brand_codes = _codes(list(snapshot.item_brands))

        counts = np.bincount(snapshot.seq_items, minlength=n_items).astype(np.int64)
        popularity = np.log1p(counts).astype(np.float32)
        popular_order = _order(popularity)
        times = snapshot.seq_times
        now = snapshot.reference_time
        has_clock = bool(len(times)) and float(times.max() - times.min()) > 2 * DAY
        trend, recent_users = _trend(snapshot, trend_half_life_days, has_clock)

        return cls(
            item_index=snapshot.items,
            titles=[t or snapshot.items.id(i) for i, t in enumerate(snapshot.item_titles)],
            top_names=top_names,
            top_codes=top_codes,
            top_members=_members(top_codes, len(top_names), popular_order),
            top_order=_order(
                np.bincount(
                    top_codes[top_codes >= 0],
                    weights=counts[top_codes >= 0],
                    minlength=len(top_names),
                )
            ),  # fmt: skip
            path_names=path_names,
            path_codes=path_codes,
            brand_names=brand_names,
            brand_codes=brand_codes,
            counts=counts,
            popularity=popularity,
            popular_order=popular_order,
            trend=trend,
            trending_order=_order(trend + 1e-3 * popularity),
            recent_users=recent_users,
            last_seen_days=_last_seen_days(snapshot),
            age_days=((now - snapshot.item_created_at) / DAY).astype(np.float32),
            prices=np.asarray(snapshot.item_prices, dtype=np.float32),
            price_percentile=_price_percentiles(snapshot.item_prices, top_codes),
            in_stock=np.asarray(snapshot.item_in_stock, dtype=bool),
            reference_time=now,
            has_clock=has_clock,
            trend_window_days=trend_half_life_days,
            top_lookup={name: code for code, name in enumerate(top_names)},
            brand_lookup={name: code for code, name in enumerate(brand_names)},
        )

    def top_code(self, name: str) -> int:
        """The code of a top-level category name, -1 if unknown."""
        return self.top_lookup.get(name, -1)

    def brand_code(self, name: str) -> int:
        """The code of a brand name, -1 if unknown."""
        return self.brand_lookup.get(name, -1)

    def items_under(self, path: str) -> np.ndarray:
        """int64 indices of the items whose category path is ``path`` or below it."""
        path = _clean_path(path)
        if not path:
            return np.zeros(0, dtype=np.int64)
        prefix = path + " >"
        codes = [
            c for c, name in enumerate(self.path_names) if name == path or name.startswith(prefix)
        ]
        return np.flatnonzero(np.isin(self.path_codes, codes)).astype(np.int64)

    def title(self, item_index: int) -> str:
        """The display name of one item."""
        return self.titles[item_index]


def _clean_path(path: str) -> str:
    """A category path with normalized separators (``"A > B"``)."""
    return " > ".join(part.strip() for part in path.split(">") if part.strip())


def _codes(values: list[str]) -> tuple[tuple[str, ...], np.ndarray]:
    """Distinct non-empty values and an int32 code per value (-1 for empty)."""
    names = tuple(dict.fromkeys(v for v in values if v))
    lookup = {name: code for code, name in enumerate(names)}
    codes = np.fromiter((lookup.get(v, -1) for v in values), dtype=np.int32, count=len(values))
    return names, codes


def _order(values: np.ndarray) -> np.ndarray:
    """int64 indices by descending value; ties by index."""
    return np.lexsort((np.arange(len(values)), -np.asarray(values, dtype=np.float64)))


def _members(codes: np.ndarray, n_codes: int, order: np.ndarray) -> list[np.ndarray]:
    """For each code, the indices carrying it, in the given order."""
    ordered_codes = codes[order]
    grouping = np.argsort(ordered_codes, kind="stable")
    bounds = np.searchsorted(ordered_codes[grouping], np.arange(n_codes + 1))
    members = order[grouping].astype(np.int64)
    return [members[bounds[c] : bounds[c + 1]] for c in range(n_codes)]


def _trend(
    snapshot: Snapshot, half_life_days: float, has_clock: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Decayed interaction counts and distinct recent shoppers per item."""
    n_items = snapshot.n_items
    age_days = np.maximum(snapshot.reference_time - snapshot.seq_times, 0.0) / DAY
    if not has_clock:
        age_days = np.zeros_like(age_days)
    decayed = np.bincount(
        snapshot.seq_items, weights=np.power(0.5, age_days / half_life_days), minlength=n_items
    )

    # Distinct (user, item) pairs inside the window.
    users = np.repeat(np.arange(snapshot.n_users), np.diff(snapshot.seq_offsets))
    recent = age_days <= half_life_days
    pairs = np.unique(users[recent] * np.int64(n_items) + snapshot.seq_items[recent])
    recent_users = np.bincount(pairs % n_items, minlength=n_items).astype(np.int32)
    return np.log1p(decayed).astype(np.float32), recent_users


def _last_seen_days(snapshot: Snapshot) -> np.ndarray:
    """Days since each item's latest interaction (NaN for untouched items)."""
    latest = np.full(snapshot.n_items, -np.inf)
    np.maximum.at(latest, snapshot.seq_items, snapshot.seq_times)
    days = (snapshot.reference_time - latest) / DAY
    return np.where(np.isfinite(days), days, np.nan).astype(np.float32)


def _price_percentiles(prices: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Mid-rank percentile of each price within its group (NaN for unknown prices)."""
    prices = np.asarray(prices, dtype=np.float64)
    result = np.full(len(prices), np.nan, dtype=np.float32)
    priced = np.flatnonzero(np.isfinite(prices))
    if len(priced) == 0:
        return result
    order = priced[np.lexsort((prices[priced], groups[priced]))]
    sorted_groups = groups[order]
    starts = np.flatnonzero(np.r_[True, sorted_groups[1:] != sorted_groups[:-1]])
    sizes = np.diff(np.r_[starts, len(order)])
    rank = np.arange(len(order)) - np.repeat(starts, sizes)
    result[order] = ((rank + 0.5) / np.repeat(sizes, sizes)).astype(np.float32)
    return result
