"""Rows that browse the shop for the shopper: Top picks in <category>, Trending now."""

from __future__ import annotations

import numpy as np

from shopfront.homepage.context import ShopperContext
from shopfront.homepage.reasons import popularity_reason, short
from shopfront.homepage.sections.draft import SectionDraft, first_usable, pool_size
from shopfront.homepage.shopper import Interest

MAX_CATEGORIES = 3
PERSONAL_WEIGHT = 0.5


def top_picks(context: ShopperContext, n: int) -> list[SectionDraft]:
    """The most popular items of each top interest, nudged by the shopper's personal scores.

    Interests come from the profile (or the history); a new shopper gets the
    shop's favourite categories instead.
    """
    interests = list(context.shopper.interests[:MAX_CATEGORIES])
    if not interests:
        stats = context.stats
        interests = [
            Interest(int(code), stats.top_names[int(code)], 0.0)
            for code in stats.top_order[:MAX_CATEGORIES]
        ]
    return [d for rank, i in enumerate(interests) if (d := _category_row(context, i, rank, n))]


def trending_now(context: ShopperContext, n: int) -> list[SectionDraft]:
    """What is rising across the shop (short half-life popularity)."""
    stats = context.stats
    items = first_usable(stats.trending_order, context.usable, pool_size(n))
    if len(items) == 0:
        return []
    return [
        SectionDraft(
            id="trending",
            kind="trending",
            title="Trending now",
            reason="rising across the shop",
            item_indices=items,
            scores=stats.trend[items],
            explain=lambda chosen: [popularity_reason(context, int(i)) for i in chosen],
            engagement=0.6 if context.shopper.is_new else 0.3,
        )
    ]


def _category_row(
    context: ShopperContext, interest: Interest, rank: int, n: int
) -> SectionDraft | None:
    """One *Top picks* row, or ``None`` when the category has too few usable items."""
    stats = context.stats
    members = stats.top_members[interest.top_code]
    items = first_usable(members, context.usable, 2 * pool_size(n))
    if len(items) < 3:
        return None
    scores = _rank_scores(len(items))
    personal = context.scores.personal() if not context.shopper.is_new else None
    if personal is not None:
        scores = scores + PERSONAL_WEIGHT * _rank_scores(len(items), personal[1][items])
    order = np.argsort(-scores, kind="stable")[: pool_size(n)]
    reason = _interest_reason(context, interest)
    followed = interest.affinity > 0
    return SectionDraft(
        id=f"top_picks:{interest.name}",
        kind="top_picks",
        title=f"Top picks in {interest.name}",
        reason=f"interest in {interest.name}" if followed else f"popular category {interest.name}",
        item_indices=items[order],
        scores=scores[order].astype(np.float32),
        explain=lambda chosen: [reason] * len(chosen),
        engagement=(0.4 + 0.45 * interest.affinity) if followed else 0.3 - 0.02 * rank,
    )


def _rank_scores(n: int, values: np.ndarray | None = None) -> np.ndarray:
    """Scores in ``(0, 1]`` from positions (or from the order of ``values``), best 1."""
    if values is None:
        return 1.0 / np.sqrt(np.arange(1, n + 1, dtype=np.float64))
    ranks = np.empty(n, dtype=np.float64)
    ranks[np.argsort(-values, kind="stable")] = np.arange(1, n + 1)
    return 1.0 / np.sqrt(ranks)


def _interest_reason(context: ShopperContext, interest: Interest) -> str:
    """Why a top pick: the interest and the history item that shows it."""
    if interest.affinity <= 0:
        return f"One of the most popular items in {interest.name}"
    if interest.evidence < 0:
        return f"Popular in {interest.name}, one of your interests"
    name = short(context.stats.titles[interest.evidence])
    return f"Popular in {interest.name}, where you {interest.verb} {name}"
