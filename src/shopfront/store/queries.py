"""Read-only queries behind the storefront's search and the dashboard's data health.

They read the tables of :mod:`shopfront.store.schema` through the store's engine
in SQLAlchemy Core, so they run unchanged on SQLite and PostgreSQL. Each is a
small aggregate the database answers faster than Python could over all events.
They sit beside :class:`~shopfront.store.store.Store`, which owns every write,
so that all of Shopfront's SQL lives in this package.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Integer, and_, cast, distinct, func, select

from shopfront.store import schema
from shopfront.store.records import Item
from shopfront.store.store import Store, item_from_row

SECONDS_PER_DAY = 86_400


def items_by_ids(store: Store, item_ids: Sequence[str]) -> list[Item]:
    """The catalog items among ``item_ids``, in the order asked (unknown ids are left out)."""
    wanted = list(dict.fromkeys(item_ids))
    if not wanted:
        return []
    query = select(schema.items).where(schema.items.c.item_id.in_(wanted))
    with store.engine.connect() as connection:
        rows = connection.execute(query).mappings().all()
    found = {row["item_id"]: item_from_row(row) for row in rows}
    return [found[item_id] for item_id in wanted if item_id in found]


def search_titles(store: Store, text: str, *, n: int = 24) -> list[Item]:
    """Items whose title (or brand) contains every word of ``text``, case-insensitively."""
    words = [word for word in text.lower().split() if word][:8]
    if not words:
        return []
    columns = schema.items.c
    haystack = func.lower(columns.title + " " + columns.brand)
    conditions = [haystack.contains(word, autoescape=True) for word in words]
    query = select(schema.items).where(and_(*conditions)).order_by(columns.title).limit(n)
    with store.engine.connect() as connection:
        rows = connection.execute(query).mappings().all()
    return [item_from_row(row) for row in rows]


def category_item_counts(store: Store) -> dict[str, int]:
    """Number of catalog items per full category path."""
    column = schema.items.c.category
    query = select(column, func.count()).group_by(column)
    with store.engine.connect() as connection:
        return {str(category): int(count) for category, count in connection.execute(query)}


def event_time_range(store: Store) -> tuple[float, float] | None:
    """Timestamps of the oldest and newest events, or ``None`` without events."""
    timestamp = schema.events.c.timestamp
    with store.engine.connect() as connection:
        first, last = connection.execute(select(func.min(timestamp), func.max(timestamp))).one()
    return None if first is None else (float(first), float(last))


def event_type_counts(store: Store) -> dict[int, int]:
    """Number of stored events per interaction type value."""
    column = schema.events.c.type
    with store.engine.connect() as connection:
        rows = connection.execute(select(column, func.count()).group_by(column))
        return {int(kind): int(count) for kind, count in rows}


def daily_event_counts(store: Store, *, since: float) -> list[tuple[int, int, int]]:
    """``(day, type, count)`` of events at or after ``since``; ``day`` counts days since 1970."""
    columns = schema.events.c
    day = _day(store, columns.timestamp)
    query = (
        select(day, columns.type, func.count())
        .where(columns.timestamp >= since)
        .group_by(day, columns.type)
    )
    with store.engine.connect() as connection:
        return [(int(d), int(t), int(c)) for d, t, c in connection.execute(query)]


def daily_active_users(store: Store, *, since: float) -> list[tuple[int, int]]:
    """``(day, distinct users)`` for each day with events at or after ``since``."""
    columns = schema.events.c
    day = _day(store, columns.timestamp)
    query = (
        select(day, func.count(distinct(columns.user_id)))
        .where(columns.timestamp >= since)
        .group_by(day)
    )
    with store.engine.connect() as connection:
        return [(int(d), int(c)) for d, c in connection.execute(query)]


def count_active_users(store: Store, *, since: float | None = None) -> int:
    """Distinct users with an event at or after ``since`` (all time when ``None``)."""
    columns = schema.events.c
    query = select(func.count(distinct(columns.user_id)))
    if since is not None:
        query = query.where(columns.timestamp >= since)
    with store.engine.connect() as connection:
        return int(connection.execute(query).scalar_one())


def count_items_with_events(store: Store) -> int:
    """Distinct catalog items that have at least one event."""
    return _count_distinct_items(store, schema.events)


def count_items_shown(store: Store) -> int:
    """Distinct catalog items that were shown on at least one logged homepage."""
    return _count_distinct_items(store, schema.impressions)


def _count_distinct_items(store: Store, table: Any) -> int:
    query = select(func.count(distinct(table.c.item_id))).select_from(
        table.join(schema.items, table.c.item_id == schema.items.c.item_id)
    )
    with store.engine.connect() as connection:
        return int(connection.execute(query).scalar_one())


def _day(store: Store, timestamp: Any) -> Any:
    """Whole days since 1970 of a timestamp column (floor, on both engines)."""
    days = timestamp / SECONDS_PER_DAY
    # SQLite truncates on cast (timestamps are positive, so that is floor); PostgreSQL rounds.
    return cast(func.floor(days) if store.dialect == "postgresql" else days, Integer)
