"""The simulated catalog: items with readable titles, a two-level category tree, brands, prices.

Each sub-category of :mod:`~shopfront.simulate.lexicon` gets items in
proportion to a random size; each brand sells in a few sub-categories, mostly of
one top-level category; prices scatter log-normally around the sub-category's
median, scaled by the brand's premium. A share of the items is released during
the simulated period (new arrivals); all others exist before it starts.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from shopfront.errors import ValidationError
from shopfront.simulate.config import SECONDS_PER_DAY, SimulationConfig
from shopfront.simulate.lexicon import (
    BRAND_PREFIXES,
    BRAND_SUFFIXES,
    MAX_BRANDS,
    SUB_CATEGORIES,
    TOP_ADJECTIVES,
    TOP_CATEGORIES,
)
from shopfront.simulate.sampling import GroupedSampler
from shopfront.store.records import Item

logger = logging.getLogger(__name__)

SUB_PATHS: tuple[str, ...] = tuple(spec.path for spec in SUB_CATEGORIES)
SUB_TOPS = np.array([TOP_CATEGORIES.index(spec.top) for spec in SUB_CATEGORIES], dtype=np.int64)
SUB_REPURCHASE_DAYS = np.array(
    [np.nan if spec.repurchase_days is None else spec.repurchase_days for spec in SUB_CATEGORIES]
)
N_SUBS = len(SUB_CATEGORIES)
N_TOPS = len(TOP_CATEGORIES)


@dataclass(frozen=True)
class CatalogTable:
    """The catalog as aligned columns, one row per item (the item index).

    Attributes:
        item_ids: object array of external item ids.
        subs: int array, the sub-category index (into ``SUB_PATHS``) of each item.
        brands: int array, the brand index (into ``brand_names``) of each item.
        brand_names: Names of the brands.
        prices: float64 prices.
        in_stock: bool array.
        created_at: float64 release times (Unix seconds).
        popularity: float64 weight of each item in popularity-driven views.
        titles: Title of each item.
    """

    item_ids: np.ndarray
    subs: np.ndarray
    brands: np.ndarray
    brand_names: list[str]
    prices: np.ndarray
    in_stock: np.ndarray
    created_at: np.ndarray
    popularity: np.ndarray
    titles: list[str]

    def __len__(self) -> int:
        return len(self.item_ids)

    @cached_property
    def tops(self) -> np.ndarray:
        """int array, the top-level category index of each item."""
        return np.asarray(SUB_TOPS[self.subs])

    @cached_property
    def is_consumable(self) -> np.ndarray:
        """bool array, whether each item is re-bought after an interval."""
        return np.asarray(~np.isnan(SUB_REPURCHASE_DAYS[self.subs]))

    @cached_property
    def log_price_ratios(self) -> np.ndarray:
        """float64 log of each price over its sub-category's median catalog price."""
        medians = np.ones(N_SUBS)
        for sub in np.unique(self.subs):
            medians[sub] = np.median(self.prices[self.subs == sub])
        return np.asarray(np.log(self.prices / medians[self.subs]))

    @classmethod
    def from_items(cls, items: Sequence[Item]) -> CatalogTable:
        """Columns of a simulated catalog read back from its items (popularity is flat).

        Raises:
            ValidationError: An item's category or price is not one the simulator makes.
        """
        index = {path: sub for sub, path in enumerate(SUB_PATHS)}
        unknown = [item.category for item in items if item.category not in index]
        if unknown:
            raise ValidationError(
                f"catalog: field 'category' must be a simulated sub-category, got {unknown[0]!r}"
            )
        if any(item.price is None or item.price <= 0 for item in items):
            raise ValidationError("catalog: field 'price' must be positive in every item")
        brand_names = sorted({item.brand for item in items})
        brand_index = {name: brand for brand, name in enumerate(brand_names)}
        return cls(
            item_ids=np.array([item.item_id for item in items], dtype=object),
            subs=np.array([index[item.category] for item in items], dtype=np.int64),
            brands=np.array([brand_index[item.brand] for item in items], dtype=np.int64),
            brand_names=brand_names,
            prices=np.array([item.price for item in items], dtype=np.float64),
            in_stock=np.array([item.in_stock for item in items], dtype=bool),
            created_at=np.array([item.created_at or 0.0 for item in items], dtype=np.float64),
            popularity=np.ones(len(items)),
            titles=[item.title for item in items],
        )

    def to_items(self, attributes: list[dict[str, object]]) -> list[Item]:
        """The catalog as :class:`Item` records, with each item's attributes."""
        return [
            Item(
                item_id=str(self.item_ids[i]),
                title=self.titles[i],
                category=SUB_PATHS[self.subs[i]],
                brand=self.brand_names[self.brands[i]],
                price=float(self.prices[i]),
                attributes=attributes[i],
                in_stock=bool(self.in_stock[i]),
                created_at=float(self.created_at[i]),
            )
            for i in range(len(self))
        ]


@dataclass(frozen=True)
class _Brands:
    """Brands with the sub-categories they sell in (one row per brand × sub-category)."""

    names: list[str]
    popularity: np.ndarray
    premium: np.ndarray
    pair_brands: np.ndarray
    pair_subs: np.ndarray


