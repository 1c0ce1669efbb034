"""Impression logging, attribution of events to impressions, and online metrics."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from shopfront.feedback.attribution import attribute
from shopfront.feedback.impressions import ImpressionLogger
from shopfront.feedback.online import online_metrics, summarize
from shopfront.feedback.tables import page_views
from shopfront.store import schema
from shopfront.store.records import Interaction, InteractionType
from shopfront.store.store import Store
from tests.feedback.conftest import T0, make_page

CLICK, CART, BUY = InteractionType.CLICK, InteractionType.ADD_TO_CART, InteractionType.PURCHASE


def log_pages(store: Store) -> None:
    """Two page views of u1 (a day apart) and one of u2, in two arms."""
    logger = ImpressionLogger(store.engine)
    arm_a = {"experiment_id": "exp", "arm": "A"}
    arm_b = {"experiment_id": "exp", "arm": "B"}
    rows = {"recommended": ["sku-1", "sku-2"], "trending": ["sku-3", "sku-4"]}
    logger.log(make_page("r1", "u1", rows, experiment=arm_a), served_at=T0)
    logger.log(make_page("r2", "u2", rows, experiment=arm_b, propensity=0.5), served_at=T0 + 10)
    logger.log(make_page("r3", "u1", rows, experiment=arm_a), served_at=T0 + 86_400 + 5)
    logger.flush()


def event(
    n: int, user: str, item: str, kind: InteractionType, at: float, request: str | None = None
) -> Interaction:
    return Interaction(f"e{n}", user, item, kind, T0 + at, request_id=request)


def test_logger_writes_pages_and_impressions_once(store: Store) -> None:
    log_pages(store)
    with store.engine.connect() as connection:
        impressions = connection.execute(select(schema.impressions)).mappings().all()
        pages = connection.execute(select(page_views)).mappings().all()
    assert len(impressions) == 12 and len(pages) == 3
    row = next(r for r in impressions if r["request_id"] == "r2" and r["item_id"] == "sku-3")
    assert (row["section_id"], row["position"], row["section_position"]) == ("trending", 1, 2)
    assert (row["arm"], row["propensity"], row["model_version"]) == ("exp:B", 0.5, "v1")
    assert json.loads(pages[0]["ordering"])["rows"] == ["recommended", "trending"]

    # Logging the same page again changes nothing.
    logger = ImpressionLogger(store.engine)
    logger.log(make_page("r1", "u1", {"recommended": ["sku-1"]}), served_at=T0)
    logger.flush()
    with store.engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(page_views)).scalar() == 3


def test_events_are_attributed_by_request_id_then_by_window(store: Store) -> None:
    log_pages(store)
    store.insert_interactions(
        [
            event(1, "u1", "sku-1", CLICK, 30, "r1"),  # exact: request id
            event(2, "u1", "sku-1", CART, 60),  # window: latest impression of sku-1 to u1
            event(3, "u1", "sku-1", BUY, 90),
            event(4, "u2", "sku-4", CLICK, 40),  # window, no request id
            event(5, "u2", "sku-9", CLICK, 50),  # never shown: not attributed
            event(6, "u1", "sku-2", CLICK, 86_400 + 30),  # after the second page of u1
            event(7, "u2", "sku-3", CLICK, 5 * 86_400),  # outside the window
        ]
    )
    frame = attribute(store.engine, window_s=3600)
    by_key = {
        (r, i): (c, k, p, v)
        for r, i, c, k, p, v in zip(
            frame.request_ids, frame.item_ids, frame.clicks, frame.carts, frame.purchases,
            frame.revenue, strict=True,
        )
    }  # fmt: skip
    assert by_key[("r1", "sku-1")] == (1, 1, 1, 11.0)
    assert by_key[("r2", "sku-4")] == (1, 0, 0, 0.0)
    assert by_key[("r3", "sku-2")] == (1, 0, 0, 0.0)
    assert by_key[("r1", "sku-2")] == (0, 0, 0, 0.0)
    assert by_key[("r2", "sku-3")] == (0, 0, 0, 0.0)
    assert int(frame.clicks.sum()) == 3


def test_online_metrics_by_arm_and_day(store: Store) -> None:
    log_pages(store)
    store.insert_interactions(
        [event(1, "u1", "sku-1", CLICK, 30, "r1"), event(2, "u1", "sku-1", BUY, 90)]
    )
    rows = {tuple(r.group.values()): r for r in online_metrics(store.engine, group_by=["arm"])}
    a, b = rows[("exp:A",)], rows[("exp:B",)]
    assert (a.page_views, a.impressions, a.clicks, a.purchases) == (2, 8, 1, 1)
    assert a.ctr == pytest.approx(1 / 8)
    assert a.conversion == pytest.approx(0.5)
    assert a.revenue_per_page_view == pytest.approx(11.0 / 2)
    assert (b.page_views, b.clicks, b.ctr) == (1, 0, 0.0)

    days = online_metrics(store.engine, group_by=["day"])
    assert [row.page_views for row in days] == [2, 1]
    sections = online_metrics(store.engine, group_by=["section", "slot"])
    assert {tuple(r.group.values()) for r in sections} == {("recommended", 1), ("trending", 2)}


def test_time_range_and_unknown_grouping(store: Store) -> None:
    log_pages(store)
    assert len(online_metrics(store.engine, group_by=[], since=T0 + 86_400)) == 1
    assert summarize(attribute(store.engine, until=T0 - 1), ["day"]) == []
    with pytest.raises(ValueError, match="group_by"):
        online_metrics(store.engine, group_by=["colour"])
    with pytest.raises(ValueError, match="window_s"):
        attribute(store.engine, window_s=-1)
