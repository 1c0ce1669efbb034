"""The read-only queries behind search and data health."""

from __future__ import annotations

import time

from shopfront.store import queries
from shopfront.store.records import Interaction, InteractionType, Item
from shopfront.store.store import Store


def small_store() -> Store:
    store = Store("sqlite://")
    store.upsert_items(
        [
            Item(
                item_id="a",
                title="Red 100% Cotton Shirt",
                category="Fashion > Shirts",
                brand="Ando",
            ),
            Item(item_id="b", title="Blue cotton shirt", category="Fashion > Shirts", brand="Bex"),
            Item(item_id="c", title="Steel pan", category="Home", brand="Forge"),
        ]
    )
    day = 86_400.0
    store.insert_interactions(
        [
            Interaction("e1", "u1", "a", InteractionType.VIEW, 10 * day + 5),
            Interaction("e2", "u1", "a", InteractionType.PURCHASE, 10 * day + 9),
            Interaction("e3", "u2", "b", InteractionType.VIEW, 11 * day + 1),
            Interaction("e4", "u2", "gone", InteractionType.VIEW, 11 * day + 2),
        ]
    )
    return store


def test_search_matches_every_word_in_title_or_brand() -> None:
    store = small_store()

    assert [i.item_id for i in queries.search_titles(store, "COTTON shirt")] == ["b", "a"]
    assert [i.item_id for i in queries.search_titles(store, "forge")] == ["c"]
    assert [i.item_id for i in queries.search_titles(store, "100%")] == ["a"]
    assert queries.search_titles(store, "   ") == []
    assert queries.search_titles(store, "_") == []  # LIKE wildcards are taken literally


def test_items_by_ids_keeps_the_order_asked() -> None:
    items = queries.items_by_ids(small_store(), ["c", "missing", "a", "c"])

    assert [i.item_id for i in items] == ["c", "a"]


def test_daily_aggregates() -> None:
    store = small_store()

    assert sorted(queries.daily_event_counts(store, since=0)) == [
        (10, 1, 1),
        (10, 4, 1),
        (11, 1, 2),
    ]
    assert sorted(queries.daily_active_users(store, since=11 * 86_400.0)) == [(11, 1)]
    assert queries.count_active_users(store) == 2
    assert queries.count_items_with_events(store) == 2  # "gone" is not in the catalog
    assert queries.count_items_shown(store) == 0
    assert queries.event_type_counts(store) == {1: 3, 4: 1}
    assert queries.category_item_counts(store) == {"Fashion > Shirts": 2, "Home": 1}


def test_time_range_is_none_without_events() -> None:
    store = Store("sqlite://")

    assert queries.event_time_range(store) is None
    store.insert_interactions([Interaction("e", "u", "i", InteractionType.VIEW, time.time())])
    first, last = queries.event_time_range(store) or (0.0, 0.0)
    assert first == last > 0
