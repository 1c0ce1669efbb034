"""Catalog statistics computed once per snapshot."""

from __future__ import annotations

import numpy as np

from shopfront.homepage.catalog import CatalogStats
from shopfront.prep.snapshot import Snapshot


def test_members_are_sorted_by_popularity(shop_snapshot: Snapshot) -> None:
    stats = CatalogStats.from_snapshot(shop_snapshot)

    for code, members in enumerate(stats.top_members):
        assert np.all(stats.top_codes[members] == code)
        assert np.all(np.diff(stats.popularity[members]) <= 0)
    assert sum(len(m) for m in stats.top_members) == int((stats.top_codes >= 0).sum())


def test_orders_and_percentiles(shop_snapshot: Snapshot) -> None:
    stats = CatalogStats.from_snapshot(shop_snapshot)

    assert np.all(np.diff(stats.popularity[stats.popular_order]) <= 0)
    assert stats.has_clock
    priced = np.isfinite(stats.price_percentile)
    assert np.all((stats.price_percentile[priced] > 0) & (stats.price_percentile[priced] < 1))
    assert stats.recent_users.max() >= 1


def test_position_only_data_has_no_clock(tiny_snapshot: Snapshot) -> None:
    stats = CatalogStats.from_snapshot(tiny_snapshot)

    assert not stats.has_clock
    assert np.all(np.isnan(stats.age_days))
    assert stats.top_code("Home") >= 0 and stats.top_code("Garden") == -1
