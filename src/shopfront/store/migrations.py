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
    Column,
    Connection,
    Engine,
    Float,
    Index,
    MetaData,
    String,
    Table,
    Text,
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
    """Page views and experiments of the feedback stage, as they were at version 2.

    The live definitions are in :mod:`shopfront.feedback.tables`; this copy is
    frozen so that the migration means the same thing forever.
    """
    metadata = MetaData()
    Table(
        "page_views",
        metadata,
        Column("request_id", String(64), primary_key=True),
        Column("served_at", Float, nullable=False),
        Column("model_version", String(64), nullable=False),
        Column("experiment_id", String(64), nullable=True),
        Column("arm", String(64), nullable=True),
        Column("policy", String(64), nullable=False),
        Column("segment", String(64), nullable=True),
        Column("propensity", Float, nullable=True),
        Column("ordering", Text, nullable=False),
        Index("ix_page_views_served", "served_at"),
    )
    Table(
        "experiments",
        metadata,
        Column("experiment_id", String(64), primary_key=True),
        Column("config", Text, nullable=False),
        Column("status", String(16), nullable=False),
        Column("created_at", Float, nullable=False),
        Column("updated_at", Float, nullable=False),
    )
    metadata.create_all(connection)


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
