"""The draft of a section: candidates for one row, best first, with their reasons.

A section builder turns a :class:`~shopfront.homepage.context.ShopperContext`
into drafts (none when it has nothing honest to say for this shopper). The
composer then orders the drafts, drops items placed higher on the page, applies
boosts and diversity, and cuts each row to size.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from shopfront.homepage.context import ShopperContext

Explainer = Callable[[np.ndarray], list[str]]
"""Reasons for the chosen items of a row, one per item index."""


@dataclass(frozen=True, slots=True)
class SectionDraft:
    """Candidates for one row, before de-duplication.

    Attributes:
        id: Stable section id (``"top_picks:Home"``), used in metrics and by policies.
        kind: Section type (``"top_picks"``).
        title: Row title for display.
        reason: Why the row is on the page.
        item_indices: int64 (C,) candidates, best first.
        scores: float32 (C,) scores, non-increasing.
        explain: Reasons of the chosen items.
        engagement: Expected engagement of the shopper with the row, in ``[0, 1]``.
        diversify: Whether the row is reordered for variety (not for a cart).
        own_items: Whether the row may show the shopper's bought or carted items.
        min_items: Fewest items for the row to be worth showing.
        anchor: Item index the row is built around (*Because you viewed*), else ``None``.
    """

    id: str
    kind: str
    title: str
    reason: str
    item_indices: np.ndarray
    scores: np.ndarray
    explain: Explainer
    engagement: float
    diversify: bool = True
    own_items: bool = False
    min_items: int = 3
    anchor: int | None = None


SectionBuilder = Callable[[ShopperContext, int], list[SectionDraft]]
"""Drafts of one section kind for a shopper and a row length ``n``."""


def first_usable(items: np.ndarray, usable: np.ndarray, n: int) -> np.ndarray:
    """The first ``n`` items of ``items`` that ``usable`` allows, in order."""
    return np.asarray(items[usable[items]][:n], dtype=np.int64)


def constant_reason(text: str) -> Explainer:
    """The same reason for every item."""
    return lambda items: [text] * len(items)


def pool_size(n: int) -> int:
    """How many candidates a row drafts for ``n`` slots (room for dedup and diversity)."""
    return max(4 * n, 40)
