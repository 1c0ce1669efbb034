"""Attribution: which impression earned each click, cart add and purchase.

An event is attributed to at most one impression, by the first rule that holds:

1. it carries the request id of a page that showed that item (exact);
2. otherwise, the same shopper was shown the same item at most
   ``window_s`` seconds before the event: the latest such impression takes it
   (a purchase at checkout rarely carries the homepage's request id).

Views are not attributed: an impression is already a view. Revenue is the
item's catalog price for each attributed purchase (0 where the price is
unknown).
"""

from __future__ import annotations

import bisect
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import Engine, select

from shopfront.store import schema
from shopfront.store.records import InteractionType

logger = logging.getLogger(__name__)

DEFAULT_WINDOW_S = 86_400.0
OUTCOME_TYPES = (InteractionType.CLICK, InteractionType.ADD_TO_CART, InteractionType.PURCHASE)
_IN_CHUNK = 2_000


@dataclass(frozen=True)
class AttributedImpressions:
    """Impressions with what was attributed to each, as aligned columns.

    Attributes:
        request_ids, user_ids, item_ids, section_ids, model_versions, arms:
            object arrays (``arms`` holds ``""`` outside experiments).
        positions: int64 1-based position within the row.
        section_positions: int64 1-based row of the section.
        served_at: float64 Unix seconds.
        clicks, carts, purchases: int64 attributed events of each type.
        revenue: float64 price × purchases.
    """

    request_ids: np.ndarray
    user_ids: np.ndarray
    item_ids: np.ndarray
    section_ids: np.ndarray
    model_versions: np.ndarray
    arms: np.ndarray
    positions: np.ndarray
    section_positions: np.ndarray
    served_at: np.ndarray
    clicks: np.ndarray
    carts: np.ndarray
    purchases: np.ndarray
    revenue: np.ndarray

    def __len__(self) -> int:
        return len(self.request_ids)

    def select(self, mask: np.ndarray) -> AttributedImpressions:
        """The impressions where the bool ``mask`` holds."""
        return AttributedImpressions(
            **{name: getattr(self, name)[mask] for name in self.__dataclass_fields__}
        )


def attribute(
    engine: Engine,
    *,
    since: float | None = None,
    until: float | None = None,
    window_s: float = DEFAULT_WINDOW_S,
) -> AttributedImpressions:
    """Impressions served in ``[since, until)`` with their attributed outcomes.

    Args:
        engine: The store's engine.
        since: First serving time included (Unix seconds); all when ``None``.
        until: Serving times before this are included; all when ``None``.
        window_s: How long after an impression an event without its request id
            is still attributed to it.

    Raises:
        ValueError: ``window_s`` is negative.
    """
    if window_s < 0:
        raise ValueError(f"window_s must be >= 0, got {window_s}")
    impressions = _read_impressions(engine, since, until)
    n = len(impressions)
    counts = np.zeros((3, n), dtype=np.int64)
    revenue = np.zeros(n, dtype=np.float64)
    if n:
        first, last = float(min(r[8] for r in impressions)), float(max(r[8] for r in impressions))
        events = _read_outcomes(engine, first, last + window_s)
        matcher = _Matcher(impressions, window_s)
        prices = _prices(engine, {row[2] for row in events if row[3] == InteractionType.PURCHASE})
        for user_id, request_id, item_id, kind, timestamp in events:
            row = matcher.match(user_id, request_id, item_id, timestamp)
            if row is None:
                continue
            counts[OUTCOME_TYPES.index(InteractionType(kind)), row] += 1
            if kind == InteractionType.PURCHASE:
                revenue[row] += prices.get(item_id) or 0.0
    logger.debug("attributed impressions=%d", n)
    return _columns(impressions, counts, revenue)


class _Matcher:
    """Finds the impression an event belongs to (see the module's rules)."""

    def __init__(self, impressions: list[Any], window_s: float) -> None:
        self.window_s = window_s
        self.by_request = {(r[0], r[2]): i for i, r in enumerate(impressions)}
        shown: dict[tuple[str, str], list[tuple[float, int]]] = {}
        for i, r in enumerate(impressions):
            shown.setdefault((r[1], r[2]), []).append((float(r[8]), i))
        for times in shown.values():
            times.sort()
        self.by_user_item = shown

    def match(self, user_id: str, request_id: str | None, item_id: str, at: float) -> int | None:
        if request_id is not None:
            row = self.by_request.get((request_id, item_id))
            if row is not None:
                return row
        times = self.by_user_item.get((user_id, item_id))
        if not times:
            return None
        position = bisect.bisect_right(times, (at, np.iinfo(np.int64).max)) - 1
        if position < 0 or at - times[position][0] > self.window_s:
            return None
        return times[position][1]


def _read_impressions(engine: Engine, since: float | None, until: float | None) -> list[Any]:
    columns = schema.impressions.c
    query = select(
        columns.request_id,
        columns.user_id,
        columns.item_id,
        columns.section_id,
        columns.model_version,
        columns.arm,
        columns.position,
        columns.section_position,
        columns.served_at,
    ).order_by(columns.served_at, columns.request_id, columns.section_position, columns.position)
    if since is not None:
        query = query.where(columns.served_at >= since)
    if until is not None:
        query = query.where(columns.served_at < until)
    with engine.connect() as connection:
        return list(connection.execute(query).all())


def _read_outcomes(engine: Engine, since: float, until: float) -> list[Any]:
    """Clicks, carts and purchases in ``[since, until]``, oldest first."""
    columns = schema.events.c
    query = (
        select(
            columns.user_id, columns.request_id, columns.item_id, columns.type, columns.timestamp
        )
        .where(columns.type.in_([int(t) for t in OUTCOME_TYPES]))
        .where(columns.timestamp >= since, columns.timestamp <= until)
        .order_by(columns.timestamp, columns.seq)
    )
    with engine.connect() as connection:
        return list(connection.execute(query).all())


def _prices(engine: Engine, item_ids: Iterable[str]) -> dict[str, float | None]:
    ids = sorted(item_ids)
    prices: dict[str, float | None] = {}
    columns = schema.items.c
    with engine.connect() as connection:
        for start in range(0, len(ids), _IN_CHUNK):
            chunk = ids[start : start + _IN_CHUNK]
            query = select(columns.item_id, columns.price).where(columns.item_id.in_(chunk))
            prices.update({item_id: price for item_id, price in connection.execute(query)})
    return prices


def _columns(
    impressions: list[Any], counts: np.ndarray, revenue: np.ndarray
) -> AttributedImpressions:
    def column(index: int, dtype: Any = object) -> np.ndarray:
        return np.array([row[index] for row in impressions], dtype=dtype)

    arms = np.array([row[5] or "" for row in impressions], dtype=object)
    return AttributedImpressions(
        request_ids=column(0),
        user_ids=column(1),
        item_ids=column(2),
        section_ids=column(3),
        model_versions=column(4),
        arms=arms,
        positions=column(6, np.int64),
        section_positions=column(7, np.int64),
        served_at=column(8, np.float64),
        clicks=counts[0],
        carts=counts[1],
        purchases=counts[2],
        revenue=revenue,
    )
