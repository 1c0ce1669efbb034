"""The one relational schema, shared by SQLite and PostgreSQL (SQLAlchemy Core).

Timestamps are float Unix seconds in every table: portable, cheap to index and
what the learning code uses. JSON documents (item attributes, event context,
bundle metrics) are stored as text so both engines read them the same way.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Float,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
)

metadata = MetaData()

schema_version = Table(
    "schema_version",
    metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("description", Text, nullable=False),
    Column("applied_at", Float, nullable=False),
)

items = Table(
    "items",
    metadata,
    Column("item_id", String(256), primary_key=True),
    Column("title", Text, nullable=False, default=""),
    Column("category", Text, nullable=False, default=""),
    Column("brand", Text, nullable=False, default=""),
    Column("price", Float, nullable=True),
    Column("attributes", Text, nullable=False, default="{}"),
    Column("in_stock", Boolean, nullable=False, default=True),
    Column("created_at", Float, nullable=True),
    Column("updated_at", Float, nullable=False),
    Index("ix_items_category", "category"),
)

events = Table(
    "events",
    metadata,
    # ``seq`` orders events by arrival, so incremental readers resume where they stopped.
    Column(
        "seq", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    ),
    Column("event_id", String(256), nullable=False, unique=True),
    Column("user_id", String(256), nullable=False),
    Column("item_id", String(256), nullable=False),
    Column("type", SmallInteger, nullable=False),
    Column("timestamp", Float, nullable=False),
    Column("request_id", String(64), nullable=True),
    Column("context", Text, nullable=True),
    Index("ix_events_user_time", "user_id", "timestamp"),
)

users = Table(
    "users",
    metadata,
    Column("user_id", String(256), primary_key=True),
    Column("deleted_at", Float, nullable=True),
)

impressions = Table(
    "impressions",
    metadata,
    Column("request_id", String(64), primary_key=True),
    Column("item_id", String(256), primary_key=True),
    Column("user_id", String(256), nullable=False),
    Column("section_id", String(64), nullable=False),
    Column("position", Integer, nullable=False),
    Column("section_position", Integer, nullable=False),
    Column("model_version", String(64), nullable=False),
    Column("arm", String(64), nullable=True),
    Column("propensity", Float, nullable=True),
    Column("served_at", Float, nullable=False),
    Index("ix_impressions_user", "user_id", "served_at"),
)

model_bundles = Table(
    "model_bundles",
    metadata,
    Column("version", String(64), primary_key=True),
    Column("path", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("metrics", Text, nullable=False, default="{}"),
)

# Feedback: one row per served page (no user id), and the configured experiments.
page_views = Table(
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

experiments = Table(
    "experiments",
    metadata,
    Column("experiment_id", String(64), primary_key=True),
    Column("config", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("updated_at", Float, nullable=False),
)
