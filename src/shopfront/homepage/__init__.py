"""The homepage stage: from a shopper's history to a whole page of titled rows.

``composer`` orchestrates; ``sections`` drafts the rows; ``rows`` finishes them
(de-duplication, rules, diversity); ``policy`` orders them; ``rules`` holds the
business rules; ``ranking`` merges the candidate generators; ``bundle`` and
``service`` load and serve the models.
"""

from shopfront.homepage.composer import HomepageComposer
from shopfront.homepage.page import Homepage, PageConfig, PageItem, Section
from shopfront.homepage.policy import (
    EngagementOrderPolicy,
    OrderContext,
    SectionCandidate,
    SectionOrder,
    SectionOrderPolicy,
)
from shopfront.homepage.rules import CompiledRules, PageRules

__all__ = [
    "CompiledRules",
    "EngagementOrderPolicy",
    "Homepage",
    "HomepageComposer",
    "OrderContext",
    "PageConfig",
    "PageItem",
    "PageRules",
    "Section",
    "SectionCandidate",
    "SectionOrder",
    "SectionOrderPolicy",
]
