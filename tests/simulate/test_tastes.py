from __future__ import annotations

import math

import numpy as np
import pytest

from shopfront.simulate import ShopperTaste, SimulatedShop
from shopfront.simulate.catalog import CatalogTable
from shopfront.simulate.tastes import TasteTable, draw_rows
from shopfront.store.records import InteractionType


def test_every_user_has_a_taste(small_shop: SimulatedShop) -> None:
    assert len(small_shop.tastes) == 100
    assert set(small_shop.events.user_ids) <= set(small_shop.tastes)


def test_tastes_concentrate_on_two_to_four_top_categories(small_shop: SimulatedShop) -> None:
    for taste in small_shop.tastes.values():
        assert 2 <= len(taste.top_categories) <= 4
        assert math.isclose(sum(taste.top_categories.values()), 1.0)
        assert math.isclose(sum(taste.sub_categories.values()), 1.0)
        weights = list(taste.top_categories.values())
        assert weights == sorted(weights, reverse=True)
        assert {path.split(" > ")[0] for path in taste.sub_categories} <= set(taste.top_categories)


def test_brands_and_price_band(small_shop: SimulatedShop) -> None:
    brands = {item.brand for item in small_shop.catalog}
    for taste in small_shop.tastes.values():
        assert 1 <= len(taste.brands) <= 4
        assert set(taste.brands) <= brands
        low, high = taste.price_band
        assert 0 < low < taste.price_level < high


def test_human_views_mostly_come_from_their_tastes(small_shop: SimulatedShop) -> None:
    category = {item.item_id: item.category for item in small_shop.catalog}
    events = small_shop.events
    in_taste = [
        category[item_id] in small_shop.tastes[user_id].sub_categories
        for user_id, item_id, kind in zip(
            events.user_ids, events.item_ids, events.types, strict=True
        )
        if kind == InteractionType.VIEW and not small_shop.tastes[user_id].is_bot
    ]
    assert np.mean(in_taste) > 0.7


def test_taste_dict_round_trip(small_shop: SimulatedShop) -> None:
    for taste in small_shop.tastes.values():
        assert ShopperTaste.from_dict(taste.to_dict()) == taste


def test_table_from_tastes_restores_the_favourites(small_shop: SimulatedShop) -> None:
    catalog = CatalogTable.from_items(small_shop.catalog)
    table = TasteTable.from_tastes(small_shop.tastes, catalog)
    assert table.to_tastes(catalog.brand_names) == small_shop.tastes


def test_draw_rows_follows_each_row() -> None:
    cumulative = np.cumsum(np.array([[0.0, 1.0, 0.0], [0.5, 0.0, 0.5]]), axis=1)
    rows = np.repeat([0, 1], 5000)
    drawn = draw_rows(cumulative, rows, np.random.default_rng(3).random(len(rows)))
    assert set(drawn[:5000].tolist()) == {1}
    assert set(drawn[5000:].tolist()) == {0, 2}
    assert drawn[5000:].mean() == pytest.approx(1.0, abs=0.05)
