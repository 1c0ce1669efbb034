"""The composer: from a shopper's history to a whole homepage.

Sections are drafted by the builders of :mod:`shopfront.homepage.sections`, in
an order that depends on what is known of the shopper; then, walking the rows
top to bottom, every product already placed higher up or excluded (bought, out
of stock) is dropped, so no product appears twice on a page.
"""

from __future__ import annotations

import uuid
from functools import partial

import numpy as np

from shopfront.homepage.bundle import ModelBundle
from shopfront.homepage.page import Homepage, PageConfig, PageItem, Section
from shopfront.homepage.sections import (
    SectionBuilder,
    SectionDraft,
    ShopperContext,
    because_you_viewed,
    purchased,
    recommended_for_you,
    top_categories_of,
    top_picks_in_category,
    trending_now,
)
from shopfront.prep.snapshot import History

MIN_ITEMS_PER_SECTION = 3


class HomepageComposer:
    """Composes homepages from one model bundle.

    Args:
        bundle: The live model bundle.
    """

    def __init__(self, bundle: ModelBundle) -> None:
        self.bundle = bundle
        snapshot = bundle.snapshot
        self._out_of_stock = np.flatnonzero(~snapshot.item_in_stock)
        self._shop_categories = _popular_categories(bundle)

    def compose(
        self,
        user_id: str,
        history: History,
        *,
        page: PageConfig | None = None,
        request_id: str | None = None,
        degraded: bool = False,
    ) -> Homepage:
        """The homepage of one shopper for one page view."""
        page = page or PageConfig()
        context = self._context(history)
        sections: list[Section] = []
        placed: set[int] = set()
        for builder in self._builders(context):
            draft = builder(context, page.n_items)
            if draft is None:
                continue
            section = _finish(draft, placed, page.n_items, self.bundle)
            if section is not None:
                sections.append(section)
            if len(sections) == page.n_sections:
                break
        return Homepage(
            request_id=request_id or uuid.uuid4().hex,
            user_id=user_id,
            model_version=self.bundle.version,
            degraded=degraded,
            sections=sections,
        )

    def _context(self, history: History) -> ShopperContext:
        snapshot = self.bundle.snapshot
        top = top_categories_of(history, snapshot) if len(history) else []
        # Fill up with the shop's favourite categories so new shoppers get topical rows too.
        top += [c for c in self._shop_categories if c not in top]
        excluded = np.union1d(purchased(history), self._out_of_stock)
        return ShopperContext(history, snapshot, self.bundle.models, excluded, top)

    def _builders(self, context: ShopperContext) -> list[SectionBuilder]:
        if len(context.history) == 0:
            return [
                trending_now,
                partial(top_picks_in_category, rank=0),
                partial(top_picks_in_category, rank=1),
                partial(top_picks_in_category, rank=2),
            ]
        return [
            recommended_for_you,
            because_you_viewed,
            partial(top_picks_in_category, rank=0),
            trending_now,
            partial(top_picks_in_category, rank=1),
        ]


def _finish(draft: SectionDraft, placed: set[int], n: int, bundle: ModelBundle) -> Section | None:
    """Drop items placed higher up, cut to ``n``, and attach titles; ``None`` if too short."""
    items: list[PageItem] = []
    for item_index, score, reason in zip(
        draft.item_indices.tolist(), draft.scores.tolist(), draft.item_reasons, strict=True
    ):
        if item_index in placed or not np.isfinite(score):
            continue
        placed.add(item_index)
        snapshot = bundle.snapshot
        items.append(
            PageItem(
                item_id=snapshot.items.id(item_index),
                title=snapshot.item_titles[item_index],
                score=float(score),
                reason=reason,
                position=len(items) + 1,
            )
        )
        if len(items) == n:
            break
    if len(items) < MIN_ITEMS_PER_SECTION:
        for item in items:
            placed.discard(bundle.snapshot.items.index(item.item_id))
        return None
    return Section(draft.id, draft.title, draft.reason, items)


def _popular_categories(bundle: ModelBundle, n: int = 5) -> list[str]:
    """The shop's top-level categories by number of interactions."""
    snapshot = bundle.snapshot
    counts = snapshot.item_counts()
    totals: dict[str, int] = {}
    for category, count in zip(snapshot.item_categories, counts.tolist(), strict=True):
        top = category.split(">")[0].strip()
        if top:
            totals[top] = totals.get(top, 0) + count
    return [c for c, _ in sorted(totals.items(), key=lambda kv: -kv[1])][:n]
