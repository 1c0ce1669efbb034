"""The shopper summary, from the profile or from the history."""

from __future__ import annotations

import numpy as np

from shopfront.homepage.bundle import ModelBundle
from shopfront.homepage.catalog import CatalogStats
from shopfront.homepage.shopper import ShopperSummary
from shopfront.prep.snapshot import History


def test_history_summary_finds_the_interest_and_its_evidence(shop_bundle: ModelBundle) -> None:
    snapshot = shop_bundle.snapshot
    stats = CatalogStats.from_snapshot(snapshot)
    category = int(stats.top_order[0])
    viewed, bought = stats.top_members[category][:2].tolist()
    history = History(np.array([viewed, bought]), np.array([1, 4], np.int8), np.array([0.0, 1.0]))
    summary = ShopperSummary.build(history, stats)

    assert summary.interests[0].top_code == category
    assert summary.interests[0].evidence == bought and summary.interests[0].verb == "bought"
    assert summary.category_affinity.sum() == np.float32(1.0)
    assert summary.n_events == 2 and summary.n_session_events == 2 and summary.last_item == bought


def test_profile_summary_agrees_on_the_top_interest(shop_bundle: ModelBundle) -> None:
    snapshot = shop_bundle.snapshot
    stats = CatalogStats.from_snapshot(snapshot)
    history = snapshot.history(7)
    profile = shop_bundle.profiles.build(history, now=snapshot.reference_time)
    summary = ShopperSummary.build(history, stats, profile=profile)

    assert summary.interests[0].name == profile.top_categories(1)[0]
    assert np.isfinite(summary.price_percentile)


def test_new_shopper_summary_is_empty(shop_bundle: ModelBundle) -> None:
    summary = ShopperSummary.build(
        History.empty(), CatalogStats.from_snapshot(shop_bundle.snapshot)
    )

    assert summary.is_new and summary.interests == () and summary.last_item == -1
    assert not summary.category_affinity.any() and np.isnan(summary.price_percentile)
