"""Recency, frequency and monetary figures."""

from __future__ import annotations

import numpy as np

from shopfront.profiles.activity import activity_of
from shopfront.profiles.profile import Activity


def test_sessions_recency_and_purchase_value() -> None:
    day = 86_400.0
    types = np.array([1, 2, 4, 1, 4], dtype=np.int8)
    times = np.array([0.0, 60.0, 120.0, day, day + 600.0])
    prices = np.array([5.0, 5.0, 5.0, 7.0, np.nan])

    activity = activity_of(types, times, prices, now=3 * day, session_gap_s=1800.0)

    assert activity.n_sessions == 2
    assert activity.recency_days == (3 * day - (day + 600.0)) / day
    assert (activity.n_events, activity.n_purchases, activity.purchase_value) == (5, 2, 5.0)
    assert activity.events_by_type == {"view": 2, "click": 1, "purchase": 2}


def test_no_events_give_empty_figures() -> None:
    empty = np.zeros(0)

    assert activity_of(empty, empty, empty, now=0.0, session_gap_s=1.0) == Activity()
