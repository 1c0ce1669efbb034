"""The feedback stage's own tables: page views and experiments (SQLAlchemy Core).

Impressions (one row per product shown) live in the shared ``impressions``
table of :mod:`shopfront.store.schema`. These two tables hold what the feedback
stage needs on top of it:

- ``page_views``: one row per served homepage, with what the section order
  policy saw and chose (candidates, shown order, propensities) so that another
  policy can be evaluated offline. It holds no user id: deleting a shopper
  removes their impressions, and what is left here is anonymous.
- ``experiments``: the configuration and status of each A/B experiment.

Both are created by migration 2 of :mod:`shopfront.store.migrations`, which keeps
its own copy of these definitions as they were at that version.
"""

from __future__ import annotations

from sqlalchemy import Column, Float, Index, MetaData, String, Table, Text

metadata = MetaData()

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
