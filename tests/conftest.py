"""Fixtures shared by every test module."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from shopfront.prep.builder import snapshot_from_sequences
from shopfront.prep.snapshot import Snapshot
from shopfront.store.records import Item

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

DATASETS = Path(__file__).resolve().parents[1].parent / "shared" / "datasets"


def require_datasets() -> Path:
    """The shared datasets folder, or skip where a clone does not have it (never in CI)."""
    if not DATASETS.is_dir():
        if os.environ.get("CI") == "true":
            raise RuntimeError(f"CI must have the datasets folder at {DATASETS}")
        pytest.skip(f"no datasets folder at {DATASETS}")
    return DATASETS


@pytest.fixture(scope="session")
def tiny_snapshot() -> Snapshot:
    """200 users over 60 items with clustered tastes: two halves of the catalog."""
    rng = np.random.default_rng(7)
    sequences = []
    for user in range(200):
        half = user % 2
        pool = np.arange(30) + 30 * half
        size = int(rng.integers(4, 12))
        sequences.append([f"i{x}" for x in rng.choice(pool, size=size, replace=False)])
    catalog = [
        Item(
            item_id=f"i{i}",
            title=f"{'Matte lipstick' if i < 30 else 'Chef knife'} model {i}",
            category="Beauty > Lipstick" if i < 30 else "Home > Kitchen",
            brand=f"brand{i % 5}",
            price=float(5 + i),
        )
        for i in range(60)
    ]
    return snapshot_from_sequences([f"u{u}" for u in range(200)], sequences, catalog)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh database URL on each supported engine (the same tests run on both)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'shop.db'}"
        return
    from tests.databases import postgres_database

    with postgres_database() as url:
        yield url
