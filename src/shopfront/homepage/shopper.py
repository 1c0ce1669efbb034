"""What the page and the ranker know of one shopper, as arrays over catalog codes.

:class:`ShopperSummary` holds the shopper's affinity for every top-level
category and brand, their price percentile, their interests (each with the
history item that is its strongest evidence) and the shape of their history
(events, session, cart, purchases). It is read from the shopper's
:class:`~shopfront.profiles.profile.Profile` when the bundle builds profiles,
and computed from the history alone otherwise, with the same meaning: share of
type-weighted, recency-decayed activity.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from shopfront.homepage.catalog import CatalogStats
from shopfront.prep.snapshot import History
from shopfront.prep.weighting import WeightingConfig
from shopfront.store.records import InteractionType

if TYPE_CHECKING:
    from shopfront.profiles.profile import Profile

SESSION_GAP_S = 30 * 60.0
RECENCY = 0.9
_TYPE_WEIGHTS = WeightingConfig().type_weights()
_TYPE_WORDS: dict[int, str] = {
    int(InteractionType.VIEW): "viewed",
    int(InteractionType.CLICK): "viewed",
    int(InteractionType.ADD_TO_CART): "added to your cart",
    int(InteractionType.PURCHASE): "bought",
}


@dataclass(frozen=True, slots=True)
class Interest:
    """One category the shopper is into, with the item that shows it.

    Attributes:
        top_code: Top-level category code of the catalog.
        name: Category name.
        affinity: Share of the shopper's activity in it, in ``[0, 1]``.
        evidence: Item index of the strongest evidence, -1 when none.
        verb: What the shopper did with the evidence (``"viewed"``, ``"bought"``).
    """

    top_code: int
    name: str
    affinity: float
    evidence: int = -1
    verb: str = "viewed"


@dataclass(frozen=True)
class ShopperSummary:
    """One shopper at request time.

    Attributes:
        category_affinity: float32 (n_top_categories,) activity shares.
        brand_affinity: float32 (n_brands,) activity shares.
        price_percentile: Typical price percentile within categories, NaN if unknown.
        interests: Top interests, strongest first.
        n_events: Events in the history.
        n_session_events: Events in the latest session.
        last_item: Item index of the latest event, -1 without history.
    """

    category_affinity: np.ndarray
    brand_affinity: np.ndarray
    price_percentile: float
    interests: tuple[Interest, ...]
    n_events: int
    n_session_events: int
    last_item: int

    @classmethod
    def build(
        cls, history: History, stats: CatalogStats, *, profile: Profile | None = None
    ) -> ShopperSummary:
        """The summary of one shopper, from the profile when given, else from the history."""
        items = np.asarray(history.item_indices, dtype=np.int64)
        weights = _event_weights(history)
        category = _shares(stats.top_codes[items], weights, len(stats.top_names))
        brand = _shares(stats.brand_codes[items], weights, len(stats.brand_names))
        percentile = _weighted_median(stats.price_percentile[items], weights)
        if profile is not None and not profile.is_empty:
            category = _from_names(profile.category_affinity, stats.top_lookup, category)
            brand = _from_names(profile.brand_affinity, stats.brand_lookup, brand)
            if profile.price_percentile is not None:
                percentile = float(profile.price_percentile)
        interests = _interests(history, weights, category, stats, profile)
        return cls(
            category_affinity=category,
            brand_affinity=brand,
            price_percentile=percentile,
            interests=interests,
            n_events=len(items),
            n_session_events=_session_length(history.timestamps),
            last_item=int(items[-1]) if len(items) else -1,
        )

    @property
    def is_new(self) -> bool:
        """Whether the shopper has no events at all."""
        return self.n_events == 0


def _event_weights(history: History) -> np.ndarray:
    """float64 (n,) type weight times ``RECENCY ** events_since``."""
    n = len(history)
    recency = np.power(RECENCY, np.arange(n - 1, -1, -1, dtype=np.float64))
    types = np.asarray(history.types, dtype=np.int64).clip(0, 4)
    return np.asarray(_TYPE_WEIGHTS[types] * recency, dtype=np.float64)


def _shares(codes: np.ndarray, weights: np.ndarray, n_codes: int) -> np.ndarray:
    """float32 (n_codes,) share of weight per code (-1 codes ignored)."""
    known = codes >= 0
    totals = np.bincount(codes[known], weights=weights[known], minlength=n_codes)
    total = totals.sum()
    return (totals / total if total > 0 else totals).astype(np.float32)


def _from_names(
    shares: Mapping[str, float], lookup: Mapping[str, int], fallback: np.ndarray
) -> np.ndarray:
    """Named shares as an array over codes; the fallback when no name is known."""
    result = np.zeros_like(fallback)
    for name, share in shares.items():
        code = lookup.get(name, -1)
        if code >= 0:
            result[code] = share
    return result if result.any() else fallback


def _weighted_median(values: np.ndarray, weights: np.ndarray) -> float:
    """Weighted median of the finite values, NaN when none."""
    finite = np.isfinite(values)
    if not finite.any():
        return float("nan")
    values, weights = values[finite], weights[finite]
    order = np.argsort(values, kind="stable")
    cumulative = np.cumsum(weights[order])
    return float(values[order][np.searchsorted(cumulative, cumulative[-1] / 2)])


def _session_length(timestamps: np.ndarray) -> int:
    """Events since the last gap longer than a session break."""
    if len(timestamps) == 0:
        return 0
    breaks = np.flatnonzero(np.diff(timestamps) > SESSION_GAP_S)
    return int(len(timestamps) - (breaks[-1] + 1 if len(breaks) else 0))


def _interests(
    history: History,
    weights: np.ndarray,
    category: np.ndarray,
    stats: CatalogStats,
    profile: Profile | None,
    n: int = 3,
) -> tuple[Interest, ...]:
    """Top categories with their strongest evidence item."""
    if profile is not None and profile.interests:
        codes = [stats.top_code(i.category) for i in profile.interests]
    else:
        codes = np.argsort(-category, kind="stable")[:n].tolist()
    items = np.asarray(history.item_indices, dtype=np.int64)
    result: list[Interest] = []
    for code in codes:
        if code < 0 or category[code] <= 0 or len(result) == n:
            continue
        inside = np.flatnonzero(stats.top_codes[items] == code)
        best = inside[np.argmax(weights[inside])] if len(inside) else -1
        verb = _TYPE_WORDS.get(int(history.types[best]), "viewed") if best >= 0 else "viewed"
        evidence = int(items[best]) if best >= 0 else -1
        result.append(Interest(code, stats.top_names[code], float(category[code]), evidence, verb))
    return tuple(result)
