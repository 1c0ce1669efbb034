"""What the storefront shows of the catalog: product cards, categories, search results."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from shopfront.homepage.bundle import ModelBundle
from shopfront.store import queries
from shopfront.store.records import Item
from shopfront.store.store import Store
from shopfront.web.thumbnails import category_colour, thumbnail_uri


@dataclass(frozen=True, slots=True)
class CategoryLink:
    """A top-level category of the shop, for the storefront's navigation."""

    name: str
    n_items: int
    colour: str


def item_card(item: Item) -> dict[str, Any]:
    """The JSON-ready fields a product card displays."""
    return {
        "item_id": item.item_id,
        "title": item.title or item.item_id,
        "category": item.category,
        "brand": item.brand,
        "price": item.price,
        "price_label": price_label(item.price),
        "in_stock": item.in_stock,
        "colour": category_colour(item.category),
        "thumbnail": thumbnail_uri(item),
    }


def price_label(price: float | None) -> str:
    """A price for display (``"$12.50"``), or an empty string when unknown."""
    return "" if price is None else f"${price:,.2f}"


def top_categories(store: Store, *, n: int = 12) -> list[CategoryLink]:
    """The shop's top-level categories with the most items, largest first."""
    totals: dict[str, int] = {}
    for category, count in queries.category_item_counts(store).items():
        top = category.split(">")[0].strip()
        if top:
            totals[top] = totals.get(top, 0) + count
    ranked = sorted(totals.items(), key=lambda pair: (-pair[1], pair[0]))[:n]
    return [CategoryLink(name, count, category_colour(name)) for name, count in ranked]


def subcategories(store: Store, category: str) -> list[str]:
    """The category paths below ``category``, sorted."""
    prefix = category + " >"
    return sorted(c for c in queries.category_item_counts(store) if c.startswith(prefix))


def category_items(
    store: Store, category: str, *, bundle: ModelBundle | None, n: int = 48
) -> list[Item]:
    """Items of a category path (or any prefix of it), the most interacted-with first.

    Popularity comes from the live bundle's snapshot; without a bundle the
    items come in catalog order.
    """
    if bundle is None:
        return store.list_items(category=category, limit=n)
    snapshot = bundle.snapshot
    in_category = np.array(
        [c == category or c.startswith(category + " >") for c in snapshot.item_categories],
        dtype=bool,
    )
    indices = np.flatnonzero(in_category)
    if len(indices) == 0:
        return store.list_items(category=category, limit=n)
    counts = snapshot.item_counts()[indices]
    best = indices[np.argsort(-counts, kind="stable")][:n]
    return queries.items_by_ids(store, [snapshot.items.id(int(i)) for i in best])


def search(store: Store, text: str, *, n: int = 24) -> list[Item]:
    """Catalog items whose title or brand contains every word of ``text``."""
    return queries.search_titles(store, text, n=n)
