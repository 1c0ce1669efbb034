"""Rows about what the shopper buys: Buy it again, Complete your purchase, Bought together."""

from __future__ import annotations

import numpy as np

from shopfront.homepage.context import ShopperContext
from shopfront.homepage.reasons import days_phrase, short
from shopfront.homepage.sections.draft import SectionDraft, pool_size
from shopfront.store.records import InteractionType

MAX_ANCHORS = 3
ANCHOR_WEIGHTS = (1.0, 0.7, 0.5)
RECENT_PURCHASE_DAYS = 7.0


def buy_it_again(context: ShopperContext, n: int) -> list[SectionDraft]:
    """Consumables the shopper bought whose usual interval has (nearly) run out."""
    due = context.resources.repurchase.due(context.history, now=context.now)
    keep = context.rules.allowed[due.item_indices]
    if not keep.any():
        return []
    items = due.item_indices[keep]
    reasons = {
        int(item): f"You bought it {days_phrase(days)}; it usually lasts about {interval:.0f} days"
        for item, days, interval in zip(
            items, due.days_since[keep], due.interval_days[keep], strict=True
        )
    }
    return [
        SectionDraft(
            id="buy_again",
            kind="buy_again",
            title="Buy it again",
            reason="consumables you may be running out of",
            item_indices=items,
            scores=due.scores[keep],
            explain=lambda chosen: [reasons[int(i)] for i in chosen],
            engagement=0.9 * float(due.scores[keep].max()),
            diversify=False,
            own_items=True,
            min_items=1,
        )
    ]


def complete_your_purchase(context: ShopperContext, n: int) -> list[SectionDraft]:
    """Items in the cart that were not bought, latest first."""
    carted = context.carted[context.rules.allowed[context.carted]]
    if len(carted) == 0:
        return []
    history = context.history
    added = {
        int(item): float(time)
        for item, time, kind in zip(
            history.item_indices, history.timestamps, history.types, strict=True
        )
        if kind == int(InteractionType.ADD_TO_CART)
    }
    return [
        SectionDraft(
            id="complete_purchase",
            kind="complete_purchase",
            title="Complete your purchase",
            reason="in your cart, not bought yet",
            item_indices=carted,
            scores=(1.0 - 0.01 * np.arange(len(carted))).astype(np.float32),
            explain=lambda chosen: [
                f"You added it to your cart {days_phrase(context.days_ago(added[int(i)]))}"
                for i in chosen
            ],
            engagement=0.95,
            diversify=False,
            own_items=True,
            min_items=1,
        )
    ]


def frequently_bought_together(context: ShopperContext, n: int) -> list[SectionDraft]:
    """Items co-purchased with the shopper's latest purchases."""
    anchors, latest = _latest_purchases(context)
    if len(anchors) == 0:
        return []
    n_items = context.stats.n_items
    scores = np.zeros(n_items, dtype=np.float32)
    best_anchor = np.full(n_items, -1, dtype=np.int64)
    best = np.zeros(n_items, dtype=np.float32)
    for anchor, weight in zip(anchors.tolist(), ANCHOR_WEIGHTS, strict=False):
        items, values = context.resources.copurchases.neighbours(anchor)
        contribution = weight * values
        scores[items] += contribution
        stronger = contribution > best[items]
        best[items[stronger]] = contribution[stronger]
        best_anchor[items[stronger]] = anchor

    candidates = np.flatnonzero((scores > 0) & context.usable)
    if len(candidates) < 3:
        return []
    order = candidates[np.argsort(-scores[candidates], kind="stable")][: pool_size(n)]
    titles = context.stats.titles
    recent = context.days_ago(latest) <= RECENT_PURCHASE_DAYS
    return [
        SectionDraft(
            id="bought_together",
            kind="bought_together",
            title="Frequently bought together",
            reason="goes with what you bought",
            item_indices=order,
            scores=scores[order],
            explain=lambda chosen: [
                f"Often bought together with {short(titles[int(best_anchor[i])])}" for i in chosen
            ],
            engagement=0.75 if recent else 0.5,
        )
    ]


def _latest_purchases(context: ShopperContext) -> tuple[np.ndarray, float]:
    """Up to three distinct items bought last (latest first) and the latest purchase time."""
    history = context.history
    bought = np.flatnonzero(history.types == int(InteractionType.PURCHASE))[::-1]
    if len(bought) == 0:
        return np.zeros(0, dtype=np.int64), -np.inf
    items = np.asarray(history.item_indices[bought], dtype=np.int64)
    _, first = np.unique(items, return_index=True)
    anchors = items[np.sort(first)][:MAX_ANCHORS]
    return anchors, float(history.timestamps[bought[0]])
