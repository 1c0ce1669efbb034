"""Hidden tastes of simulated shoppers: categories, favourite brands, price band, activity.

A shopper's interest in top-level categories is a Dirichlet draw over two to
four of them; within each, a second Dirichlet spreads it over sub-categories.
Sub-categories with under 3 % of the interest are dropped, except the strongest
of each chosen top-level category. Favourite brands are those of a few items
drawn from the shopper's sub-categories. The preferred price band is relative:
a level times the median price of the item's sub-category, with a width in log
units, so that one band speaks for lipsticks and headphones alike.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from shopfront.errors import ValidationError
from shopfront.simulate.catalog import N_SUBS, N_TOPS, SUB_PATHS, SUB_TOPS, CatalogTable
from shopfront.simulate.config import SimulationConfig
from shopfront.simulate.lexicon import TOP_CATEGORIES
from shopfront.simulate.sampling import GroupedSampler

MIN_SUB_WEIGHT = 0.03
"""Sub-categories with less of a shopper's interest than this are dropped from the taste."""


@dataclass(frozen=True, slots=True)
class ShopperTaste:
    """The hidden tastes of one shopper, as saved in ``tastes.json``.

    Attributes:
        top_categories: Interest per top-level category, highest first; sums to 1.
        sub_categories: Interest per sub-category path, highest first; sums to 1.
        brands: Favourite brands, sorted by name.
        price_level: Preferred price as a multiple of the sub-category's median price.
        price_width: Half-width of the preferred band, in natural-log units.
        sessions_per_week: Mean number of browsing sessions a week.
        is_bot: Whether this user is a bot (views at random, hundreds a day).
    """

    top_categories: dict[str, float]
    sub_categories: dict[str, float]
    brands: tuple[str, ...]
    price_level: float
    price_width: float
    sessions_per_week: float
    is_bot: bool

    @property
    def price_band(self) -> tuple[float, float]:
        """The preferred price range, as multiples of the sub-category's median price."""
        return (
            self.price_level * math.exp(-self.price_width),
            self.price_level * math.exp(self.price_width),
        )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (the price band is included for readers, and ignored on load)."""
        return {
            "top_categories": self.top_categories,
            "sub_categories": self.sub_categories,
            "brands": list(self.brands),
            "price_level": self.price_level,
            "price_width": self.price_width,
            "price_band": list(self.price_band),
            "sessions_per_week": self.sessions_per_week,
            "is_bot": self.is_bot,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ShopperTaste:
        """The taste saved by :meth:`to_dict`."""
        return cls(
            top_categories={str(k): float(v) for k, v in data["top_categories"].items()},
            sub_categories={str(k): float(v) for k, v in data["sub_categories"].items()},
            brands=tuple(str(b) for b in data["brands"]),
            price_level=float(data["price_level"]),
            price_width=float(data["price_width"]),
            sessions_per_week=float(data["sessions_per_week"]),
            is_bot=bool(data["is_bot"]),
        )


@dataclass(frozen=True)
class TasteTable:
    """Tastes of all shoppers as arrays, one row per user index.

    Attributes:
        user_ids: object array of external user ids.
        sub_weights: (users, sub-categories) float64 interest, rows sum to 1.
        favourite_brands: (users, brands) bool, brands indexed as in the catalog table.
        price_levels: float64 preferred price multiple of each user.
        price_widths: float64 half-width of each band, in log units.
        sessions_per_week: float64 activity of each user.
        is_bot: bool array.
    """

    user_ids: np.ndarray
    sub_weights: np.ndarray
    favourite_brands: np.ndarray
    price_levels: np.ndarray
    price_widths: np.ndarray
    sessions_per_week: np.ndarray
    is_bot: np.ndarray

    def __len__(self) -> int:
        return len(self.user_ids)

    @property
    def top_weights(self) -> np.ndarray:
        """(users, top-level categories) float64 interest, summed over sub-categories."""
        top_weights = np.zeros((len(self), N_TOPS))
        np.add.at(top_weights.T, SUB_TOPS, self.sub_weights.T)
        return top_weights

    def to_tastes(self, brand_names: list[str]) -> dict[str, ShopperTaste]:
        """One :class:`ShopperTaste` per user id."""
        tops = self.top_weights
        return {
            str(user_id): ShopperTaste(
                top_categories=_ranked(TOP_CATEGORIES, tops[u]),
                sub_categories=_ranked(SUB_PATHS, self.sub_weights[u]),
                brands=tuple(
                    sorted(brand_names[b] for b in np.flatnonzero(self.favourite_brands[u]))
                ),
                price_level=float(self.price_levels[u]),
                price_width=float(self.price_widths[u]),
                sessions_per_week=float(self.sessions_per_week[u]),
                is_bot=bool(self.is_bot[u]),
            )
            for u, user_id in enumerate(self.user_ids)
        }

    @classmethod
    def from_tastes(cls, tastes: Mapping[str, ShopperTaste], catalog: CatalogTable) -> TasteTable:
        """Arrays of saved tastes, with brands indexed as in ``catalog``.

        Raises:
            ValidationError: A taste names a sub-category the simulator does not make.
        """
        sub_index = {path: sub for sub, path in enumerate(SUB_PATHS)}
        brand_index = {name: brand for brand, name in enumerate(catalog.brand_names)}
        sub_weights = np.zeros((len(tastes), N_SUBS))
        favourites = np.zeros((len(tastes), len(catalog.brand_names)), dtype=bool)
        for u, taste in enumerate(tastes.values()):
            for path, weight in taste.sub_categories.items():
                if path not in sub_index:
                    raise ValidationError(
                        f"tastes: field 'sub_categories' must name simulated sub-categories, "
                        f"got {path!r}"
                    )
                sub_weights[u, sub_index[path]] = weight
            favourites[u, [brand_index[b] for b in taste.brands if b in brand_index]] = True
        values = list(tastes.values())
        return cls(
            user_ids=np.array(list(tastes), dtype=object),
            sub_weights=sub_weights,
            favourite_brands=favourites,
            price_levels=np.array([t.price_level for t in values], dtype=np.float64),
            price_widths=np.array([t.price_width for t in values], dtype=np.float64),
            sessions_per_week=np.array([t.sessions_per_week for t in values], dtype=np.float64),
            is_bot=np.array([t.is_bot for t in values], dtype=bool),
        )


def generate_tastes(
    config: SimulationConfig, catalog: CatalogTable, rng: np.random.Generator
) -> TasteTable:
    """Random hidden tastes for ``config.n_users`` users, ``config.n_bots`` of them bots."""
    n_users = config.n_users
    sub_weights = _sub_weights(n_users, rng)
    favourites = _favourite_brands(sub_weights, catalog, rng)

    # Log-normal activity whose mean is the configured sessions per week.
    sigma = 0.8
    activity = rng.lognormal(math.log(config.sessions_per_week) - sigma**2 / 2, sigma, n_users)
    is_bot = np.zeros(n_users, dtype=bool)
    is_bot[rng.choice(n_users, size=config.n_bots, replace=False)] = True
    return TasteTable(
        user_ids=np.array([f"u{u:06d}" for u in range(n_users)], dtype=object),
        sub_weights=sub_weights,
        favourite_brands=favourites,
        price_levels=rng.lognormal(0.0, 0.35, n_users),
        price_widths=rng.uniform(0.25, 0.6, n_users),
        sessions_per_week=activity,
        is_bot=is_bot,
    )


def draw_rows(cumulative: np.ndarray, rows: np.ndarray, uniforms: np.ndarray) -> np.ndarray:
    """Column draws from per-row distributions, given their row-wise cumulative sums.

    Args:
        cumulative: (rows, columns) cumulative weights, each row ending at 1.
        rows: int array, the row of each draw.
        uniforms: float array in [0, 1), one per draw.

    Returns:
        int array, the drawn column of each draw.
    """
    n_rows, n_columns = cumulative.shape
    # Shifting row r by r makes one sorted array, so all draws are one binary search.
    flat = (cumulative + np.arange(n_rows)[:, None]).ravel()
    drawn = np.searchsorted(flat, rows + uniforms, "right") - rows * n_columns
    return np.asarray(np.clip(drawn, 0, n_columns - 1))


def _sub_weights(n_users: int, rng: np.random.Generator) -> np.ndarray:
    """(users, sub-categories) interest: Dirichlet over 2–4 tops, then over their subs."""
    n_tops = rng.integers(2, 5, n_users)
    ranks = np.argsort(np.argsort(rng.random((n_users, N_TOPS)), axis=1), axis=1)
    tops = rng.gamma(1.5, size=(n_users, N_TOPS)) * (ranks < n_tops[:, None])
    tops /= tops.sum(axis=1, keepdims=True)

    # Dirichlet within each top-level category: gamma draws normalized per top.
    inner = rng.gamma(0.35, size=(n_users, N_SUBS)) + 1e-12
    inner_totals = np.zeros((n_users, N_TOPS))
    np.add.at(inner_totals.T, SUB_TOPS, inner.T)
    weights = tops[:, SUB_TOPS] * inner / inner_totals[:, SUB_TOPS]

    # Drop faint sub-categories, but keep the strongest of each chosen top-level category.
    top_first = np.searchsorted(SUB_TOPS, np.arange(N_TOPS))
    strongest = np.maximum.reduceat(weights, top_first, axis=1)[:, SUB_TOPS]
    weights[(weights < MIN_SUB_WEIGHT) & (weights < strongest)] = 0.0
    return np.asarray(weights / weights.sum(axis=1, keepdims=True))


def _favourite_brands(
    sub_weights: np.ndarray, catalog: CatalogTable, rng: np.random.Generator
) -> np.ndarray:
    """(users, brands) bool: the brands of 2–4 popular items from each user's tastes."""
    n_users = len(sub_weights)
    sampler = GroupedSampler(catalog.subs, catalog.created_at, catalog.popularity, n_groups=N_SUBS)
    n_draws = 4
    users = np.repeat(np.arange(n_users), n_draws)
    subs = draw_rows(np.cumsum(sub_weights, axis=1), users, rng.random(len(users)))
    items = sampler.sample(subs, rng.random(len(users)))

    # Each user keeps 2–4 of the draws (duplicates collapse into one brand).
    keep = (np.arange(len(users)) % n_draws) < np.repeat(rng.integers(2, 5, n_users), n_draws)
    keep &= items >= 0
    favourites = np.zeros((n_users, len(catalog.brand_names)), dtype=bool)
    favourites[users[keep], catalog.brands[items[keep]]] = True
    return favourites


def _ranked(names: tuple[str, ...], weights: np.ndarray) -> dict[str, float]:
    """The positive weights by name, highest first (ties keep the tree order)."""
    order = np.argsort(-weights, kind="stable")
    return {names[i]: float(weights[i]) for i in order if weights[i] > 0}
