"""Property-based checks of the page invariants (issue #5).

Whatever the shopper's history, the request's rules and the page shape: no
product twice, every rule holds, sizes are respected, scores never rise along a
row, positions count from 1, and every product has a reason.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from shopfront.homepage.catalog import DAY
from shopfront.homepage.composer import HomepageComposer
from shopfront.homepage.page import Homepage, PageConfig
from shopfront.homepage.rules import PageRules
from shopfront.prep.snapshot import History

N_ITEMS = 200
PRICES = st.none() | st.floats(min_value=0, max_value=150, allow_nan=False)


@st.composite
def histories(draw: st.DrawFn) -> tuple[list[int], list[int], list[float]]:
    """Up to ten events over the last month, oldest first."""
    n = draw(st.integers(0, 10))
    items = draw(st.lists(st.integers(0, N_ITEMS - 1), min_size=n, max_size=n))
    types = draw(st.lists(st.integers(1, 4), min_size=n, max_size=n))
    ages = sorted(draw(st.lists(st.floats(0, 30), min_size=n, max_size=n)), reverse=True)
    return items, types, ages


@st.composite
def rules(draw: st.DrawFn, item_ids: list[str], categories: list[str]) -> PageRules:
    """Request rules over the shop's ids and categories."""
    low, high = sorted([draw(PRICES) or 0.0, draw(PRICES) or 1e9])
    return PageRules(
        in_stock_only=draw(st.booleans()),
        exclude_items=tuple(draw(st.lists(st.sampled_from(item_ids), max_size=30))),
        exclude_categories=tuple(draw(st.lists(st.sampled_from(categories), max_size=2))),
        pin_items=tuple(draw(st.lists(st.sampled_from(item_ids), max_size=3, unique=True))),
        boost_items=draw(st.dictionaries(st.sampled_from(item_ids), st.floats(0, 1), max_size=5)),
        min_price=low if draw(st.booleans()) else None,
        max_price=high if draw(st.booleans()) else None,
    )


def check_invariants(page: Homepage, composer: HomepageComposer, config: PageConfig,
                     request: PageRules, history: History) -> None:  # fmt: skip
    stats = composer.resources.stats
    ids = page.item_ids()
    assert len(ids) == len(set(ids))
    assert len(page.sections) <= config.n_sections

    seen = set(history.item_indices.tolist())
    merged = composer.rules.merged(request)
    excluded_categories = [stats.items_under(c) for c in merged.exclude_categories]
    forbidden = set(np.concatenate([np.zeros(0, np.int64), *excluded_categories]).tolist())
    for section in page.sections:
        assert 1 <= len(section.items) <= config.n_items
        scores = [item.score for item in section.items]
        assert all(a >= b for a, b in zip(scores, scores[1:], strict=False))
        assert [item.position for item in section.items] == list(range(1, len(scores) + 1))
        for item in section.items:
            index = stats.item_index.index(item.item_id)
            assert item.reason.strip()
            assert item.item_id not in merged.exclude_items
            assert index not in forbidden
            assert stats.in_stock[index] or not merged.in_stock_only
            assert not stats.prices[index] < (merged.min_price or 0.0)
            assert not stats.prices[index] > (merged.max_price or np.inf)
            if section.kind not in {"buy_again", "complete_purchase"} and item.reason != (
                "Featured by the shop"
            ):
                assert index not in seen


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_page_invariants_hold(composer: HomepageComposer, data: st.DataObject) -> None:
    stats = composer.resources.stats
    item_ids = [stats.item_index.id(i) for i in range(stats.n_items)]
    request = data.draw(rules(item_ids, list(stats.top_names) + list(stats.path_names[:5])))
    config = PageConfig(
        n_sections=data.draw(st.integers(1, 8)),
        n_items=data.draw(st.integers(1, 12)),
        mmr_lambda=data.draw(st.floats(0, 1)),
    )
    items, types, ages = data.draw(histories())
    now = stats.reference_time
    history = History(
        np.asarray(items, dtype=np.int64),
        np.asarray(types, dtype=np.int8),
        now - np.asarray(ages, dtype=np.float64) * DAY,
    )

    page = composer.compose("shopper", history, page=config, rules=request)

    check_invariants(page, composer, config, request, history)
    if page.sections:
        compiled = composer.rules.merged(request).compile(stats)
        pinned = [stats.item_index.id(int(i)) for i in compiled.pins[: config.n_items]]
        assert [item.item_id for item in page.sections[0].items[: len(pinned)]] == pinned
