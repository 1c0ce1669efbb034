"""Section builders: each proposes one titled row of candidates for a shopper.

A builder returns a :class:`SectionDraft` (ordered candidates with reasons) or
``None`` when it has nothing honest to say for this shopper (no history for
*Because you viewed*, no interests for *Top picks*). The composer then removes
duplicates across rows and cuts each to size.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from shopfront.models.base import CandidateGenerator
from shopfront.prep.snapshot import History, Snapshot
from shopfront.store.records import InteractionType


@dataclass(frozen=True, slots=True)
class SectionDraft:
    """Candidates for one row, best first, before de-duplication.

    Attributes:
        id: Stable section id (e.g. ``"because_viewed"``), used in metrics.
        title: Row title for display.
        reason: Why the row is on the page.
        item_indices: int64 candidate item indices, best first.
        scores: float32 scores aligned with ``item_indices``.
        item_reasons: One reason per candidate.
    """

    id: str
    title: str
    reason: str
    item_indices: np.ndarray
    scores: np.ndarray
    item_reasons: list[str]


@dataclass(frozen=True, slots=True)
class ShopperContext:
    """What the section builders know about one shopper at request time."""

    history: History
    snapshot: Snapshot
    models: dict[str, CandidateGenerator]
    excluded: np.ndarray
    top_categories: list[str]


SectionBuilder = Callable[[ShopperContext, int], "SectionDraft | None"]

PERSONAL_MODELS = ("sequential", "als", "cooccurrence")


def recommended_for_you(context: ShopperContext, n: int) -> SectionDraft | None:
    """The best personal model's top items, for a shopper with a history."""
    if len(context.history) == 0:
        return None
    name = next((m for m in PERSONAL_MODELS if m in context.models), None)
    if name is None:
        return None
    found = _recommend(context, name, n)
    reasons = ["Picked for you from what you browsed and bought"] * len(found[0])
    return SectionDraft("recommended", "Recommended for you", f"personal ranking ({name})", *found, reasons)


def because_you_viewed(context: ShopperContext, n: int) -> SectionDraft | None:
    """Items like the one the shopper looked at last."""
    model = context.models.get("cooccurrence")
    if model is None or len(context.history) == 0:
        return None
    anchor = int(context.history.item_indices[-1])
    similar = model.similar_items(anchor, n * 3)
    keep = ~np.isin(similar.item_indices, context.excluded)
    title = context.snapshot.item_titles[anchor] or context.snapshot.items.id(anchor)
    reasons = [f"Shoppers who viewed {title} also viewed this"] * int(keep.sum())
    return SectionDraft(
        "because_viewed",
        f"Because you viewed {title}",
        f"similar to {context.snapshot.items.id(anchor)}",
        similar.item_indices[keep],
        similar.scores[keep],
        reasons,
    )


def top_picks_in_category(context: ShopperContext, n: int, rank: int = 0) -> SectionDraft | None:
    """Popular items of the shopper's ``rank``-th top category."""
    if len(context.top_categories) <= rank or "popularity" not in context.models:
        return None
    category = context.top_categories[rank]
    in_category = np.flatnonzero(
        np.array([c == category or c.startswith(category + " >") for c in context.snapshot.item_categories])
    )
    candidates = np.setdiff1d(in_category, context.excluded)
    if len(candidates) == 0:
        return None
    found = context.models["popularity"].recommend(context.history, n * 3, candidates=candidates)
    reasons = [f"Popular in {category}, which you like"] * len(found)
    return SectionDraft(
        f"top_picks:{category}",
        f"Top picks in {category}",
        f"interest in {category}",
        found.item_indices,
        found.scores,
        reasons,
    )


def trending_now(context: ShopperContext, n: int) -> SectionDraft | None:
    """What is rising this week across the shop."""
    name = "trending" if "trending" in context.models else "popularity"
    if name not in context.models:
        return None
    found = _recommend(context, name, n)
    reasons = ["Trending with shoppers this week"] * len(found[0])
    return SectionDraft("trending", "Trending now", "rising across the shop", *found, reasons)


def _recommend(context: ShopperContext, name: str, n: int) -> tuple[np.ndarray, np.ndarray]:
    found = context.models[name].recommend(context.history, n * 3, exclude_seen=False)
    keep = ~np.isin(found.item_indices, context.excluded)
    return found.item_indices[keep], found.scores[keep]


def top_categories_of(history: History, snapshot: Snapshot, n: int = 3) -> list[str]:
    """The shopper's top-level categories, weighted by intent and recency."""
    weights: dict[str, float] = {}
    for position, (item, kind) in enumerate(zip(history.item_indices, history.types, strict=True)):
        category = snapshot.item_categories[int(item)].split(">")[0].strip()
        if category:
            recency = 0.9 ** (len(history) - 1 - position)
            weights[category] = weights.get(category, 0.0) + float(kind) * recency
    return [c for c, _ in sorted(weights.items(), key=lambda kv: -kv[1])][:n]


def purchased(history: History) -> np.ndarray:
    """Items the shopper already bought (left off the page)."""
    return np.unique(history.item_indices[history.types == int(InteractionType.PURCHASE)])
