"""The composer end to end on the tiny simulated shop (issue #5)."""

from __future__ import annotations

import numpy as np
import pytest

from shopfront.homepage.bundle import ModelBundle
from shopfront.homepage.composer import HomepageComposer
from shopfront.homepage.page import Homepage, PageConfig
from shopfront.homepage.rules import PageRules
from shopfront.prep.snapshot import History
from shopfront.store.records import InteractionType
from tests.homepage.conftest import session_history


def rows(page: Homepage) -> dict[str, list[str]]:
    return {section.id: [item.item_id for item in section.items] for section in page.sections}


def test_known_shopper_gets_a_ranked_personal_page(
    composer: HomepageComposer, shop_bundle: ModelBundle
) -> None:
    history = shop_bundle.snapshot.history(0)
    page = composer.compose("u0", history)

    assert page.sections[0].id in {"recommended", "because_viewed", "complete_purchase"}
    assert "recommended" in rows(page)
    assert len(page.item_ids()) == len(set(page.item_ids()))
    assert page.ordering is not None and page.ordering.propensity == 1.0
    seen = set(shop_bundle.snapshot.items.to_ids(history.item_indices))
    discovery = [s for s in page.sections if s.kind not in {"complete_purchase", "buy_again"}]
    assert not seen & {item.item_id for s in discovery for item in s.items}


def test_new_shopper_gets_shop_wide_rows(composer: HomepageComposer) -> None:
    page = composer.compose("newcomer", History.empty())

    kinds = [section.kind for section in page.sections]
    assert kinds[0] == "trending"
    assert "top_picks" in kinds
    assert "recommended" not in kinds and "because_viewed" not in kinds


def test_two_views_change_the_page_within_the_session(
    composer: HomepageComposer, shop_bundle: ModelBundle
) -> None:
    stats = composer.resources.stats
    category = int(stats.top_order[-1])  # the shop's least popular category
    viewed = stats.top_members[category][:2].tolist()
    now = shop_bundle.snapshot.reference_time
    before = composer.compose("s1", History.empty())
    after = composer.compose("s1", session_history(viewed, now, InteractionType.VIEW))

    name = stats.top_names[category]
    assert f"top_picks:{name}" in rows(after)
    assert f"top_picks:{name}" not in rows(before)
    assert after.sections[0].kind in {"recommended", "because_viewed", "top_picks"}
    titled = next(s for s in after.sections if s.kind == "because_viewed")
    assert stats.titles[viewed[-1]] in titled.title


def test_reasons_name_the_evidence_or_interest(
    composer: HomepageComposer, shop_bundle: ModelBundle
) -> None:
    history = shop_bundle.snapshot.history(3)
    page = composer.compose("u3", history)
    stats = composer.resources.stats
    history_titles = {stats.titles[i] for i in history.item_indices.tolist()}
    interests = {stats.top_names[c] for c in stats.top_codes[history.item_indices] if c >= 0}

    for section in page.sections:
        for item in section.items:
            assert item.reason
            if section.kind == "top_picks":
                assert any(name in item.reason for name in interests)
            if section.kind == "because_viewed":
                assert any(title[:40] in section.title for title in history_titles)


def test_page_shape_follows_the_config(
    composer: HomepageComposer, shop_bundle: ModelBundle
) -> None:
    page = composer.compose("u1", shop_bundle.snapshot.history(1), page=PageConfig(2, 4))

    assert len(page.sections) == 2
    assert all(len(section.items) <= 4 for section in page.sections)


def test_request_rules_exclude_a_category_and_a_price_range(
    composer: HomepageComposer, shop_bundle: ModelBundle
) -> None:
    stats = composer.resources.stats
    name = stats.top_names[int(stats.top_order[0])]
    rules = PageRules(exclude_categories=(name,), max_price=40.0)
    page = composer.compose("u2", shop_bundle.snapshot.history(2), rules=rules)

    for item_id in page.item_ids():
        index = stats.item_index.index(item_id)
        assert stats.top_names[stats.top_codes[index]] != name
        assert not stats.prices[index] > 40.0


def test_pinned_items_lead_the_first_row(composer: HomepageComposer) -> None:
    stats = composer.resources.stats
    pinned = [stats.item_index.id(int(i)) for i in np.flatnonzero(stats.in_stock)[-2:]]
    page = composer.compose("new", History.empty(), rules=PageRules(pin_items=tuple(pinned)))

    first = page.sections[0].items
    assert [item.item_id for item in first[:2]] == pinned
    assert first[0].reason == "Featured by the shop"


def test_degrades_without_profiles_or_ranker(shop_bundle: ModelBundle) -> None:
    bare = ModelBundle("bare", shop_bundle.snapshot, shop_bundle.models)
    page = HomepageComposer(bare).compose("u4", shop_bundle.snapshot.history(4))

    assert "recommended" in rows(page)
    assert len(page.item_ids()) == len(set(page.item_ids()))


def test_unknown_section_kind_is_rejected(shop_bundle: ModelBundle) -> None:
    with pytest.raises(ValueError, match="sections must be among"):
        HomepageComposer(shop_bundle, sections=["recommended", "bestsellers"])


def test_old_call_form_still_works(composer: HomepageComposer) -> None:
    page = composer.compose("u", History.empty(), page=PageConfig(), request_id="r1", degraded=True)

    assert page.request_id == "r1" and page.degraded


def test_one_view_already_personalizes_a_new_shoppers_page(
    composer: HomepageComposer, shop_bundle: ModelBundle
) -> None:
    stats = composer.resources.stats
    item = int(stats.popular_order[0])
    now = shop_bundle.snapshot.reference_time
    page = composer.compose("s2", session_history([item], now, InteractionType.VIEW))

    kinds = [section.kind for section in page.sections]
    assert {"recommended", "because_viewed"} <= set(kinds)
    assert kinds.index("recommended") < kinds.index("trending")
    assert stats.item_index.id(item) not in page.item_ids()


def test_new_arrivals_row_names_the_interest(
    composer: HomepageComposer, shop_bundle: ModelBundle
) -> None:
    assert len(composer.resources.new_arrivals) > 0
    page = composer.compose("u6", shop_bundle.snapshot.history(6), page=PageConfig(20, 5))

    fresh = next(s for s in page.sections if s.kind == "new_for_you")
    ages = composer.resources.stats.age_days
    for item in fresh.items:
        assert item.reason.startswith("New")
        assert ages[composer.resources.stats.item_index.index(item.item_id)] <= 30
