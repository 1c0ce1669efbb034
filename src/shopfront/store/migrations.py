"""Versioned schema migrations.

Each migration has a number and runs once, inside a transaction, recorded in
``schema_version``. A new table or column is a new migration appended to
``MIGRATIONS``; an applied migration is never edited.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import (
    Connection,
    Engine,
    insert,
    inspect,
    select,
)

from shopfront.store import schema

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Migration:
    """One schema change: its version number, what it does, and how."""

    version: int
    description: str
    apply: Callable[[Connection], None]


def _create_initial_tables(connection: Connection) -> None:
    tables = [
        schema.items,
        schema.events,
        schema.users,
        schema.impressions,
        schema.model_bundles,
    ]
    schema.metadata.create_all(connection, tables=tables)


def _create_feedback_tables(connection: Connection) -> None:
    schema.metadata.create_all(connection, tables=[schema.page_views, schema.experiments])


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "items, events, users, impressions, model bundles", _create_initial_tables),
    Migration(2, "page views and experiments (feedback)", _create_feedback_tables),
)


def current_version(engine: Engine) -> int:
    """The highest applied migration, 0 for an empty database."""
    if not inspect(engine).has_table("schema_version"):
        return 0
    with engine.connect() as connection:
        versions = connection.execute(select(schema.schema_version.c.version)).scalars().all()
    return max(versions, default=0)


def migrate(engine: Engine) -> int:
    """Apply every pending migration in order; returns the resulting version."""
    schema.metadata.create_all(engine, tables=[schema.schema_version])
    applied = current_version(engine)
    for migration in MIGRATIONS:
        if migration.version <= applied:
            continue
        with engine.begin() as connection:
            migration.apply(connection)
            connection.execute(
                insert(schema.schema_version).values(
                    version=migration.version,
                    description=migration.description,
                    applied_at=time.time(),
                )
            )
        logger.info("applied migration version=%d %s", migration.version, migration.description)
        applied = migration.version
    return applied
