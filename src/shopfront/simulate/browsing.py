"""Shoppers browsing in sessions: views drawn from their tastes, then the purchase funnel.

Sessions start at the times of a Poisson process per shopper (a Poisson count,
then uniform days and hours weighted by a daily rhythm). A session holds a
geometric number of views, about half a minute apart. Each view is one of:

- a popular item, whatever the shopper's taste (``popular_share``);
- a new arrival of the last two weeks in one of their sub-categories
  (``new_arrival_share``);
- otherwise an item of their tastes: the session's main sub-category
  (``focus_share``) or a fresh draw from their interests, and within it the
  best of three popularity-weighted proposals by brand and price match.

Only items released by the time of the view can be drawn. Each view is then
clicked, carted and bought with chances that rise with the shopper's affinity to
the item (see :mod:`~shopfront.simulate.affinity`), rescaled so that the shop
lands near the configured funnel rates. Out-of-stock items are never carted.
Browsing buys an item at most once per shopper (a second cart of it is left
unbought): consumables come back through :mod:`~shopfront.simulate.repurchase`,
on their own schedule.

Everything is done on whole arrays of sessions and views; nothing loops per event.
"""

from __future__ import annotations

import logging

import numpy as np

from shopfront.simulate.affinity import AffinityModel
from shopfront.simulate.catalog import N_SUBS, CatalogTable
from shopfront.simulate.config import SECONDS_PER_DAY, SimulationConfig
from shopfront.simulate.events import EventColumns, later
from shopfront.simulate.sampling import GroupedSampler
from shopfront.simulate.tastes import TasteTable, draw_rows
from shopfront.store.records import InteractionType

logger = logging.getLogger(__name__)

# Relative number of sessions starting in each hour of the day: quiet nights, busy evenings.
HOURLY_WEIGHTS = np.array(
    [1.0, 0.6, 0.4, 0.3, 0.3, 0.4, 0.8, 1.5, 2.2, 2.6, 2.8, 3.0]
    + [3.4, 3.2, 2.8, 2.7, 2.8, 3.0, 3.4, 4.0, 4.4, 4.2, 3.2, 2.0]
)
NEW_ARRIVAL_WINDOW_DAYS = 14
N_PROPOSALS = 3
MAX_STEP_PROBABILITY = 0.95


def simulate_browsing(
    config: SimulationConfig,
    catalog: CatalogTable,
    tastes: TasteTable,
    affinity: AffinityModel,
    rng: np.random.Generator,
) -> EventColumns:
    """Views, clicks, carts and purchases of every human shopper over the period."""
    session_users, session_starts, session_lengths = _draw_sessions(config, tastes, rng)
    session_of_view = np.repeat(np.arange(len(session_users)), session_lengths)
    users = session_users[session_of_view]
    times = _view_times(session_starts, session_lengths, rng)

    # The session's main sub-category, or a fresh draw from the shopper's interests.
    cumulative = np.cumsum(tastes.sub_weights, axis=1)
    focus = draw_rows(cumulative, session_users, rng.random(len(session_users)))
    fresh = draw_rows(cumulative, users, rng.random(len(users)))
    in_focus = rng.random(len(users)) < config.focus_share
    subs = np.where(in_focus, focus[session_of_view], fresh)

    items = _choose_items(config, users, subs, times, catalog, affinity, rng)
    views = EventColumns.of(users, items, InteractionType.VIEW, times)
    logger.debug("drew sessions=%d views=%d", len(session_users), len(views))
    return _run_funnel(config, views, catalog, affinity, rng)


