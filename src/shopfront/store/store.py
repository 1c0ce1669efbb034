"""The store: every read and write of items, events, users and bundles.

All SQL of Shopfront lives here, written once in SQLAlchemy Core for SQLite and
PostgreSQL alike. Methods take and return plain records
(:mod:`shopfront.store.records`), never ORM objects or rows.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
from sqlalchemy import Connection, Engine, delete, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import InterfaceError, OperationalError

from shopfront.errors import StoreUnavailableError
from shopfront.store import schema
from shopfront.store.engine import make_engine
from shopfront.store.migrations import migrate
from shopfront.store.records import Interaction, InteractionFrame, InteractionType, Item

logger = logging.getLogger(__name__)


class Store:
    """Durable storage of one shop, over SQLite or PostgreSQL.

    Args:
        url: ``sqlite:///path.db``, ``sqlite://`` (in memory) or ``postgresql://…``.
        migrate_schema: Apply pending migrations on open.

    Example:
        >>> store = Store("sqlite://")
        >>> store.upsert_items([Item(item_id="sku-1", title="Tea")])
        1
        >>> store.get_item("sku-1").title
        'Tea'
    """

    def __init__(self, url: str, *, migrate_schema: bool = True) -> None:
        self.url = url
        self.engine: Engine = make_engine(url)
        # Catalog writes through this object: a cache of item facts is stale once it grew.
        self.catalog_writes = 0
        if migrate_schema:
            migrate(self.engine)

    @property
    def dialect(self) -> str:
        """``"sqlite"`` or ``"postgresql"``."""
        return self.engine.dialect.name

    def close(self) -> None:
        """Release every pooled connection."""
        self.engine.dispose()

    def ping(self) -> bool:
        """Whether the database answers right now."""
        try:
            with self.engine.connect() as connection:
                connection.execute(select(1))
            return True
        except OperationalError:
            return False

    # Catalog ---------------------------------------------------------------------------

    def upsert_items(self, items: Sequence[Item]) -> int:
        """Insert or replace catalog items by ``item_id``; returns how many were written."""
        if not items:
            return 0
        now = time.time()
        rows = [_item_row(item, now) for item in items]
        statement = self._insert(schema.items)
        columns = {c: statement.excluded[c] for c in rows[0] if c != "item_id"}
        statement = statement.on_conflict_do_update(index_elements=["item_id"], set_=columns)
        with self._begin() as connection:
            connection.execute(statement, rows)
        self.catalog_writes += 1
        return len(rows)

    def get_item(self, item_id: str) -> Item | None:
        """One item, or ``None`` when the catalog does not have it."""
        query = select(schema.items).where(schema.items.c.item_id == item_id)
        with self._connect() as connection:
            row = connection.execute(query).mappings().first()
        return item_from_row(row) if row else None

    def list_items(
        self, *, category: str | None = None, limit: int = 50, offset: int = 0
    ) -> list[Item]:
        """Items ordered by id; ``category`` matches the path or any prefix of it."""
        query = select(schema.items).order_by(schema.items.c.item_id).limit(limit).offset(offset)
        if category:
            column = schema.items.c.category
            query = query.where((column == category) | column.startswith(category + " >"))
        with self._connect() as connection:
            rows = connection.execute(query).mappings().all()
        return [item_from_row(row) for row in rows]

    def all_items(self) -> list[Item]:
        """The whole catalog, ordered by id."""
        with self._connect() as connection:
            rows = connection.execute(select(schema.items).order_by("item_id")).mappings().all()
        return [item_from_row(row) for row in rows]

    def out_of_stock_item_ids(self) -> list[str]:
        """Ids of the catalog items that are out of stock now."""
        query = select(schema.items.c.item_id).where(schema.items.c.in_stock.is_(False))
        with self._connect() as connection:
            return list(connection.execute(query).scalars())

    def count_items(self) -> int:
        """Number of catalog items."""
        with self._connect() as connection:
            return int(
                connection.execute(select(func.count()).select_from(schema.items)).scalar_one()
            )

    # Events ----------------------------------------------------------------------------

    def insert_interactions(self, interactions: Sequence[Interaction]) -> int:
        """Store events in one transaction; returns how many were new.

        An event whose ``event_id`` is already stored is skipped, so a retried
        batch never counts twice. The call returns only after the commit.
        """
        if not interactions:
            return 0
        rows = [_event_row(interaction) for interaction in interactions]
        user_rows = [{"user_id": u} for u in dict.fromkeys(r["user_id"] for r in rows)]
        events = (
            self._insert(schema.events)
            .on_conflict_do_nothing(index_elements=["event_id"])
            .returning(schema.events.c.event_id)
        )
        users = self._insert(schema.users).on_conflict_do_nothing(index_elements=["user_id"])
        with self._begin() as connection:
            # RETURNING lists only the new rows, on both engines (rowcount is not portable).
            inserted = len(connection.execute(events, rows).all())
            connection.execute(users, user_rows)
        return int(inserted)

    def insert_event_columns(
        self,
        event_ids: Sequence[str],
        user_ids: Sequence[str],
        item_ids: Sequence[str],
        types: Sequence[int],
        timestamps: Sequence[float],
    ) -> int:
        """Bulk fast path of :meth:`insert_interactions` for already validated columns.

        Uses the driver's ``executemany`` directly: the bulk importer's
        throughput target leaves no room for per-row SQLAlchemy overhead.
        Returns how many events were new.
        """
        rows = list(zip(event_ids, user_ids, item_ids, types, timestamps, strict=True))
        if not rows:
            return 0
        mark = "?" if self.dialect == "sqlite" else "%s"
        events_sql = (
            "INSERT INTO events (event_id, user_id, item_id, type, timestamp) "
            f"VALUES ({', '.join([mark] * 5)}) ON CONFLICT (event_id) DO NOTHING"
        )
        users_sql = f"INSERT INTO users (user_id) VALUES ({mark}) ON CONFLICT (user_id) DO NOTHING"
        with self._begin() as connection:
            driver = connection.connection.driver_connection
            assert driver is not None  # a checked-out connection always has its driver
            cursor = driver.cursor()
            before = _total_changes(connection) if self.dialect == "sqlite" else 0
            cursor.executemany(events_sql, rows)
            inserted = (
                _total_changes(connection) - before if self.dialect == "sqlite" else cursor.rowcount
            )
            cursor.executemany(users_sql, [(u,) for u in dict.fromkeys(user_ids)])
        return int(inserted)

    def existing_event_ids(self, event_ids: Iterable[str]) -> set[str]:
        """Which of these event ids are already stored."""
        ids = list(event_ids)
        found: set[str] = set()
        with self._connect() as connection:
            for start in range(0, len(ids), 5000):
                chunk = ids[start : start + 5000]
                query = select(schema.events.c.event_id).where(schema.events.c.event_id.in_(chunk))
                found.update(connection.execute(query).scalars())
        return found

    def read_interactions(self, *, after_seq: int = 0) -> tuple[InteractionFrame, int]:
        """All events after ``after_seq`` as columns, and the last ``seq`` read."""
        columns = schema.events.c
        query = (
            select(columns.seq, columns.user_id, columns.item_id, columns.type, columns.timestamp)
            .where(columns.seq > after_seq)
            .order_by(columns.seq)
        )
        with self._connect() as connection:
            rows = connection.execute(query).all()
        if not rows:
            empty = np.zeros(0)
            return InteractionFrame(
                empty.astype(object), empty.astype(object), empty.astype(np.int8), empty
            ), after_seq
        seqs, user_ids, item_ids, types, timestamps = zip(*rows, strict=True)
        frame = InteractionFrame(
            user_ids=np.asarray(user_ids, dtype=object),
            item_ids=np.asarray(item_ids, dtype=object),
            types=np.asarray(types, dtype=np.int8),
            timestamps=np.asarray(timestamps, dtype=np.float64),
        )
        return frame, int(seqs[-1])

    def user_history(self, user_id: str, *, n: int = 200) -> list[Interaction]:
        """The user's ``n`` most recent events, oldest first."""
        columns = schema.events.c
        query = (
            select(schema.events)
            .where(columns.user_id == user_id)
            .order_by(columns.timestamp.desc(), columns.seq.desc())
            .limit(n)
        )
        with self._connect() as connection:
            rows = connection.execute(query).mappings().all()
        return [_interaction_from_row(row) for row in reversed(rows)]

    def count_events(self) -> int:
        """Number of stored events."""
        with self._connect() as connection:
            return int(
                connection.execute(select(func.count()).select_from(schema.events)).scalar_one()
            )

    def last_seq(self) -> int:
        """The arrival number of the newest event (0 when there is none)."""
        with self._connect() as connection:
            return int(
                connection.execute(
                    select(func.coalesce(func.max(schema.events.c.seq), 0))
                ).scalar_one()
            )

    # Users -----------------------------------------------------------------------------

    def is_deleted(self, user_id: str) -> bool:
        """Whether this user was deleted (a tombstone is kept, without any data)."""
        query = select(schema.users.c.deleted_at).where(schema.users.c.user_id == user_id)
        with self._connect() as connection:
            deleted_at = connection.execute(query).scalar_one_or_none()
        return deleted_at is not None

    def active_user_ids(self, *, n: int = 50) -> list[str]:
        """The ``n`` users with the most events (for the storefront's shopper switcher)."""
        columns = schema.events.c
        query = (
            select(columns.user_id)
            .group_by(columns.user_id)
            .order_by(func.count().desc(), columns.user_id)
            .limit(n)
        )
        with self._connect() as connection:
            return list(connection.execute(query).scalars())

    def delete_user(self, user_id: str) -> int:
        """Remove a user's events and impressions and leave a tombstone; returns events removed."""
        with self._begin() as connection:
            removed = connection.execute(
                delete(schema.events).where(schema.events.c.user_id == user_id)
            ).rowcount
            connection.execute(
                delete(schema.impressions).where(schema.impressions.c.user_id == user_id)
            )
            connection.execute(delete(schema.users).where(schema.users.c.user_id == user_id))
            connection.execute(insert(schema.users).values(user_id=user_id, deleted_at=time.time()))
        logger.info("deleted user events=%d", removed)
        return int(removed)

    def deleted_user_ids(self) -> set[str]:
        """Every tombstoned user id (so the next model leaves them out)."""
        query = select(schema.users.c.user_id).where(schema.users.c.deleted_at.is_not(None))
        with self._connect() as connection:
            return set(connection.execute(query).scalars())

    # Retention -------------------------------------------------------------------------

    def purge_before(self, cutoff: float, *, chunk: int = 5000) -> dict[str, int]:
        """Delete events, impressions and page views older than ``cutoff`` (Unix seconds).

        Events go in chunks of ``chunk``, each its own transaction, so ingest
        goes on meanwhile. Users left without any event lose their row, and
        tombstones older than the cutoff are dropped too. Returns the rows
        deleted per table.
        """
        columns = schema.events.c
        with self._connect() as connection:
            old = select(columns.seq).where(columns.timestamp < cutoff)
            seqs = connection.execute(old).scalars().all()
        events = 0
        for start in range(0, len(seqs), chunk):
            batch = seqs[start : start + chunk]
            with self._begin() as connection:
                events += connection.execute(
                    delete(schema.events).where(columns.seq.in_(batch))
                ).rowcount

        users = schema.users.c
        has_events = select(columns.seq).where(columns.user_id == users.user_id).exists()
        forgotten = (users.deleted_at.is_(None) & ~has_events) | (users.deleted_at < cutoff)
        with self._begin() as connection:
            impressions = connection.execute(
                delete(schema.impressions).where(schema.impressions.c.served_at < cutoff)
            ).rowcount
            page_views = connection.execute(
                delete(schema.page_views).where(schema.page_views.c.served_at < cutoff)
            ).rowcount
            removed_users = connection.execute(delete(schema.users).where(forgotten)).rowcount
        return {
            "events": int(events),
            "impressions": int(impressions),
            "page_views": int(page_views),
            "users": int(removed_users),
        }

    # Model bundles ---------------------------------------------------------------------

    def register_bundle(self, version: str, path: str, *, metrics: dict[str, Any]) -> None:
        """Record a newly written bundle as a candidate."""
        row = {
            "version": version,
            "path": path,
            "status": "candidate",
            "created_at": time.time(),
            "metrics": json.dumps(metrics),
        }
        with self._begin() as connection:
            connection.execute(insert(schema.model_bundles).values(**row))

    def promote_bundle(self, version: str) -> None:
        """Make ``version`` the live bundle; the previous live one is retired."""
        table = schema.model_bundles
        with self._begin() as connection:
            connection.execute(
                update(table).where(table.c.status == "live").values(status="retired")
            )
            connection.execute(
                update(table).where(table.c.version == version).values(status="live")
            )

    def reject_bundle(self, version: str) -> None:
        """Mark a bundle that failed validation, so it is never promoted."""
        table = schema.model_bundles
        with self._begin() as connection:
            connection.execute(
                update(table).where(table.c.version == version).values(status="rejected")
            )

    def bundles(self) -> list[dict[str, Any]]:
        """Every bundle, newest first, with its status and metrics."""
        table = schema.model_bundles
        with self._connect() as connection:
            rows = (
                connection.execute(select(table).order_by(table.c.created_at.desc()))
                .mappings()
                .all()
            )
        return [{**row, "metrics": json.loads(row["metrics"])} for row in rows]

    def delete_bundle(self, version: str) -> None:
        """Forget a bundle's record (its folder is the caller's to remove)."""
        table = schema.model_bundles
        with self._begin() as connection:
            connection.execute(delete(table).where(table.c.version == version))

    def live_bundle(self) -> dict[str, Any] | None:
        """The live bundle's record, or ``None`` before the first training."""
        return next((b for b in self.bundles() if b["status"] == "live"), None)

    # Plumbing --------------------------------------------------------------------------

    def _insert(self, table: Any) -> Any:
        """A dialect insert that supports ``on_conflict_*``."""
        return (postgresql.insert if self.dialect == "postgresql" else sqlite.insert)(table)

    @contextmanager
    def _connect(self) -> Iterator[Connection]:
        """A connection; losing the database, even mid-query, raises StoreUnavailableError."""
        try:
            with self.engine.connect() as connection:
                yield connection
        except (OperationalError, InterfaceError) as error:
            raise StoreUnavailableError(f"database {self.engine.url!r} is unreachable") from error

    @contextmanager
    def _begin(self) -> Iterator[Connection]:
        """A transaction, committed on exit; errors as in :meth:`_connect`."""
        try:
            with self.engine.begin() as connection:
                yield connection
        except (OperationalError, InterfaceError) as error:
            raise StoreUnavailableError(f"database {self.engine.url!r} is unreachable") from error


