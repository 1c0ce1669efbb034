"""Fixtures of the feedback tests: an empty store and hand-made pages."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from shopfront.homepage.page import Homepage, PageItem, Section
from shopfront.homepage.policy import SectionOrder
from shopfront.store.records import Item
from shopfront.store.store import Store

T0 = 1_790_000_000.0


@pytest.fixture()
def store(tmp_path: Path) -> Iterator[Store]:
    """An empty SQLite store with a small priced catalog (sku-0 … sku-29, price = 10 + i)."""
    opened = Store(f"sqlite:///{tmp_path / 'shop.db'}")
    opened.upsert_items([Item(item_id=f"sku-{i}", price=10.0 + i) for i in range(30)])
    yield opened
    opened.close()


def make_page(
    request_id: str,
    user_id: str,
    rows: dict[str, list[str]],
    *,
    model_version: str = "v1",
    experiment: dict[str, str] | None = None,
    propensity: float = 1.0,
) -> Homepage:
    """A page with one section per entry of ``rows`` (section id → item ids)."""
    sections = [
        Section(
            section_id,
            section_id.title(),
            "",
            [PageItem(item_id, item_id, 1.0, "", p) for p, item_id in enumerate(items, 1)],
            kind=section_id.split(":")[0],
        )
        for section_id, items in rows.items()
    ]
    ordering = SectionOrder(tuple(rows), propensity, tuple(1.0 for _ in rows), "test")
    return Homepage(
        request_id, user_id, model_version, False, sections, dict(experiment or {}), ordering
    )
