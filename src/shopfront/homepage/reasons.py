"""Reasons in words: every product on the page says why, naming its evidence.

A reason is true: it names an item of the shopper's history that the model
links to the product (the neighbour found by co-occurrence, or the closest item
by embedding), or an interest of the shopper, or a fact of the shop (how many
shoppers looked at it lately). :func:`personal_reasons` explains the rows of
personal models; the other builders word their own reasons with the helpers
here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

from shopfront.store.records import InteractionType

if TYPE_CHECKING:
    from shopfront.homepage.context import ShopperContext

MAX_TITLE = 60
EVIDENCE_EVENTS = 10
MIN_COSINE = 0.3

VERBS: dict[int, str] = {
    int(InteractionType.VIEW): "viewed",
    int(InteractionType.CLICK): "viewed",
    int(InteractionType.ADD_TO_CART): "added to your cart",
    int(InteractionType.PURCHASE): "bought",
}
OTHERS_VERBS: dict[int, str] = {
    int(InteractionType.VIEW): "viewed",
    int(InteractionType.CLICK): "viewed",
    int(InteractionType.ADD_TO_CART): "carted",
    int(InteractionType.PURCHASE): "bought",
}


def short(title: str, n: int = MAX_TITLE) -> str:
    """A title cut to ``n`` characters with an ellipsis."""
    return title if len(title) <= n else title[: n - 1].rstrip() + "…"


def verb(event_type: int) -> str:
    """What the shopper did, in words (``"viewed"``, ``"bought"``)."""
    return VERBS.get(int(event_type), "viewed")


def days_phrase(days: float) -> str:
    """``"today"``, ``"yesterday"`` or ``"12 days ago"``."""
    whole = int(days)
    if whole <= 0:
        return "today"
    return "yesterday" if whole == 1 else f"{whole} days ago"


def recent_evidence(
    context: ShopperContext, n: int = EVIDENCE_EVENTS
) -> tuple[np.ndarray, np.ndarray]:
    """The shopper's latest distinct items (latest first) and their strongest event type."""
    items = np.asarray(context.history.item_indices, dtype=np.int64)[::-1]
    types = np.asarray(context.history.types, dtype=np.int64)[::-1]
    unique, first = np.unique(items, return_index=True)
    order = np.sort(first)[:n]
    strongest = np.zeros(len(unique), dtype=np.int64)
    np.maximum.at(strongest, np.searchsorted(unique, items), types)
    chosen = items[order]
    return chosen, strongest[np.searchsorted(unique, chosen)]


def personal_reasons(context: ShopperContext, item_indices: np.ndarray) -> list[str]:
    """One reason per item of a personal row, naming the history item behind it."""
    evidence, types = recent_evidence(context)
    titles = context.stats.titles
    linked = _cooccurrence_links(context, evidence, item_indices)
    closest = _embedding_links(context, evidence, item_indices)
    reasons = []
    for column, item in enumerate(item_indices.tolist()):
        if linked is not None and linked[:, column].max() > 0:
            j = int(np.argmax(linked[:, column]))
            name = short(titles[int(evidence[j])])
            reasons.append(f"Shoppers who {OTHERS_VERBS.get(int(types[j]), 'viewed')} {name} "
                           "also chose this")  # fmt: skip
        elif closest is not None and closest[:, column].max() >= MIN_COSINE:
            j = int(np.argmax(closest[:, column]))
            name = short(titles[int(evidence[j])])
            reasons.append(f"Similar to {name}, which you {verb(int(types[j]))}")
        else:
            reasons.append(interest_reason(context, item))
    return reasons


def interest_reason(context: ShopperContext, item_index: int) -> str:
    """A reason from the shopper's interest in the item's category, else from popularity."""
    stats = context.stats
    code = int(stats.top_codes[item_index])
    if code >= 0 and context.shopper.category_affinity[code] > 0:
        return f"Matches your interest in {stats.top_names[code]}"
    brand = int(stats.brand_codes[item_index])
    if brand >= 0 and context.shopper.brand_affinity[brand] > 0:
        return f"From {stats.brand_names[brand]}, a brand you like"
    return popularity_reason(context, item_index)


def popularity_reason(context: ShopperContext, item_index: int) -> str:
    """How many shoppers touched the item lately (or at all, for data without a clock)."""
    stats = context.stats
    recent = int(stats.recent_users[item_index])
    if recent >= 2 and stats.has_clock:
        return f"{recent} shoppers looked at it in the last {stats.trend_window_days:g} days"
    if recent >= 2:
        return f"Chosen by {recent} shoppers"
    code = int(stats.top_codes[item_index])
    return f"Picked from {stats.top_names[code]}" if code >= 0 else "Picked from the catalog"


def _cooccurrence_links(
    context: ShopperContext, evidence: np.ndarray, item_indices: np.ndarray
) -> np.ndarray | None:
    """float32 (E, C) co-occurrence similarity of evidence items to the row's items."""
    model = context.resources.models.get("cooccurrence")
    similarity = getattr(model, "similarity_", None)
    if not isinstance(similarity, sp.csr_matrix) or len(evidence) == 0 or len(item_indices) == 0:
        return None

    # A few short CSR rows: reading them directly beats sparse fancy indexing.
    columns = np.full(similarity.shape[1], -1, dtype=np.int64)
    columns[item_indices] = np.arange(len(item_indices))
    links = np.zeros((len(evidence), len(item_indices)), dtype=np.float32)
    for row, item in enumerate(evidence.tolist()):
        start, stop = similarity.indptr[item], similarity.indptr[item + 1]
        found = columns[similarity.indices[start:stop]]
        hit = found >= 0
        links[row, found[hit]] = similarity.data[start:stop][hit]
    return links


def _embedding_links(
    context: ShopperContext, evidence: np.ndarray, item_indices: np.ndarray
) -> np.ndarray | None:
    """float32 (E, C) cosine of evidence items to the row's items, when embeddings exist."""
    embeddings = context.resources.embeddings
    if embeddings is None or len(evidence) == 0 or len(item_indices) == 0:
        return None
    return np.asarray(embeddings[evidence] @ embeddings[item_indices].T, dtype=np.float32)
