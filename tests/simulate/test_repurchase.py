from __future__ import annotations

from collections import defaultdict

import numpy as np

from shopfront.simulate import SimulatedShop
from shopfront.simulate.lexicon import SUB_CATEGORIES
from shopfront.store.records import InteractionType


def purchase_times(shop: SimulatedShop) -> dict[tuple[str, str], list[float]]:
    bought: dict[tuple[str, str], list[float]] = defaultdict(list)
    events = shop.events
    rows = zip(events.user_ids, events.item_ids, events.types, events.timestamps, strict=True)
    for user_id, item_id, kind, time in rows:
        if kind == InteractionType.PURCHASE:
            bought[(user_id, item_id)].append(time)
    return bought


def test_consumables_are_bought_again_after_their_interval(small_shop: SimulatedShop) -> None:
    days = {spec.path: spec.repurchase_days for spec in SUB_CATEGORIES}
    category = {item.item_id: item.category for item in small_shop.catalog}
    ratios = [
        (later - earlier) / 86_400 / days[category[item_id]]
        for (_, item_id), times in purchase_times(small_shop).items()
        if days[category[item_id]] is not None
        for earlier, later in zip(times, times[1:], strict=False)
    ]
    # Gaps are one interval, log-normally spread by about 15 %.
    assert len(ratios) >= 5
    assert 0.85 < float(np.median(ratios)) < 1.15
    assert 0.5 < min(ratios) and max(ratios) < 2.0


def test_durables_are_bought_at_most_once_per_shopper(small_shop: SimulatedShop) -> None:
    durable = {item.item_id for item in small_shop.catalog if not item.attributes["consumable"]}
    for (_, item_id), times in purchase_times(small_shop).items():
        if item_id in durable:
            assert len(times) == 1
