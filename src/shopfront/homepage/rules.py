"""Business rules of the page: stock, exclusions, pins, boosts and price ranges.

A shop configures :class:`PageRules` once (the composer's default) and may send
more per request; :meth:`PageRules.merged` combines the two (exclusions add up,
price ranges narrow, pins and boosts of the request come first). Before use,
rules are compiled against the catalog into :class:`CompiledRules`: a boolean
mask of allowed items and a boost per item, so that applying them to a row is
a single array lookup.

Rules always win over models: an excluded, out-of-stock or out-of-range item
never reaches the page, not even when pinned. Stock is the snapshot's unless
the caller compiles with the live stock, as the homepage service does
(:mod:`shopfront.homepage.stock`), so that an item sold out after training
leaves the next page.

Example:
    >>> rules = PageRules(exclude_categories=("Toys",), max_price=50.0)
    >>> rules.merged(PageRules(min_price=10.0)).model_dump(include={"min_price", "max_price"})
    {'min_price': 10.0, 'max_price': 50.0}
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

from shopfront.homepage.catalog import CatalogStats


class PageRules(BaseModel):
    """Business rules applied to every row of a page."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    in_stock_only: bool = Field(default=True, description="Show only items in stock.")
    exclude_items: tuple[str, ...] = Field(default=(), description="Item ids never shown.")
    exclude_categories: tuple[str, ...] = Field(
        default=(),
        description="Category paths never shown; a path also excludes its sub-categories "
        "(``Home`` excludes ``Home > Kitchen``).",
    )
    pin_items: tuple[str, ...] = Field(
        default=(), description="Item ids placed first in the top row, in this order, when allowed."
    )
    boost_items: dict[str, float] = Field(
        default_factory=dict,
        description="Item id → amount added to its row-normalized score (in [0, 1]).",
    )
    boost_categories: dict[str, float] = Field(
        default_factory=dict,
        description="Category path → amount added to the row-normalized score of its items.",
    )
    min_price: float | None = Field(default=None, ge=0, description="Lowest price shown.")
    max_price: float | None = Field(default=None, ge=0, description="Highest price shown.")

    @model_validator(mode="after")
    def _price_range_is_ordered(self) -> PageRules:
        """A price range must not be empty."""
        low, high = self.min_price, self.max_price
        if low is not None and high is not None and low > high:
            raise ValueError(f"min_price must be <= max_price, got {low} > {high}")
        return self

    def merged(self, other: PageRules | None) -> PageRules:
        """These rules narrowed by ``other`` (a request's rules)."""
        if other is None:
            return self
        low = _tighter(self.min_price, other.min_price, max)
        high = _tighter(self.max_price, other.max_price, min)
        if low is not None and high is not None and low > high:
            high = low
        return PageRules(
            in_stock_only=self.in_stock_only or other.in_stock_only,
            exclude_items=_union(self.exclude_items, other.exclude_items),
            exclude_categories=_union(self.exclude_categories, other.exclude_categories),
            pin_items=_union(other.pin_items, self.pin_items),
            boost_items={**self.boost_items, **other.boost_items},
            boost_categories={**self.boost_categories, **other.boost_categories},
            min_price=low,
            max_price=high,
        )

    def compile(
        self, catalog: CatalogStats, *, in_stock: np.ndarray | None = None
    ) -> CompiledRules:
        """The rules as arrays over ``catalog``'s items (unknown ids are ignored).

        Args:
            catalog: The bundle's items.
            in_stock: bool (n_items,) live stock of those items; the snapshot's when ``None``.
        """
        stock = catalog.in_stock if in_stock is None else in_stock
        allowed = stock.copy() if self.in_stock_only else np.ones(catalog.n_items, bool)
        allowed[_known(catalog, self.exclude_items)] = False
        for path in self.exclude_categories:
            allowed[catalog.items_under(path)] = False

        # An unknown price passes a price range: the shop did not say it is out of range.
        prices = catalog.prices
        with np.errstate(invalid="ignore"):
            if self.min_price is not None:
                allowed &= ~(prices < self.min_price)
            if self.max_price is not None:
                allowed &= ~(prices > self.max_price)

        boost = np.zeros(catalog.n_items, dtype=np.float32)
        for path, amount in self.boost_categories.items():
            boost[catalog.items_under(path)] += amount
        for item_id, amount in self.boost_items.items():
            boost[_known(catalog, (item_id,))] += amount
        pins = _known(catalog, self.pin_items)
        return CompiledRules(allowed, boost, pins[allowed[pins]])


@dataclass(frozen=True, slots=True)
class CompiledRules:
    """Rules as arrays over the catalog's item indices.

    Attributes:
        allowed: bool (n_items,), items that may appear on the page.
        boost: float32 (n_items,), added to an item's row-normalized score.
        pins: int64 item indices placed first in the top row, all allowed.
    """

    allowed: np.ndarray
    boost: np.ndarray
    pins: np.ndarray

    @property
    def has_boost(self) -> bool:
        """Whether any item is boosted."""
        return bool(np.any(self.boost))


def _known(catalog: CatalogStats, item_ids: Sequence[str]) -> np.ndarray:
    """Item indices of the ids the catalog knows, in the given order."""
    indices = catalog.item_index.indices(list(item_ids)) if item_ids else np.zeros(0, np.int64)
    return indices[indices >= 0]


def _union(first: Sequence[str], second: Sequence[str]) -> tuple[str, ...]:
    """Both sequences, without repeats, in order."""
    return tuple(dict.fromkeys([*first, *second]))


def _tighter(
    first: float | None, second: float | None, pick: Callable[[list[float]], float]
) -> float | None:
    """The tighter of two optional bounds."""
    values = [v for v in (first, second) if v is not None]
    return pick(values) if values else None