def _draw_sessions(
    config: SimulationConfig, tastes: TasteTable, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The user, start time (whole seconds) and number of views of every session."""
    humans = np.flatnonzero(~tastes.is_bot)
    counts = rng.poisson(tastes.sessions_per_week[humans] * config.days / 7.0)
    users = np.repeat(humans, counts)

    n = len(users)
    days = rng.integers(0, config.days, n)
    hours = rng.choice(24, size=n, p=HOURLY_WEIGHTS / HOURLY_WEIGHTS.sum())
    seconds = np.floor(rng.uniform(0.0, 3600.0, n))
    starts = config.start_timestamp + days * SECONDS_PER_DAY + hours * 3600.0 + seconds
    lengths = rng.geometric(1.0 / config.views_per_session, n)
    return users, starts, lengths


def _view_times(starts: np.ndarray, lengths: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Whole-second time of every view: the session start, then about 30 s between views."""
    n_views = int(lengths.sum())
    first = np.cumsum(lengths) - lengths
    gaps = np.ceil(rng.lognormal(np.log(30.0), 0.8, n_views))
    gaps[first] = 0.0

    # A running sum over all views, restarted at each session's first view.
    elapsed = np.cumsum(gaps)
    session_of_view = np.repeat(np.arange(len(starts)), lengths)
    return np.asarray(starts[session_of_view] + elapsed - elapsed[first][session_of_view])


def _choose_items(
    config: SimulationConfig,
    users: np.ndarray,
    subs: np.ndarray,
    times: np.ndarray,
    catalog: CatalogTable,
    affinity: AffinityModel,
    rng: np.random.Generator,
) -> np.ndarray:
    """The item of every view: from the tastes, or a popular item, or a new arrival."""
    by_sub = GroupedSampler(catalog.subs, catalog.created_at, catalog.popularity, n_groups=N_SUBS)
    items = _best_of_proposals(by_sub, users, subs, times, affinity, rng)

    source = rng.random(len(users))
    popular = source < config.popular_share
    newest = ~popular & (source < config.popular_share + config.new_arrival_share)

    # Popular items of the whole shop, among those released by then.
    everything = GroupedSampler(
        np.zeros(len(catalog), dtype=np.int64), catalog.created_at, catalog.popularity, n_groups=1
    )
    items[popular] = everything.sample(
        np.zeros(int(popular.sum()), dtype=np.int64),
        rng.random(int(popular.sum())),
        until=times[popular],
    )

    # New arrivals of the view's sub-category; views with none keep their taste item.
    since = times[newest] - NEW_ARRIVAL_WINDOW_DAYS * SECONDS_PER_DAY
    arrivals = by_sub.sample(
        subs[newest], rng.random(int(newest.sum())), until=times[newest], since=since
    )
    items[newest] = np.where(arrivals >= 0, arrivals, items[newest])
    return items


def _best_of_proposals(
    sampler: GroupedSampler,
    users: np.ndarray,
    subs: np.ndarray,
    times: np.ndarray,
    affinity: AffinityModel,
    rng: np.random.Generator,
) -> np.ndarray:
    """Per view, the best of a few popular items of its sub-category by brand and price."""
    n = len(users)
    proposals = sampler.sample(
        np.tile(subs, N_PROPOSALS), rng.random(n * N_PROPOSALS), until=np.tile(times, N_PROPOSALS)
    )
    tiled_users = np.tile(users, N_PROPOSALS)
    appeal = 1.5 * affinity.brand_match(tiled_users, proposals)
    appeal += 1.5 * affinity.price_match(tiled_users, proposals)
    appeal += rng.gumbel(size=n * N_PROPOSALS)

    best = np.argmax(appeal.reshape(N_PROPOSALS, n), axis=0)
    return np.asarray(proposals.reshape(N_PROPOSALS, n)[best, np.arange(n)])


def _run_funnel(
    config: SimulationConfig,
    views: EventColumns,
    catalog: CatalogTable,
    affinity: AffinityModel,
    rng: np.random.Generator,
) -> EventColumns:
    """Views and the clicks, carts and purchases that follow some of them."""
    match = affinity.score(views.users, views.items).astype(np.float64)
    price = affinity.price_match(views.users, views.items)

    # Clicks favour relevant items strongly (squared affinity).
    clicked = rng.random(len(views)) < _calibrated(match**2, config.click_rate)
    clicks = _follow(views.select(clicked), InteractionType.CLICK, 5.0, rng)
    match, price = match[clicked], price[clicked]

    # Carting also needs stock and a fitting price.
    cart_weight = (0.2 + match) * (0.5 + price) * catalog.in_stock[clicks.items]
    carted = rng.random(len(clicks)) < _calibrated(cart_weight, config.cart_rate)
    carts = _follow(clicks.select(carted), InteractionType.ADD_TO_CART, 45.0, rng)

    bought = rng.random(len(carts)) < _calibrated(0.5 + price[carted], config.purchase_rate)
    purchases = _follow(carts.select(bought), InteractionType.PURCHASE, 120.0, rng)
    purchases = purchases.select(_first_purchases(purchases, len(catalog)))
    return EventColumns.concat([views, clicks, carts, purchases])


def _calibrated(weights: np.ndarray, rate: float) -> np.ndarray:
    """Per-event probabilities proportional to ``weights`` whose mean is about ``rate``."""
    mean = float(weights.mean()) if len(weights) else 0.0
    if mean <= 0:
        return np.zeros(len(weights))
    return np.clip(rate * weights / mean, 0.0, MAX_STEP_PROBABILITY)


def _follow(
    events: EventColumns,
    interaction_type: InteractionType,
    median_seconds: float,
    rng: np.random.Generator,
) -> EventColumns:
    """The next funnel step of ``events``, a little later."""
    times = later(events.timestamps, median_seconds, rng)
    return EventColumns.of(events.users, events.items, interaction_type, times)


def _first_purchases(purchases: EventColumns, n_items: int) -> np.ndarray:
    """bool mask keeping each shopper's first purchase of each item."""
    keys = purchases.users * n_items + purchases.items
    order = np.argsort(purchases.timestamps, kind="stable")
    _, first = np.unique(keys[order], return_index=True)
    keep = np.zeros(len(purchases), dtype=bool)
    keep[order[first]] = True
    return keep
