"""Incremental refits of the bandit give what a refit from scratch gives."""

from __future__ import annotations

import numpy as np

from shopfront.feedback.bandit import ThompsonOrderPolicy
from shopfront.feedback.impressions import ImpressionLogger
from shopfront.feedback.journal import DecisionJournal, RecordingPolicy
from shopfront.feedback.learning import BanditLearner
from shopfront.homepage.policy import OrderContext, SectionCandidate
from shopfront.store.records import Interaction, InteractionType
from shopfront.store.store import Store
from tests.feedback.conftest import T0, make_page

HOUR = 3600.0
CANDIDATES = [
    SectionCandidate("recommended", "recommended", 0.8),
    SectionCandidate("trending", "trending", 0.3),
]


def serve_pages(store: Store, n: int) -> None:
    """Pages every hour; the top product of every third page is clicked."""
    journal = DecisionJournal()
    policy = RecordingPolicy(ThompsonOrderPolicy(), journal)
    logger = ImpressionLogger(store.engine, journal=journal)
    clicks = []
    for i in range(n):
        context = OrderContext(user_id=f"u{i % 5}", request_id=f"p{i}", n_events=3)
        order = policy.order(CANDIDATES, context)
        rows = {section_id: [f"sku-{2 * r}", f"sku-{2 * r + 1}"] for r, section_id in
                enumerate(order.section_ids)}  # fmt: skip
        logger.log(make_page(f"p{i}", f"u{i % 5}", rows), served_at=T0 + i * HOUR)
        if i % 3 == 0:
            clicks.append(
                Interaction(
                    f"c{i}",
                    f"u{i % 5}",
                    "sku-0",
                    InteractionType.CLICK,
                    T0 + i * HOUR + 60,
                    f"p{i}",
                )
            )
    logger.flush()
    store.insert_interactions(clicks)


def test_incremental_refits_match_a_refit_from_scratch(store: Store) -> None:
    serve_pages(store, 48)
    incremental = BanditLearner(
        ThompsonOrderPolicy(), store.engine, window_s=2 * HOUR, lookback_s=30 * HOUR
    )
    for hour in (10, 20, 30, 40, 49):
        incremental.refit(T0 + hour * HOUR)
    scratch = BanditLearner(
        ThompsonOrderPolicy(), store.engine, window_s=2 * HOUR, lookback_s=30 * HOUR
    )
    scratch.refit(T0 + 49 * HOUR)

    learned, expected = incremental.bandit.state, scratch.bandit.state
    assert (
        set(learned.clicks)
        == set(expected.clicks)
        == {
            ("returning", "recommended#0"),
            ("returning", "trending#0"),
        }
    )
    for arm in expected.clicks:
        assert np.array_equal(learned.clicks[arm], expected.clicks[arm])
        assert np.array_equal(learned.shown[arm], expected.shown[arm])
    assert sum(float(s.sum()) for s in expected.shown.values()) == 2 * 29  # pages 19 to 47
