"""Data health: zero-filled daily series, coverage and ingest outcomes."""

from __future__ import annotations

from shopfront.api.metrics import ServiceMetrics
from shopfront.store.records import Interaction, InteractionType
from shopfront.store.store import Store
from shopfront.web.health import data_health, ingest_outcomes
from tests.store.test_queries import small_store


def test_series_cover_every_day_from_the_first_event() -> None:
    health = data_health(small_store())

    assert health.days == ["1970-01-11", "1970-01-12"]
    assert health.events_by_type["view"] == [1, 2]
    assert health.events_by_type["purchase"] == [1, 0]
    assert health.active_by_day == [1, 1]
    assert health.totals_by_type == {"view": 3, "click": 0, "add_to_cart": 0, "purchase": 1}


def test_the_window_ends_at_the_newest_event_and_keeps_gaps() -> None:
    store = small_store()
    late = 30 * 86_400.0
    store.insert_interactions([Interaction("late", "u3", "c", InteractionType.CLICK, late)])

    health = data_health(store, days=4)

    assert health.days == ["1970-01-28", "1970-01-29", "1970-01-30", "1970-01-31"]
    assert health.events_by_type["click"] == [0, 0, 0, 1]
    assert health.totals_by_type["view"] == 3  # totals count every day
    assert health.active_shoppers == 1  # active in the 7 days before the newest event


def test_coverage_and_shoppers() -> None:
    health = data_health(small_store())

    assert (health.n_items, health.items_with_events) == (3, 2)
    assert round(health.coverage, 3) == 0.667
    assert health.shown_coverage == 0.0
    assert health.n_shoppers == health.active_shoppers == 2
    assert health.as_dict()["types"] == ["view", "click", "add_to_cart", "purchase"]


def test_an_empty_store_has_healthy_zeros() -> None:
    health = data_health(Store("sqlite://"))

    assert health.n_events == 0 and health.coverage == 0.0 and health.last_event_at is None
    assert len(health.days) == 1 and health.active_by_day == [0]


def test_ingest_outcomes_come_from_the_prometheus_counter() -> None:
    metrics = ServiceMetrics()
    metrics.events.labels("rejected").inc(3)
    metrics.events.labels("accepted").inc(10)

    assert ingest_outcomes(metrics) == {"accepted": 10, "duplicate": 0, "rejected": 3}
    assert ingest_outcomes(None) == {}
