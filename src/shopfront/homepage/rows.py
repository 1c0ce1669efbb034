"""Finishing one row: de-duplicate, apply boosts and pins, diversify, cut to size.

Walking the rows top to bottom, the composer hands each draft to
:func:`finish_row` with the items already placed higher on the page. Scores are
scaled to ``[0, 1]`` within the row, boosts from the rules are added, and MMR
picks the row in order; the MMR objective becomes the displayed score, so
scores never rise along a row. Pinned items go first, above every other score.
"""

from __future__ import annotations

import numpy as np

from shopfront.homepage.context import ShopperContext
from shopfront.homepage.diversity import mmr
from shopfront.homepage.page import PageConfig, PageItem, Section
from shopfront.homepage.sections.draft import SectionDraft

PIN_REASON = "Featured by the shop"
PIN_STEP = 0.01


def finish_row(
    draft: SectionDraft,
    context: ShopperContext,
    placed: np.ndarray,
    page: PageConfig,
    pins: np.ndarray,
) -> Section | None:
    """The finished section, or ``None`` when fewer than the draft's ``min_items`` remain.

    Args:
        draft: The row's candidates.
        context: The request.
        placed: bool (n_items,) items already on the page; updated in place.
        page: The page's shape and diversity knob.
        pins: int64 pinned items to put first (all allowed by the rules).
    """
    pins = pins[~placed[pins]][: page.n_items]
    items, relevance = _candidates(draft, context, placed, pins, page.n_items)
    n_free = max(page.n_items - len(pins), 0)
    if draft.diversify and page.mmr_lambda < 1.0:
        resources = context.resources
        embeddings = resources.embeddings[items] if resources.embeddings is not None else None
        categories = context.stats.path_codes[items]
        picks, values = mmr(
            relevance, n_free, mmr_lambda=page.mmr_lambda, categories=categories,
            embeddings=embeddings,
        )  # fmt: skip
    else:
        picks = np.arange(min(n_free, len(items)), dtype=np.int64)
        values = relevance[picks].astype(np.float32)
    chosen = items[picks]
    if len(chosen) + len(pins) < min(draft.min_items, page.n_items):
        return None

    top = float(values[0]) if len(values) else 1.0
    pin_scores = top + PIN_STEP * np.arange(len(pins), 0, -1)
    all_items = np.concatenate([pins, chosen]).astype(np.int64)
    all_scores = np.concatenate([pin_scores, values]).astype(np.float32)
    reasons = [PIN_REASON] * len(pins) + draft.explain(chosen)
    placed[all_items] = True
    return Section(
        id=draft.id,
        title=draft.title,
        reason=draft.reason,
        items=_page_items(context, all_items, all_scores, reasons),
        kind=draft.kind,
        anchor_item_id=None if draft.anchor is None else context.stats.item_index.id(draft.anchor),
    )


def _candidates(
    draft: SectionDraft, context: ShopperContext, placed: np.ndarray, pins: np.ndarray, n: int
) -> tuple[np.ndarray, np.ndarray]:
    """The row's pool, best first, with relevance scaled to [0, 1] plus boosts."""
    allowed = context.rules.allowed if draft.own_items else context.usable
    items, scores = draft.item_indices, np.asarray(draft.scores, dtype=np.float64)
    keep = allowed[items] & ~placed[items] & np.isfinite(scores)
    if len(pins):
        keep &= ~np.isin(items, pins)
    items, scores = items[keep], scores[keep]
    if len(items) == 0:
        return items, scores.astype(np.float32)

    # Scale within the row so that boosts mean the same in every row.
    low, high = float(scores.min()), float(scores.max())
    relevance = (scores - low) / (high - low) if high > low else np.ones_like(scores)
    if context.rules.has_boost:
        relevance = relevance + context.rules.boost[items]
    order = np.argsort(-relevance, kind="stable")[: 3 * n]
    return items[order], relevance[order].astype(np.float32)


def _page_items(
    context: ShopperContext, items: np.ndarray, scores: np.ndarray, reasons: list[str]
) -> list[PageItem]:
    """Page items with ids, titles and 1-based positions."""
    stats = context.stats
    return [
        PageItem(
            item_id=stats.item_index.id(item),
            title=stats.titles[item],
            score=score,
            reason=reason,
            position=position,
        )
        for position, (item, score, reason) in enumerate(
            zip(items.tolist(), scores.tolist(), reasons, strict=True), start=1
        )
    ]
