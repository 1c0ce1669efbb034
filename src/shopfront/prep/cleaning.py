"""Cleaning of raw interactions before anything learns from them.

Removes exact duplicates, interactions with items outside the catalog, and
bot-like users whose daily activity no person produces. Each step logs how many
rows it dropped so an operator can see what the data looked like.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

from shopfront.store.records import InteractionFrame

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class CleaningReport:
    """How many interactions each cleaning step removed."""

    received: int
    duplicates: int
    unknown_items: int
    bot_users: int
    bot_interactions: int
    kept: int


def clean(
    frame: InteractionFrame,
    *,
    catalog_item_ids: set[str] | None,
    bot_max_events_per_day: int = 500,
) -> tuple[InteractionFrame, CleaningReport]:
    """Drop duplicates, out-of-catalog items and bot-like users.

    Args:
        frame: Raw interactions.
        catalog_item_ids: Known item ids; ``None`` keeps every item (no catalog).
        bot_max_events_per_day: A user with more events than this on any single
            day is treated as a bot and removed entirely.

    Returns:
        The cleaned interactions, sorted by user then time, and a report.
    """
    received = len(frame)
    keep = _first_occurrences(frame)
    duplicates = received - int(keep.sum())

    # Unknown items cannot be shown, so they would only teach the models noise.
    unknown = np.zeros(received, dtype=bool)
    if catalog_item_ids is not None:
        unknown = ~np.fromiter((i in catalog_item_ids for i in frame.item_ids), bool, received)
    unknown_count = int((unknown & keep).sum())
    keep &= ~unknown

    bots = _bot_mask(frame, keep, bot_max_events_per_day)
    bot_rows = int((bots & keep).sum())
    bot_users = len(set(frame.user_ids[bots & keep]))
    keep &= ~bots

    cleaned = _sorted_subset(frame, keep)
    report = CleaningReport(received, duplicates, unknown_count, bot_users, bot_rows, len(cleaned))
    logger.info(
        "cleaned interactions received=%d duplicates=%d unknown_items=%d bot_users=%d kept=%d",
        received,
        duplicates,
        unknown_count,
        bot_users,
        len(cleaned),
    )
    return cleaned, report


def _first_occurrences(frame: InteractionFrame) -> np.ndarray:
    """True for the first of each identical (user, item, type, timestamp) row."""
    seen: set[tuple[object, object, int, float]] = set()
    keep = np.zeros(len(frame), dtype=bool)
    rows = zip(
        frame.user_ids, frame.item_ids, frame.types.tolist(), frame.timestamps.tolist(), strict=True
    )
    for position, row in enumerate(rows):
        if row not in seen:
            seen.add(row)
            keep[position] = True
    return keep


def _bot_mask(frame: InteractionFrame, keep: np.ndarray, max_per_day: int) -> np.ndarray:
    """True for every row of a user who exceeded ``max_per_day`` events on one day."""
    days = (frame.timestamps // 86400).astype(np.int64)
    counts: dict[tuple[object, int], int] = {}
    for user, day, kept in zip(frame.user_ids, days.tolist(), keep.tolist(), strict=True):
        if kept:
            counts[(user, day)] = counts.get((user, day), 0) + 1
    bots = {user for (user, _), count in counts.items() if count > max_per_day}
    if not bots:
        return np.zeros(len(frame), dtype=bool)
    return np.fromiter((u in bots for u in frame.user_ids), bool, len(frame))


def _sorted_subset(frame: InteractionFrame, keep: np.ndarray) -> InteractionFrame:
    """The kept rows, ordered by user and then time (stable for ties)."""
    positions = np.flatnonzero(keep)
    users = np.asarray(frame.user_ids, dtype=object)[positions]
    times = np.asarray(frame.timestamps, dtype=np.float64)[positions]
    order = np.lexsort((np.arange(len(positions)), times, users.astype(str)))
    chosen = positions[order]
    return InteractionFrame(
        user_ids=np.asarray(frame.user_ids, dtype=object)[chosen],
        item_ids=np.asarray(frame.item_ids, dtype=object)[chosen],
        types=np.asarray(frame.types, dtype=np.int8)[chosen],
        timestamps=np.asarray(frame.timestamps, dtype=np.float64)[chosen],
    )
