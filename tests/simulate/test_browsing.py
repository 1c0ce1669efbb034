from __future__ import annotations

import numpy as np

from shopfront.simulate import SimulatedShop
from shopfront.store.records import InteractionType


def type_counts(shop: SimulatedShop, *, humans_only: bool = False) -> np.ndarray:
    types = np.asarray(shop.events.types)
    if humans_only:
        types = types[~np.isin(shop.events.user_ids, shop.bot_ids)]
    return np.bincount(types, minlength=5)


def test_funnel_narrows_from_views_to_purchases(small_shop: SimulatedShop) -> None:
    counts = type_counts(small_shop)
    views, clicks, carts, purchases = (counts[int(t)] for t in InteractionType)
    assert 0 < purchases < carts < clicks < views


def test_funnel_rates_are_near_the_configured_targets(small_shop: SimulatedShop) -> None:
    counts = type_counts(small_shop, humans_only=True)
    views, clicks, carts, purchases = (int(counts[int(t)]) for t in InteractionType)
    # Re-purchases add full view→purchase chains, so the later steps run a little high.
    assert 0.2 < clicks / views < 0.4
    assert 0.06 < carts / clicks < 0.2
    assert 0.25 < purchases / carts < 0.65


def test_timestamps_lie_inside_the_period_in_whole_seconds(small_shop: SimulatedShop) -> None:
    times = np.asarray(small_shop.events.timestamps)
    assert times.min() >= small_shop.start
    assert times.max() < small_shop.end
    assert np.array_equal(times, np.floor(times))
    assert small_shop.start == 1788220800.0  # 2026-09-01 00:00 UTC


def test_events_are_sorted_by_time_and_so_per_user(small_shop: SimulatedShop) -> None:
    times = np.asarray(small_shop.events.timestamps)
    assert np.all(np.diff(times) >= 0)
    users = np.asarray(small_shop.events.user_ids, dtype=str)
    order = np.argsort(users, kind="stable")
    same_user = users[order][1:] == users[order][:-1]
    assert np.all(np.diff(times[order])[same_user] >= 0)


def test_every_action_follows_a_view_of_the_same_item(small_shop: SimulatedShop) -> None:
    viewed: set[tuple[str, str]] = set()
    events = small_shop.events
    for user_id, item_id, kind in zip(events.user_ids, events.item_ids, events.types, strict=True):
        if kind == InteractionType.VIEW:
            viewed.add((user_id, item_id))
        else:
            assert (user_id, item_id) in viewed


def test_nothing_is_seen_before_its_release(small_shop: SimulatedShop) -> None:
    released = {item.item_id: item.created_at for item in small_shop.catalog}
    events = small_shop.events
    assert all(
        released[item_id] <= time
        for item_id, time in zip(events.item_ids, events.timestamps, strict=True)
    )
    new_items = {i for i, t in released.items() if t is not None and t >= small_shop.start}
    assert new_items & set(events.item_ids)


def test_out_of_stock_items_are_never_carted(small_shop: SimulatedShop) -> None:
    out_of_stock = {item.item_id for item in small_shop.catalog if not item.in_stock}
    events = small_shop.events
    carted = {
        item_id
        for item_id, kind in zip(events.item_ids, events.types, strict=True)
        if kind >= InteractionType.ADD_TO_CART
    }
    assert not carted & out_of_stock


def test_event_ids_are_unique(small_shop: SimulatedShop) -> None:
    assert len(set(small_shop.event_ids)) == len(small_shop.event_ids) == len(small_shop.events)
