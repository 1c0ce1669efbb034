"""The names the homepage and ranking packages export."""

from __future__ import annotations

import shopfront.homepage as homepage
import shopfront.homepage.ranking as ranking
import shopfront.homepage.sections as sections


def test_every_exported_name_exists() -> None:
    for module in (homepage, ranking, sections):
        assert sorted(module.__all__) == sorted(set(module.__all__))
        for name in module.__all__:
            assert getattr(module, name) is not None


def test_section_catalog_covers_the_issue() -> None:
    assert set(sections.SECTION_BUILDERS) == {
        "recommended",
        "because_viewed",
        "top_picks",
        "trending",
        "new_for_you",
        "buy_again",
        "complete_purchase",
        "bought_together",
    }
