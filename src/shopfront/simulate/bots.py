"""Bot-like users: hundreds of views a day, of items drawn at random, on a few days.

A bot is active on a run of consecutive days (``bot_active_days``) and on each
views a Poisson number of items around a rate drawn from ``bot_views_per_day``
— by default above the 500 events a day at which
:func:`shopfront.prep.cleaning.clean` drops a user. Bots never click or buy.
"""

from __future__ import annotations

import logging

import numpy as np

from shopfront.simulate.catalog import CatalogTable
from shopfront.simulate.config import SECONDS_PER_DAY, SimulationConfig
from shopfront.simulate.events import EventColumns
from shopfront.simulate.sampling import GroupedSampler
from shopfront.simulate.tastes import TasteTable
from shopfront.store.records import InteractionType

logger = logging.getLogger(__name__)


def simulate_bots(
    config: SimulationConfig,
    tastes: TasteTable,
    catalog: CatalogTable,
    rng: np.random.Generator,
) -> EventColumns:
    """The views of every bot in ``tastes`` over the period."""
    bots = np.flatnonzero(tastes.is_bot)
    low_days, high_days = config.bot_active_days
    n_days = np.minimum(rng.integers(low_days, high_days + 1, len(bots)), config.days)
    first_day = rng.integers(0, config.days - n_days + 1)

    # One row per (bot, active day), then one per view on that day.
    day_bots = np.repeat(np.arange(len(bots)), n_days)
    day_offsets = np.arange(len(day_bots)) - np.repeat(np.cumsum(n_days) - n_days, n_days)
    days = first_day[day_bots] + day_offsets
    low_rate, high_rate = config.bot_views_per_day
    rates = rng.uniform(low_rate, high_rate, len(bots))[day_bots]
    n_views = rng.poisson(rates)

    view_days = np.repeat(days, n_views)
    times = config.start_timestamp + view_days * SECONDS_PER_DAY
    times += np.floor(rng.uniform(0.0, SECONDS_PER_DAY, len(view_days)))

    # Any item released by then, uniformly: bots do not care what is popular.
    everything = GroupedSampler(
        np.zeros(len(catalog), dtype=np.int64),
        catalog.created_at,
        np.ones(len(catalog)),
        n_groups=1,
    )
    items = everything.sample(
        np.zeros(len(times), dtype=np.int64), rng.random(len(times)), until=times
    )
    users = bots[np.repeat(day_bots, n_views)]
    logger.debug("simulated bots=%d views=%d", len(bots), len(times))
    return EventColumns.of(users, items, InteractionType.VIEW, times)
