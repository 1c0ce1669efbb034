from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq

from shopfront.simulate import SimulatedShop
from shopfront.store.records import INTERACTION_LABELS

from .test_simulator import assert_same_events


def test_save_writes_the_documented_files(small_shop: SimulatedShop, tmp_path: Path) -> None:
    small_shop.save(tmp_path / "shop")
    folder = tmp_path / "shop"

    lines = (folder / "catalog.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(small_shop.catalog)
    assert set(json.loads(lines[0])) == {
        "item_id", "title", "category", "brand", "price", "attributes", "in_stock", "created_at"
    }  # fmt: skip

    table = pq.read_table(folder / "events.parquet")
    assert table.column_names == ["event_id", "user_id", "item_id", "type", "timestamp"]
    assert set(table.column("type").to_pylist()) == set(INTERACTION_LABELS)

    tastes = json.loads((folder / "tastes.json").read_text(encoding="utf-8"))
    assert set(tastes) == set(small_shop.tastes)
    assert {"top_categories", "sub_categories", "brands", "price_band", "is_bot"} <= set(
        next(iter(tastes.values()))
    )


def test_load_reads_back_what_save_wrote(small_shop: SimulatedShop, tmp_path: Path) -> None:
    small_shop.save(tmp_path)
    loaded = SimulatedShop.load(tmp_path)
    assert loaded.catalog == small_shop.catalog
    assert loaded.tastes == small_shop.tastes
    assert (loaded.start, loaded.end, loaded.config) == (
        small_shop.start,
        small_shop.end,
        small_shop.config,
    )
    assert_same_events(loaded, small_shop)


def test_load_without_simulation_file_takes_the_period_from_the_events(
    small_shop: SimulatedShop, tmp_path: Path
) -> None:
    small_shop.save(tmp_path)
    (tmp_path / "simulation.json").unlink()
    loaded = SimulatedShop.load(tmp_path)
    assert loaded.config is None
    assert loaded.start <= float(small_shop.events.timestamps[0])
    assert loaded.end > float(small_shop.events.timestamps[-1])
