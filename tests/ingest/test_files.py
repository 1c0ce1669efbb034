"""Bulk import from JSON Lines, CSV, Parquet, OTTO sessions and Amazon folders."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from shopfront.errors import ValidationError
from shopfront.ingest.files import import_file
from shopfront.store.store import Store
from tests.conftest import require_datasets


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(f"sqlite:///{tmp_path / 'shop.db'}")


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return path


def test_jsonl_with_bad_rows_lands_the_good_ones(store: Store, tmp_path: Path) -> None:
    rows = [
        {"event_id": "a", "user_id": "u1", "item_id": "i1", "type": "view", "timestamp": 1.7e9},
        {"event_id": "b", "user_id": "u1", "item_id": "i2", "type": "fly", "timestamp": 1.7e9},
        {
            "event_id": "c",
            "user_id": "u2",
            "item_id": "i1",
            "type": "purchase",
            "timestamp": 1.7e12,
        },
        {"event_id": "d", "user_id": "u2", "item_id": "i1", "type": "click", "timestamp": 12},
    ]
    report = import_file(store, write_jsonl(tmp_path / "events.jsonl", rows))
    assert (report.read, report.imported, report.rejected) == (4, 2, 2)
    assert {(e.index, e.field) for e in report.errors} == {(1, "type"), (3, "timestamp")}
    assert [e.timestamp for e in store.user_history("u2")] == [1.7e9]


def test_rerunning_an_import_counts_nothing_twice(store: Store, tmp_path: Path) -> None:
    rows = [
        {"user_id": "u1", "item_id": f"i{i}", "type": "view", "timestamp": 1.7e9 + i}
        for i in range(5)
    ]
    path = write_jsonl(tmp_path / "events.jsonl", rows)
    assert import_file(store, path).imported == 5
    again = import_file(store, path)
    assert (again.imported, again.duplicates) == (0, 5)


def test_csv_and_parquet_events(store: Store, tmp_path: Path) -> None:
    csv = tmp_path / "events.csv"
    csv.write_text("event_id,user_id,item_id,type,timestamp\nx,u1,i1,click,2023-11-14T22:13:20Z\n")
    table = pa.table(
        {"user_id": ["u2"], "item_id": ["i9"], "type": ["add_to_cart"], "timestamp": [1.7e9]}
    )
    pq.write_table(table, tmp_path / "events.parquet")
    assert import_file(store, csv).imported == 1
    assert import_file(store, tmp_path / "events.parquet").imported == 1
    assert store.count_events() == 2


def test_a_catalog_file_upserts_items(store: Store, tmp_path: Path) -> None:
    rows = [
        {"item_id": "i1", "title": "Tea", "category": "Food > Tea", "price": 3.5},
        {"item_id": "i2", "title": "Bad", "price": -2},
    ]
    report = import_file(store, write_jsonl(tmp_path / "catalog.jsonl", rows))
    assert (report.kind, report.imported, report.rejected) == ("items", 1, 1)
    assert report.errors[0].field == "price"


def test_an_unknown_file_kind_is_refused_by_name(store: Store, tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="events.xml"):
        import_file(store, tmp_path / "events.xml")


def test_otto_sessions_are_real_typed_events(store: Store) -> None:
    path = require_datasets() / "otto_events_fixture" / "train.jsonl"
    report = import_file(store, path)
    assert (report.imported, report.rejected) == (862, 0)
    frame, _ = store.read_interactions()
    assert sorted(set(frame.types.tolist())) == [2, 3, 4]  # clicks, carts, orders


def test_the_amazon_folder_imports_catalog_and_sequences(store: Store) -> None:
    report = import_file(store, require_datasets() / "amazon_beauty")
    assert report.imported == 198_502
    assert store.count_items() == 12_101
    assert len(store.user_history("1", n=500)) >= 5


def test_a_pseudonymizing_import_stores_no_raw_id(store: Store, tmp_path: Path) -> None:
    rows = [{"user_id": "alice@example.com", "item_id": "i1", "type": "view", "timestamp": 1.7e9}]
    path = write_jsonl(tmp_path / "events.jsonl", rows)
    import_file(store, path, pseudonymize=lambda ids: [f"p-{len(i)}" for i in ids])
    frame, _ = store.read_interactions()
    assert frame.user_ids.tolist() == ["p-17"]
