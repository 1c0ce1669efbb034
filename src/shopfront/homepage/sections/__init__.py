"""The section catalog: every kind of row a homepage can hold.

Each kind has a builder that drafts its rows for a shopper
(:class:`~shopfront.homepage.sections.draft.SectionDraft`); ``SECTION_BUILDERS``
lists them under their kind. The order here is only the tie-break order of the
default policy; which sections appear and where is decided per shopper by the
section order policy.
"""

from shopfront.homepage.sections.browse import top_picks, trending_now
from shopfront.homepage.sections.draft import SectionBuilder, SectionDraft
from shopfront.homepage.sections.personal import (
    because_you_viewed,
    new_for_you,
    recommended_for_you,
)
from shopfront.homepage.sections.purchases import (
    buy_it_again,
    complete_your_purchase,
    frequently_bought_together,
)

SECTION_BUILDERS: dict[str, SectionBuilder] = {
    "complete_purchase": complete_your_purchase,
    "recommended": recommended_for_you,
    "because_viewed": because_you_viewed,
    "buy_again": buy_it_again,
    "bought_together": frequently_bought_together,
    "top_picks": top_picks,
    "new_for_you": new_for_you,
    "trending": trending_now,
}

__all__ = [
    "SECTION_BUILDERS",
    "SectionBuilder",
    "SectionDraft",
    "because_you_viewed",
    "buy_it_again",
    "complete_your_purchase",
    "frequently_bought_together",
    "new_for_you",
    "recommended_for_you",
    "top_picks",
    "trending_now",
]
