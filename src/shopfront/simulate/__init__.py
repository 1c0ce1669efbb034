"""A synthetic shop: a catalog, shoppers with hidden tastes who browse and buy, and bots.

It is the embedded demo data, and — through :class:`ShopperResponder` — the
closed loop on which the homepage and its feedback are measured: the hidden
tastes say what each shopper truly likes, so what the system learned can be
checked against them.

Example:
    >>> shop = simulate_shop(SimulationConfig(n_users=50, n_items=300, days=14, seed=7))
    >>> shop.catalog[0].category.count(" > ")
    1
"""

from shopfront.simulate.affinity import AffinityModel
from shopfront.simulate.config import SimulationConfig
from shopfront.simulate.responder import Reaction, ShopperResponder, position_bias
from shopfront.simulate.shop import SimulatedShop
from shopfront.simulate.simulator import SIMULATION_STAGES, simulate_shop
from shopfront.simulate.tastes import ShopperTaste

__all__ = [
    "SIMULATION_STAGES",
    "AffinityModel",
    "Reaction",
    "ShopperResponder",
    "ShopperTaste",
    "SimulatedShop",
    "SimulationConfig",
    "position_bias",
    "simulate_shop",
]
