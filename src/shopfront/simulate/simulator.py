"""Run the whole simulation: catalog, tastes, browsing, re-purchases and bots, then assemble.

Each stage draws from its own random stream, spawned from the seed, so that a
change in one stage (say, more bots) leaves the others' draws as they were.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import numpy as np

from shopfront.simulate.affinity import AffinityModel
from shopfront.simulate.bots import simulate_bots
from shopfront.simulate.browsing import simulate_browsing
from shopfront.simulate.catalog import CatalogTable, generate_catalog
from shopfront.simulate.config import SimulationConfig
from shopfront.simulate.events import EventColumns
from shopfront.simulate.repurchase import simulate_rebuys
from shopfront.simulate.shop import SimulatedShop
from shopfront.simulate.tastes import TasteTable, generate_tastes
from shopfront.store.records import InteractionFrame

logger = logging.getLogger(__name__)

SIMULATION_STAGES: tuple[str, ...] = ("catalog", "tastes", "browsing", "rebuys", "bots", "assembly")
"""The stages reported to ``on_stage``, in order."""

StageCallback = Callable[[str], None]


def simulate_shop(
    config: SimulationConfig | None = None, *, on_stage: StageCallback | None = None
) -> SimulatedShop:
    """Simulate a shop; the same config (seed included) always gives the same shop.

    Args:
        config: Size, period, seed and behaviour rates; defaults to
            :class:`SimulationConfig` (12,000 items, 5,000 users, 8 weeks).
        on_stage: Called with each stage name of ``SIMULATION_STAGES`` as it starts,
            for progress display.

    Example:
        >>> shop = simulate_shop(SimulationConfig(n_users=20, n_items=200, days=7, seed=1))
        >>> len(shop.catalog), len(shop.tastes), len(shop.events) == len(shop.event_ids)
        (200, 20, True)
    """
    config = config or SimulationConfig()
    report = on_stage or (lambda stage: None)
    seeds = np.random.SeedSequence(config.seed).spawn(len(SIMULATION_STAGES))
    streams = dict(zip(SIMULATION_STAGES, (np.random.default_rng(s) for s in seeds), strict=True))
    began = time.perf_counter()

    report("catalog")
    catalog, attributes = generate_catalog(config, streams["catalog"])
    report("tastes")
    tastes = generate_tastes(config, catalog, streams["tastes"])
    affinity = AffinityModel.build(catalog, tastes)

    report("browsing")
    browsing = simulate_browsing(config, catalog, tastes, affinity, streams["browsing"])
    report("rebuys")
    rebuys = simulate_rebuys(config, browsing, catalog, streams["rebuys"])
    report("bots")
    bots = simulate_bots(config, tastes, catalog, streams["bots"])

    report("assembly")
    events, event_ids = _assemble(
        config, EventColumns.concat([browsing, rebuys, bots]), tastes, catalog
    )
    shop = SimulatedShop(
        catalog=catalog.to_items(attributes),
        events=events,
        event_ids=event_ids,
        tastes=tastes.to_tastes(catalog.brand_names),
        start=config.start_timestamp,
        end=config.end,
        config=config,
    )
    logger.info(
        "simulated shop users=%d items=%d events=%d seconds=%.2f",
        config.n_users,
        config.n_items,
        len(events),
        time.perf_counter() - began,
    )
    return shop


def _assemble(
    config: SimulationConfig, events: EventColumns, tastes: TasteTable, catalog: CatalogTable
) -> tuple[InteractionFrame, np.ndarray]:
    """Events inside the period, sorted by time, with external ids and event ids."""
    inside = (events.timestamps >= config.start_timestamp) & (events.timestamps < config.end)
    events = events.select(inside)

    # Time first; ties keep the funnel order of one user's actions on one item.
    order = np.lexsort((events.types, events.items, events.users, events.timestamps))
    events = events.select(order)
    frame = InteractionFrame(
        user_ids=tastes.user_ids[events.users],
        item_ids=catalog.item_ids[events.items],
        types=events.types,
        timestamps=events.timestamps,
    )
    event_ids = np.array([f"sim{config.seed}-{i:08d}" for i in range(len(events))], dtype=object)
    return frame, event_ids
