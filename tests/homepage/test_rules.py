"""Business rules: merging configured and request rules, compiling them to masks."""

from __future__ import annotations

import numpy as np
import pytest
from pydantic import ValidationError

from shopfront.homepage.catalog import CatalogStats
from shopfront.homepage.rules import PageRules
from shopfront.prep.snapshot import Snapshot


def test_request_rules_narrow_the_configured_ones() -> None:
    shop = PageRules(exclude_items=("a",), min_price=5.0, max_price=100.0, boost_items={"x": 0.1})
    request = PageRules(exclude_items=("b",), max_price=50.0, boost_items={"x": 0.3})
    merged = shop.merged(request)

    assert merged.exclude_items == ("a", "b")
    assert (merged.min_price, merged.max_price) == (5.0, 50.0)
    assert merged.boost_items == {"x": 0.3}
    assert shop.merged(None) is shop


def test_empty_price_range_is_rejected() -> None:
    with pytest.raises(ValidationError, match="min_price must be <= max_price"):
        PageRules(min_price=10.0, max_price=5.0)


def test_compiled_rules_mask_excluded_items_categories_and_prices(tiny_snapshot: Snapshot) -> None:
    stats = CatalogStats.from_snapshot(tiny_snapshot)
    rules = PageRules(
        exclude_items=("i0", "unknown"),
        exclude_categories=("Home",),
        pin_items=("i3", "i0", "i40"),
        boost_categories={"Beauty > Lipstick": 0.5},
        max_price=20.0,
    )
    compiled = rules.compile(stats)

    allowed = set(stats.item_index.to_ids(np.flatnonzero(compiled.allowed)))
    assert allowed == {f"i{i}" for i in range(1, 16)}
    assert stats.item_index.to_ids(compiled.pins) == ["i3"]
    assert compiled.boost[stats.item_index.index("i5")] == pytest.approx(0.5)
    assert compiled.has_boost


def test_category_prefix_does_not_match_a_longer_name(tiny_snapshot: Snapshot) -> None:
    stats = CatalogStats.from_snapshot(tiny_snapshot)

    assert len(stats.items_under("Beauty")) == 30
    assert len(stats.items_under("Beaut")) == 0
    assert len(stats.items_under("Beauty > Lipstick")) == 30
