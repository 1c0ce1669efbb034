"""A small simulated shop shared by the simulator tests (built once per session)."""

from __future__ import annotations

import pytest

from shopfront.simulate import ShopperResponder, SimulatedShop, SimulationConfig, simulate_shop

SMALL = SimulationConfig(n_users=100, n_items=300, days=56, seed=11)


@pytest.fixture(scope="session")
def small_shop() -> SimulatedShop:
    """100 shoppers (one a bot) over 300 items for eight weeks."""
    return simulate_shop(SMALL)


@pytest.fixture()
def responder(small_shop: SimulatedShop) -> ShopperResponder:
    """A fresh responder over the small shop, so that visit counts start at zero."""
    return ShopperResponder(small_shop, seed=5)
