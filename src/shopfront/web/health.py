"""Data health for the dashboard: events per type per day, shoppers, coverage, rejections.

The daily window ends at the newest stored event rather than at the wall
clock, and starts at the oldest event or ``days`` days earlier, whichever is
later: an imported or simulated shop from the past still shows its data, and a
day without any event inside the window shows as a gap (an ingest outage shows).
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from typing import Any

from shopfront.store import queries
from shopfront.store.records import INTERACTION_LABELS, InteractionType
from shopfront.store.store import Store

SECONDS_PER_DAY = queries.SECONDS_PER_DAY
ACTIVE_WINDOW_DAYS = 7
KNOWN_TYPES = frozenset(int(t) for t in InteractionType)


@dataclass(frozen=True)
class DataHealth:
    """What the data-health page shows.

    Attributes:
        days: ISO dates of the daily window, oldest first.
        events_by_type: Per interaction type label, the events of each day of ``days``.
        active_by_day: Distinct shoppers with an event on each day of ``days``.
        totals_by_type: Events per type over the whole store.
        n_events: Stored events.
        n_shoppers: Shoppers with at least one event.
        active_shoppers: Shoppers with an event in the last ``ACTIVE_WINDOW_DAYS`` days of data.
        n_items: Catalog items.
        items_with_events: Catalog items with at least one event.
        items_shown: Catalog items shown on at least one logged homepage.
        last_event_at: Timestamp of the newest event (``None`` without events).
        ingest: Ingest outcomes counted since the service started (accepted,
            duplicate, rejected); empty when the service keeps no metrics.
    """

    days: list[str]
    events_by_type: dict[str, list[int]]
    active_by_day: list[int]
    totals_by_type: dict[str, int]
    n_events: int
    n_shoppers: int
    active_shoppers: int
    n_items: int
    items_with_events: int
    items_shown: int
    last_event_at: float | None
    ingest: dict[str, int] = field(default_factory=dict)

    @property
    def coverage(self) -> float:
        """Share of the catalog with any event."""
        return self.items_with_events / self.n_items if self.n_items else 0.0

    @property
    def shown_coverage(self) -> float:
        """Share of the catalog shown on a logged homepage."""
        return self.items_shown / self.n_items if self.n_items else 0.0

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form, shares included."""
        return {
            **asdict(self),
            "types": list(self.events_by_type),
            "coverage": round(self.coverage, 4),
            "shown_coverage": round(self.shown_coverage, 4),
        }


def data_health(store: Store, *, metrics: Any = None, days: int = 90) -> DataHealth:
    """Collect the data-health figures of ``store``.

    Args:
        store: The shop's store.
        metrics: The service's :class:`~shopfront.api.metrics.ServiceMetrics`, for the
            ingest outcomes; ``None`` leaves them out.
        days: Most days in the daily window.
    """
    span = queries.event_time_range(store)
    first, last = span if span else (time.time(), time.time())
    last_day = int(last // SECONDS_PER_DAY)
    first_day = max(int(first // SECONDS_PER_DAY), last_day - days + 1)
    day_numbers = list(range(first_day, last_day + 1))
    since = float(first_day * SECONDS_PER_DAY)

    # Daily series, zero-filled so every chart has one point a day.
    position = {day: i for i, day in enumerate(day_numbers)}
    by_type = {label: [0] * len(day_numbers) for label in INTERACTION_LABELS}
    totals = dict.fromkeys(INTERACTION_LABELS, 0)
    for day, kind, count in queries.daily_event_counts(store, since=since):
        if day in position and kind in KNOWN_TYPES:
            by_type[InteractionType(kind).label][position[day]] += count
    active = [0] * len(day_numbers)
    for day, count in queries.daily_active_users(store, since=since):
        if day in position:
            active[position[day]] = count

    totals.update(_totals_by_type(store))
    active_since = (span[1] if span else time.time()) - ACTIVE_WINDOW_DAYS * SECONDS_PER_DAY
    return DataHealth(
        days=[time.strftime("%Y-%m-%d", time.gmtime(d * SECONDS_PER_DAY)) for d in day_numbers],
        events_by_type=by_type,
        active_by_day=active,
        totals_by_type=totals,
        n_events=sum(totals.values()),
        n_shoppers=queries.count_active_users(store),
        active_shoppers=queries.count_active_users(store, since=active_since),
        n_items=store.count_items(),
        items_with_events=queries.count_items_with_events(store),
        items_shown=queries.count_items_shown(store),
        last_event_at=span[1] if span else None,
        ingest=ingest_outcomes(metrics),
    )


def ingest_outcomes(metrics: Any) -> dict[str, int]:
    """Accepted, duplicate and rejected events counted by the service's Prometheus counter."""
    registry = getattr(metrics, "registry", None)
    if registry is None:
        return {}
    outcomes = {}
    for outcome in ("accepted", "duplicate", "rejected"):
        value = registry.get_sample_value("shopfront_events_total", {"outcome": outcome})
        outcomes[outcome] = int(value or 0)
    return outcomes


def _totals_by_type(store: Store) -> dict[str, int]:
    """Events per type label over all time."""
    counts = queries.event_type_counts(store)
    return {t.label: counts[int(t)] for t in InteractionType if int(t) in counts}
