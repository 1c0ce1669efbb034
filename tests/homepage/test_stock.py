"""Live stock: read from the store, cached briefly, refreshed by catalog writes, outage-proof."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from shopfront.homepage.catalog import CatalogStats
from shopfront.homepage.rules import PageRules
from shopfront.homepage.stock import LiveStock
from shopfront.prep.snapshot import Snapshot
from shopfront.prep.vocabulary import IdVocabulary
from shopfront.store.engine import make_engine
from shopfront.store.records import Item
from shopfront.store.store import Store

ITEMS = IdVocabulary(["a", "b", "c", "not-in-the-store"])


class Clock:
    """Monotonic seconds that move only when told."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store(f"sqlite:///{tmp_path / 'shop.db'}")
    opened.upsert_items([Item("a"), Item("b", in_stock=False), Item("c")])
    yield opened
    opened.close()


def sold_out(stock: LiveStock) -> list[str]:
    mask = stock.in_stock(ITEMS)
    assert mask is not None
    return ITEMS.to_ids(np.flatnonzero(~mask))


def test_the_store_says_what_is_sold_out(store: Store) -> None:
    assert sold_out(LiveStock(store)) == ["b"]


def test_a_write_elsewhere_shows_after_the_ttl(store: Store) -> None:
    clock = Clock()
    stock = LiveStock(store, ttl_s=5.0, clock=clock)
    assert sold_out(stock) == ["b"]
    elsewhere = Store(store.url)  # another process's store
    elsewhere.upsert_items([Item("c", in_stock=False)])

    assert sold_out(stock) == ["b"]
    clock.now = 5.0
    assert sold_out(stock) == ["b", "c"]
    elsewhere.close()


def test_a_write_through_the_store_shows_at_once(store: Store) -> None:
    stock = LiveStock(store, ttl_s=3600.0, clock=Clock())
    assert sold_out(stock) == ["b"]

    store.upsert_items([Item("a", in_stock=False), Item("b")])
    assert sold_out(stock) == ["a"]


def test_an_outage_serves_the_last_read_or_the_snapshots_stock(
    store: Store, tmp_path: Path
) -> None:
    clock = Clock()
    stock = LiveStock(store, ttl_s=5.0, clock=clock)
    working, lost = store.engine, make_engine(f"sqlite:///{tmp_path / 'gone' / 'shop.db'}")
    store.engine = lost
    assert stock.in_stock(ITEMS) is None, "before any read, the snapshot's stock applies"

    store.engine = working
    clock.now = 5.0
    assert sold_out(stock) == ["b"]
    store.engine = lost
    store.catalog_writes += 1  # as if a write had just happened
    assert sold_out(stock) == ["b"]


def test_live_stock_overrides_the_snapshots_both_ways(tiny_snapshot: Snapshot) -> None:
    stats = CatalogStats.from_snapshot(tiny_snapshot)
    index = stats.item_index.index
    snapshot_stock = np.ones(stats.n_items, dtype=bool)
    snapshot_stock[index("i5")] = False
    stats = dataclasses.replace(stats, in_stock=snapshot_stock)
    live = np.ones(stats.n_items, dtype=bool)
    live[index("i3")] = False
    rules = PageRules(pin_items=("i3", "i4", "i5"))

    assert stats.item_index.to_ids(rules.compile(stats).pins) == ["i3", "i4"]
    assert stats.item_index.to_ids(rules.compile(stats, in_stock=live).pins) == ["i4", "i5"]
    assert PageRules(in_stock_only=False).compile(stats, in_stock=live).allowed.all()
