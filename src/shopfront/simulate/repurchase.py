"""Consumables bought again once they run out.

Each purchase of a consumable starts a clock of about the sub-category's
repurchase interval (log-normally spread by 15 %). When it runs out within the
period, the shopper comes back with probability ``rebuy_probability`` and buys
the same item again — view, click, cart, purchase — unless it is out of stock.
A re-purchase starts a clock of its own, so a coffee bought in the first week
is re-bought every two weeks or so until the shopper lapses.
"""

from __future__ import annotations

import logging

import numpy as np

from shopfront.simulate.catalog import SUB_REPURCHASE_DAYS, CatalogTable
from shopfront.simulate.config import SECONDS_PER_DAY, SimulationConfig
from shopfront.simulate.events import EventColumns, funnel_chain
from shopfront.store.records import InteractionType

logger = logging.getLogger(__name__)

INTERVAL_SPREAD = 0.15


def simulate_rebuys(
    config: SimulationConfig,
    events: EventColumns,
    catalog: CatalogTable,
    rng: np.random.Generator,
) -> EventColumns:
    """The re-purchase chains that follow the consumable purchases in ``events``."""
    intervals = SUB_REPURCHASE_DAYS[catalog.subs] * SECONDS_PER_DAY
    is_purchase = events.types == int(InteractionType.PURCHASE)
    current = events.select(is_purchase & catalog.is_consumable[events.items])

    # One round per generation of re-purchases; each round is vectorized over all shoppers.
    rounds: list[EventColumns] = []
    while len(current):
        spread = rng.lognormal(0.0, INTERVAL_SPREAD, len(current))
        due = np.floor(current.timestamps + intervals[current.items] * spread)
        again = (rng.random(len(current)) < config.rebuy_probability) & (due < config.end)
        again &= catalog.in_stock[current.items]
        chain = funnel_chain(current.users[again], current.items[again], due[again], rng)
        rounds.append(chain)
        current = chain.select(chain.types == int(InteractionType.PURCHASE))

    rebuys = EventColumns.concat(rounds)
    logger.debug("simulated rebuys rounds=%d events=%d", len(rounds), len(rebuys))
    return rebuys
