"""Rows driven by the shopper's own history: Recommended for you, Because you viewed, New."""

from __future__ import annotations

import numpy as np

from shopfront.homepage.context import ShopperContext
from shopfront.homepage.ranking.features import best_items, featurize
from shopfront.homepage.reasons import personal_reasons, recent_evidence, short, verb
from shopfront.homepage.sections.draft import Explainer, SectionDraft, constant_reason, pool_size
from shopfront.store.records import InteractionType

MAX_ANCHORS = 2
NEW_ARRIVAL_COSINE = 0.3


def recommended_for_you(context: ShopperContext, n: int) -> list[SectionDraft]:
    """The ranker's merge of all generators (or the best personal model), for a known shopper."""
    if context.shopper.is_new:
        return []
    usable = context.usable
    ranker = context.resources.ranker
    if ranker is not None:
        rows = [_row(context, name) for name in ranker.generators]
        candidates, features = featurize(
            rows, usable, context.stats, context.shopper, pool_size=ranker.pool_size
        )
        scores = ranker.score(features)
        order = np.argsort(-scores, kind="stable")[: pool_size(n)]
        items, values = candidates[order], scores[order]
    else:
        personal = context.scores.personal()
        if personal is None:
            return []
        items = best_items(personal[1], usable, pool_size(n))
        values = personal[1][items]
    engagement = 0.5 + 0.4 * min(1.0, context.shopper.n_events / 10)
    return [
        SectionDraft(
            id="recommended",
            kind="recommended",
            title="Recommended for you",
            reason="picked from what you viewed and bought",
            item_indices=items,
            scores=values.astype(np.float32),
            explain=lambda chosen: personal_reasons(context, chosen),
            engagement=engagement,
        )
    ]


def because_you_viewed(context: ShopperContext, n: int) -> list[SectionDraft]:
    """Items like the shopper's latest distinct items, one row per anchor item.

    Anchors are the latest items the shopper looked at without buying; bought
    items anchor only when there are no others (they also feed *Frequently
    bought together*).
    """
    evidence, types = recent_evidence(context)
    browsed = types < int(InteractionType.PURCHASE)
    order = np.concatenate([np.flatnonzero(browsed), np.flatnonzero(~browsed)])
    evidence, types = evidence[order][: MAX_ANCHORS * 2], types[order][: MAX_ANCHORS * 2]
    usable = context.usable
    drafts: list[SectionDraft] = []
    for anchor, kind in zip(evidence.tolist(), types.tolist(), strict=True):
        similar = context.resources.similar(anchor)
        keep = usable[similar.item_indices]
        if keep.sum() < 3:
            continue
        name = short(context.stats.titles[anchor])
        in_session = len(drafts) == 0 and context.shopper.n_session_events > 0
        drafts.append(
            SectionDraft(
                id="because_viewed" if not drafts else f"because_viewed:{len(drafts) + 1}",
                kind="because_viewed",
                title=_because_title(kind, name),
                reason=f"similar to {name}",
                item_indices=similar.item_indices[keep],
                scores=similar.scores[keep],
                explain=_similar_reason(similar.source, name),
                engagement=(0.85 if in_session else 0.6) * (0.85 ** len(drafts)),
                anchor=anchor,
            )
        )
        if len(drafts) == MAX_ANCHORS:
            break
    return drafts


def new_for_you(context: ShopperContext, n: int) -> list[SectionDraft]:
    """Recent arrivals, ordered by likeness to the history or by category and brand affinity."""
    arrivals = context.resources.new_arrivals
    items = arrivals[context.usable[arrivals]]
    if len(items) < 3:
        return []
    stats, shopper = context.stats, context.shopper
    tops, brands = stats.top_codes[items], stats.brand_codes[items]
    category = np.where(tops >= 0, shopper.category_affinity[tops.clip(0)], 0.0)
    brand = np.where(brands >= 0, shopper.brand_affinity[brands.clip(0)], 0.0)
    freshness = 1.0 / (1.0 + np.nan_to_num(stats.age_days[items], nan=30.0))
    scores = category + 0.5 * brand + 0.1 * freshness + 0.01 * stats.popularity[items]

    # Likeness by content, when the bundle has the content model and the shopper a history.
    likeness = _content_likeness(context, items)
    if likeness is not None:
        scores = scores + likeness.max(axis=0)
    order = np.argsort(-scores, kind="stable")[: pool_size(n)]
    personal = bool(category.max() > 0 or brand.max() > 0 or likeness is not None)
    return [
        SectionDraft(
            id="new_for_you",
            kind="new_for_you",
            title="New for you",
            reason="new arrivals matched to your interests",
            item_indices=items[order],
            scores=scores[order].astype(np.float32),
            explain=lambda chosen: _new_reasons(context, chosen),
            engagement=0.5 if personal else 0.3,
        )
    ]


def _row(context: ShopperContext, name: str) -> np.ndarray:
    row = context.scores.row(name)
    if row is None:
        raise KeyError(f"generator {name!r} of the ranker is not in the bundle")
    return row


def _because_title(kind: int, name: str) -> str:
    if kind == int(InteractionType.ADD_TO_CART):
        return f"Because you added {name} to your cart"
    return f"Because you {verb(kind)} {name}"


def _similar_reason(source: str, name: str) -> Explainer:
    """Reasons of a similar-items row, worded by the model that linked the items."""
    if source == "cooccurrence":
        return constant_reason(f"Shoppers interested in {name} also chose this")
    if source == "content":
        return constant_reason(f"Similar to {name}")
    return constant_reason(f"Often liked together with {name}")


def _content_likeness(context: ShopperContext, items: np.ndarray) -> np.ndarray | None:
    """float32 (E, C) cosine of the shopper's latest items to ``items`` by content embedding."""
    model = context.resources.models.get("content")
    embeddings = getattr(model, "text_embeddings_", None)
    if not isinstance(embeddings, np.ndarray) or context.shopper.is_new:
        return None
    evidence, _ = recent_evidence(context)
    return np.asarray(embeddings[evidence] @ embeddings[items].T, dtype=np.float32)


def _new_reasons(context: ShopperContext, items: np.ndarray) -> list[str]:
    """Why each new arrival: the history item it resembles, the interest, or its category."""
    stats, shopper = context.stats, context.shopper
    likeness = _content_likeness(context, items)
    evidence, types = recent_evidence(context)
    reasons = []
    for column, item in enumerate(items.tolist()):
        top, brand = int(stats.top_codes[item]), int(stats.brand_codes[item])
        if likeness is not None and likeness[:, column].max() >= NEW_ARRIVAL_COSINE:
            j = int(np.argmax(likeness[:, column]))
            name = short(stats.titles[int(evidence[j])])
            reasons.append(f"New, and like {name}, which you {verb(int(types[j]))}")
        elif top >= 0 and shopper.category_affinity[top] > 0:
            reasons.append(f"New in {stats.top_names[top]}, one of your interests")
        elif brand >= 0 and shopper.brand_affinity[brand] > 0:
            reasons.append(f"New from {stats.brand_names[brand]}, a brand you like")
        elif top >= 0:
            reasons.append(f"New arrival in {stats.top_names[top]}")
        else:
            reasons.append("New arrival")
    return reasons