def generate_catalog(
    config: SimulationConfig, rng: np.random.Generator
) -> tuple[CatalogTable, list[dict[str, object]]]:
    """A random catalog of ``config.n_items`` items and each item's attributes."""
    subs, guaranteed = _assign_sub_categories(config.n_items, rng)
    brands = _generate_brands(config.n_items, rng)

    # A brand is drawn among those selling in the item's sub-category, by brand popularity.
    pair_sampler = GroupedSampler(
        brands.pair_subs,
        np.zeros(len(brands.pair_subs)),
        brands.popularity[brands.pair_brands],
        n_groups=N_SUBS,
    )
    item_brands = brands.pair_brands[pair_sampler.sample(subs, rng.random(len(subs)))]

    # Log-normal prices around the sub-category median, scaled by the brand, ending in .99.
    median = np.array([spec.median_price for spec in SUB_CATEGORIES])[subs]
    sigma = np.array([spec.price_sigma for spec in SUB_CATEGORIES])[subs]
    raw = median * brands.premium[item_brands] * np.exp(sigma * rng.standard_normal(len(subs)))
    prices = np.maximum(np.round(raw), 1.0) - 0.01

    created_at, is_new = _release_times(config, guaranteed, rng)
    popularity = rng.lognormal(0.0, 1.0, len(subs)) * np.sqrt(brands.popularity[item_brands])
    popularity *= np.where(is_new, 2.0, 1.0)
    titles, attributes = _titles_and_attributes(subs, [brands.names[b] for b in item_brands], rng)

    table = CatalogTable(
        item_ids=np.array([f"p{i:06d}" for i in range(len(subs))], dtype=object),
        subs=subs,
        brands=item_brands,
        brand_names=brands.names,
        prices=prices,
        in_stock=rng.random(len(subs)) >= config.out_of_stock_fraction,
        created_at=created_at,
        popularity=popularity,
        titles=titles,
    )
    logger.debug("generated catalog items=%d brands=%d", len(table), len(brands.names))
    return table, attributes


def _assign_sub_categories(n_items: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """The sub-category of each item, and a mask of items that must exist from the start.

    Every sub-category gets a few items first (so that none is empty, and each has
    items before the period starts); the rest follow random sub-category sizes.
    """
    per_sub = min(3, n_items // N_SUBS)
    sizes = rng.lognormal(0.0, 0.4, N_SUBS)
    rest = rng.choice(N_SUBS, size=n_items - per_sub * N_SUBS, p=sizes / sizes.sum())
    subs = np.concatenate([np.tile(np.arange(N_SUBS), per_sub), rest])
    guaranteed = np.arange(n_items) < N_SUBS

    # Shuffle so that item ids say nothing about categories.
    order = rng.permutation(n_items)
    return subs[order].astype(np.int64), guaranteed[order]


def _generate_brands(n_items: int, rng: np.random.Generator) -> _Brands:
    """About one brand per 40 items, each in its home sub-category and a few more."""
    n_brands = int(np.clip(n_items // 40, 2 * N_SUBS, MAX_BRANDS))
    codes = rng.choice(MAX_BRANDS, size=n_brands, replace=False)
    n_suffixes = len(BRAND_SUFFIXES)
    names = [BRAND_PREFIXES[c // n_suffixes] + BRAND_SUFFIXES[c % n_suffixes] for c in codes]

    # Home sub-categories cycle, so each sub-category has at least two brands.
    home = rng.permutation(np.resize(np.arange(N_SUBS), n_brands))
    top_first = np.searchsorted(SUB_TOPS, np.arange(N_TOPS))
    top_size = np.bincount(SUB_TOPS, minlength=N_TOPS)
    home_top = SUB_TOPS[home]

    # Up to two more sub-categories in the home top-level category, sometimes one elsewhere.
    same_top = top_first[home_top] + rng.integers(0, 1 << 30, (2, n_brands)) % top_size[home_top]
    same_top = np.where(rng.random((2, n_brands)) < 0.5, same_top, home)
    elsewhere = np.where(rng.random(n_brands) < 0.2, rng.integers(0, N_SUBS, n_brands), home)
    pairs = np.unique(
        np.stack([np.tile(np.arange(n_brands), 4), np.concatenate([home, *same_top, elsewhere])]),
        axis=1,
    )
    return _Brands(
        names=names,
        popularity=rng.lognormal(0.0, 0.8, n_brands),
        premium=rng.lognormal(0.0, 0.25, n_brands),
        pair_brands=pairs[0],
        pair_subs=pairs[1],
    )


def _release_times(
    config: SimulationConfig, guaranteed: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Whole-second release times: most within the year before the period, some during it."""
    n = len(guaranteed)
    start = config.start_timestamp
    is_new = (rng.random(n) < config.new_arrival_fraction) & ~guaranteed
    before = start - rng.uniform(SECONDS_PER_DAY, 365 * SECONDS_PER_DAY, n)
    during = start + rng.uniform(0.0, config.days * SECONDS_PER_DAY, n)
    return np.floor(np.where(is_new, during, before)), is_new


def _titles_and_attributes(
    subs: np.ndarray, brand_names: list[str], rng: np.random.Generator
) -> tuple[list[str], list[dict[str, object]]]:
    """Titles such as "Lumiora Matte Lipstick Rose 3.5 g", with variant and size attributes."""
    picks = rng.integers(0, 1 << 30, (4, len(subs))).tolist()
    titles: list[str] = []
    attributes: list[dict[str, object]] = []
    for i, sub in enumerate(subs.tolist()):
        spec = SUB_CATEGORIES[sub]
        adjectives = TOP_ADJECTIVES[spec.top]
        adjective = adjectives[picks[0][i] % len(adjectives)]
        noun = spec.nouns[picks[1][i] % len(spec.nouns)]
        variant = spec.variants[picks[2][i] % len(spec.variants)]
        size = spec.sizes[picks[3][i] % len(spec.sizes)] if spec.sizes else ""
        titles.append(" ".join(w for w in (brand_names[i], adjective, noun, variant, size) if w))

        attribute: dict[str, object] = {"consumable": spec.is_consumable, "variant": variant}
        if size:
            attribute["size"] = size
        attributes.append(attribute)
    return titles, attributes
