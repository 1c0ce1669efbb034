from __future__ import annotations

import numpy as np

from shopfront.simulate import SIMULATION_STAGES, SimulatedShop, SimulationConfig, simulate_shop

from .conftest import SMALL


def assert_same_events(one: SimulatedShop, other: SimulatedShop) -> None:
    assert np.array_equal(one.event_ids, other.event_ids)
    assert np.array_equal(one.events.user_ids, other.events.user_ids)
    assert np.array_equal(one.events.item_ids, other.events.item_ids)
    assert np.array_equal(one.events.types, other.events.types)
    assert np.array_equal(one.events.timestamps, other.events.timestamps)


def test_the_same_seed_gives_the_same_shop(small_shop: SimulatedShop) -> None:
    again = simulate_shop(SMALL)
    assert again.catalog == small_shop.catalog
    assert again.tastes == small_shop.tastes
    assert_same_events(again, small_shop)


def test_another_seed_gives_another_shop(small_shop: SimulatedShop) -> None:
    other = simulate_shop(SMALL.model_copy(update={"seed": 12}))
    assert [i.title for i in other.catalog] != [i.title for i in small_shop.catalog]
    assert len(other.events) != len(small_shop.events)


def test_stages_are_reported_in_order() -> None:
    stages: list[str] = []
    simulate_shop(SimulationConfig(n_users=10, n_items=200, days=3, seed=1), on_stage=stages.append)
    assert stages == list(SIMULATION_STAGES)


def test_a_shop_without_bots_or_new_arrivals() -> None:
    config = SimulationConfig(
        n_users=20, n_items=200, days=7, seed=2, bot_fraction=0.0, new_arrival_fraction=0.0
    )
    shop = simulate_shop(config)
    assert shop.bot_ids == []
    assert all(
        item.created_at is not None and item.created_at < shop.start for item in shop.catalog
    )
    assert len(shop.events) > 0
