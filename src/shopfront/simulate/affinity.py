"""The true, hidden relevance of an item to a simulated shopper.

Affinity is a number in [0, 1] made of three matches, each in [0, 1]:

- category: 0.7 × the shopper's interest in the item's sub-category and 0.3 ×
  their interest in its top-level category, each relative to their strongest one;
- brand: 1 when the item's brand is a favourite, else 0;
- price: a Gaussian bump in log price around the shopper's preferred level,
  ``exp(-½ ((log(price / median) - log(level)) / width)²)``.

``affinity = 0.6 category + 0.2 brand + 0.2 price``. Browsing, buying and the
reactions to homepages all rise with it, and it is what a recommender should
learn to rank by.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from shopfront.simulate.catalog import SUB_TOPS, CatalogTable
from shopfront.simulate.tastes import TasteTable

CATEGORY_WEIGHT = 0.6
BRAND_WEIGHT = 0.2
PRICE_WEIGHT = 0.2


@dataclass(frozen=True)
class AffinityModel:
    """Affinity of (user index, item index) pairs, vectorized.

    Build it with :meth:`build` from the catalog and taste tables.

    Attributes:
        sub_relative: (users, sub-categories) interest over the user's strongest one.
        top_relative: (users, top-level categories) interest over the user's strongest one.
        favourite_brands: (users, brands) bool.
        log_levels: float64 log of each user's preferred price level.
        widths: float64 width of each user's price band, in log units.
        item_subs: int sub-category index of each item.
        item_tops: int top-level category index of each item.
        item_brands: int brand index of each item.
        item_log_ratios: float64 log of each price over its sub-category's median.
    """

    sub_relative: np.ndarray
    top_relative: np.ndarray
    favourite_brands: np.ndarray
    log_levels: np.ndarray
    widths: np.ndarray
    item_subs: np.ndarray
    item_tops: np.ndarray
    item_brands: np.ndarray
    item_log_ratios: np.ndarray

    @classmethod
    def build(cls, catalog: CatalogTable, tastes: TasteTable) -> AffinityModel:
        """Precompute the per-user and per-item columns the matches read."""
        subs = tastes.sub_weights
        tops = tastes.top_weights
        return cls(
            sub_relative=subs / subs.max(axis=1, keepdims=True),
            top_relative=tops / tops.max(axis=1, keepdims=True),
            favourite_brands=tastes.favourite_brands,
            log_levels=np.log(tastes.price_levels),
            widths=tastes.price_widths,
            item_subs=catalog.subs,
            item_tops=SUB_TOPS[catalog.subs],
            item_brands=catalog.brands,
            item_log_ratios=catalog.log_price_ratios,
        )

    def category_match(self, users: np.ndarray, items: np.ndarray) -> np.ndarray:
        """float64 interest in each item's categories, relative to the user's strongest."""
        sub = self.sub_relative[users, self.item_subs[items]]
        top = self.top_relative[users, self.item_tops[items]]
        return np.asarray(0.7 * sub + 0.3 * top)

    def brand_match(self, users: np.ndarray, items: np.ndarray) -> np.ndarray:
        """float64, 1 where the item's brand is one of the user's favourites."""
        return np.asarray(self.favourite_brands[users, self.item_brands[items]], np.float64)

    def price_match(self, users: np.ndarray, items: np.ndarray) -> np.ndarray:
        """float64 in (0, 1], how close each price is to the user's preferred level."""
        distance = (self.item_log_ratios[items] - self.log_levels[users]) / self.widths[users]
        return np.asarray(np.exp(-0.5 * distance**2))

    def score(self, users: np.ndarray, items: np.ndarray) -> np.ndarray:
        """float32 affinity in [0, 1] of each (user index, item index) pair."""
        affinity = (
            CATEGORY_WEIGHT * self.category_match(users, items)
            + BRAND_WEIGHT * self.brand_match(users, items)
            + PRICE_WEIGHT * self.price_match(users, items)
        )
        return affinity.astype(np.float32)