def _total_changes(connection: Any) -> int:
    """Rows changed so far on this SQLite connection (reliable after executemany)."""
    return int(connection.connection.driver_connection.total_changes)


def _item_row(item: Item, now: float) -> dict[str, Any]:
    return {
        "item_id": item.item_id,
        "title": item.title,
        "category": item.category,
        "brand": item.brand,
        "price": item.price,
        "attributes": json.dumps(item.attributes, sort_keys=True),
        "in_stock": item.in_stock,
        "created_at": item.created_at,
        "updated_at": now,
    }


def item_from_row(row: Any) -> Item:
    """An :class:`Item` from a row of the ``items`` table."""
    return Item(
        item_id=row["item_id"],
        title=row["title"],
        category=row["category"],
        brand=row["brand"],
        price=row["price"],
        attributes=json.loads(row["attributes"] or "{}"),
        in_stock=bool(row["in_stock"]),
        created_at=row["created_at"],
    )


def _event_row(interaction: Interaction) -> dict[str, Any]:
    return {
        "event_id": interaction.event_id,
        "user_id": interaction.user_id,
        "item_id": interaction.item_id,
        "type": int(interaction.type),
        "timestamp": interaction.timestamp,
        "request_id": interaction.request_id,
        "context": json.dumps(interaction.context) if interaction.context else None,
    }


def _interaction_from_row(row: Any) -> Interaction:
    return Interaction(
        event_id=row["event_id"],
        user_id=row["user_id"],
        item_id=row["item_id"],
        type=InteractionType(row["type"]),
        timestamp=row["timestamp"],
        request_id=row["request_id"],
        context=json.loads(row["context"]) if row["context"] else {},
    )
