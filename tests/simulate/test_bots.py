from __future__ import annotations

from collections import Counter

import numpy as np

from shopfront.prep.cleaning import clean
from shopfront.simulate import SimulatedShop
from shopfront.store.records import InteractionType


def daily_counts(shop: SimulatedShop) -> Counter[tuple[str, int]]:
    days = (np.asarray(shop.events.timestamps) // 86_400).astype(int).tolist()
    return Counter(zip(shop.events.user_ids.tolist(), days, strict=True))


def test_bots_are_present_and_flagged(small_shop: SimulatedShop) -> None:
    assert small_shop.bot_ids == [u for u, t in small_shop.tastes.items() if t.is_bot]
    assert len(small_shop.bot_ids) == 1


def test_bots_view_hundreds_a_day_and_nothing_else(small_shop: SimulatedShop) -> None:
    counts = daily_counts(small_shop)
    bots = set(small_shop.bot_ids)
    assert all(max(n for (u, _), n in counts.items() if u == bot) > 500 for bot in bots)
    assert max(n for (u, _), n in counts.items() if u not in bots) < 200

    is_bot = np.isin(small_shop.events.user_ids, list(bots))
    assert set(np.asarray(small_shop.events.types)[is_bot].tolist()) == {int(InteractionType.VIEW)}


def test_cleaning_removes_exactly_the_bots(small_shop: SimulatedShop) -> None:
    _, report = clean(small_shop.events, catalog_item_ids={i.item_id for i in small_shop.catalog})
    assert report.bot_users == len(small_shop.bot_ids)
    assert report.duplicates == 0
    assert report.unknown_items == 0
