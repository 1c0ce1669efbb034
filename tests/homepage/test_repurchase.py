"""Repurchase intervals: declared and learned consumables, typical intervals."""

from __future__ import annotations

import numpy as np

from shopfront.homepage.catalog import DAY, CatalogStats
from shopfront.homepage.copurchase import CoPurchases
from shopfront.homepage.repurchase import RepurchaseIntervals
from shopfront.prep.builder import build_snapshot
from shopfront.prep.snapshot import History, Snapshot
from shopfront.store.records import InteractionFrame, InteractionType, Item

START = 1_780_000_000.0


def coffee_and_sofas() -> Snapshot:
    """Coffee bought every 10 days by 30 shoppers; sofas bought once; no attributes."""
    catalog = [Item(f"coffee{i}", category="Grocery > Coffee") for i in range(3)]
    catalog += [Item(f"sofa{i}", category="Home > Sofas") for i in range(3)]
    users, items, times = [], [], []
    for user in range(30):
        for visit in range(3):
            users.append(f"u{user}")
            items.append(f"coffee{user % 3}")
            times.append(START + (visit * 10 + user % 2) * DAY)
        users.append(f"u{user}")
        items.append(f"sofa{user % 3}")
        times.append(START + 5 * DAY)
    order = np.lexsort((np.asarray(times), np.asarray(users)))
    frame = InteractionFrame(
        user_ids=np.asarray(users, dtype=object)[order],
        item_ids=np.asarray(items, dtype=object)[order],
        types=np.full(len(users), int(InteractionType.PURCHASE), dtype=np.int8),
        timestamps=np.asarray(times)[order],
    )
    snapshot, _ = build_snapshot(frame, catalog)
    return snapshot


def test_repeat_purchases_make_a_category_consumable() -> None:
    snapshot = coffee_and_sofas()
    intervals = RepurchaseIntervals.from_snapshot(snapshot, CatalogStats.from_snapshot(snapshot))

    coffee = [snapshot.items.index(f"coffee{i}") for i in range(3)]
    sofas = [snapshot.items.index(f"sofa{i}") for i in range(3)]
    assert intervals.consumable[coffee].all() and not intervals.consumable[sofas].any()
    np.testing.assert_allclose(intervals.interval_days[coffee], 10.0)
    assert np.isnan(intervals.interval_days[sofas]).all()


def test_due_items_follow_the_interval() -> None:
    snapshot = coffee_and_sofas()
    intervals = RepurchaseIntervals.from_snapshot(snapshot, CatalogStats.from_snapshot(snapshot))
    coffee, sofa = snapshot.items.index("coffee0"), snapshot.items.index("sofa0")
    history = History(np.array([coffee, sofa]), np.array([4, 4], np.int8), np.array([0.0, 0.0]))

    assert intervals.due(history, now=5 * DAY).item_indices.tolist() == []
    due = intervals.due(history, now=10 * DAY)
    assert due.item_indices.tolist() == [coffee]
    assert due.scores[0] == np.float32(1.0)
    assert intervals.due(history, now=60 * DAY).item_indices.tolist() == []


def test_declared_attribute_wins(shop_snapshot: Snapshot) -> None:
    stats = CatalogStats.from_snapshot(shop_snapshot)
    intervals = RepurchaseIntervals.from_snapshot(shop_snapshot, stats)
    declared = ["consumable:True" in tokens for tokens in shop_snapshot.item_attributes]

    np.testing.assert_array_equal(intervals.consumable, declared)
    assert np.all(intervals.interval_days[intervals.consumable] > 0)


def test_copurchases_pair_items_bought_by_the_same_shoppers() -> None:
    snapshot = coffee_and_sofas()
    together = CoPurchases.from_snapshot(snapshot)
    items, scores = together.neighbours(snapshot.items.index("sofa0"))

    assert snapshot.items.to_ids(items) == ["coffee0"]
    assert scores[0] > 0
