"""Reading Amazon sequence folders (#3)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from shopfront.errors import ValidationError
from shopfront.ingest.amazon import is_amazon_folder, read_amazon_folder
from tests.conftest import require_datasets


def _write_folder(folder: Path, name: str = "Toy") -> Path:
    (folder / f"{name}.txt").write_text("1 10 11 12\n2 11 13\n\n3 12 10 11 13\n")
    attributes = {"10": [5, 7, 8], "11": [6], "12": [], "13": [5, 9], "14": [6, 7]}
    (folder / f"{name}_item2attributes.json").write_text(json.dumps(attributes))
    maps = {"id2user": {"1": "A1"}, "id2item": {"10": "B010", "11": "B011", "14": "B014"}}
    (folder / "datamaps.json").write_text(json.dumps(maps))
    (folder / "item_generative_indexing_phase_0.txt").write_text(
        "B010 red nail polish\nB011 argan hair oil\nB014 unused text\n"
    )
    return folder


def test_reads_sequences_titles_and_attributes(tmp_path: Path) -> None:
    data = read_amazon_folder(_write_folder(tmp_path))

    assert data.name == "Toy"
    assert data.user_ids == ["1", "2", "3"]
    assert data.sequences[2] == ["12", "10", "11", "13"]
    assert data.n_interactions == 9
    items = {item.item_id: item for item in data.catalog}
    assert [i.item_id for i in data.catalog] == ["10", "11", "12", "13", "14"]
    assert items["10"].title == "red nail polish"
    assert items["12"].title == "12"  # no ASIN text: the id stands in
    assert items["10"].brand == "b5"
    assert items["10"].category == "a7 > a8"
    assert items["10"].attributes == {"attr": [5, 7, 8]}
    assert items["12"].brand == "" and items["12"].attributes == {}


def test_any_name_and_optional_files(tmp_path: Path) -> None:
    (tmp_path / "Sports.txt").write_text("u1 a b\nu2 b c\n")
    data = read_amazon_folder(tmp_path)
    assert data.name == "Sports"
    assert [item.title for item in data.catalog] == ["a", "b", "c"]
    assert is_amazon_folder(tmp_path)


def test_snapshot_keeps_order_and_catalog(tmp_path: Path) -> None:
    snapshot = read_amazon_folder(_write_folder(tmp_path)).to_snapshot()
    assert snapshot.n_users == 3 and snapshot.n_items == 5
    assert snapshot.items.to_ids(snapshot.history(2).item_indices) == ["12", "10", "11", "13"]
    assert "brand:b5" in snapshot.item_attributes[snapshot.items.index("10")]


def test_folder_without_sequence_file_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="exactly one"):
        read_amazon_folder(tmp_path)


def test_line_without_items_is_rejected(tmp_path: Path) -> None:
    (tmp_path / "Bad.txt").write_text("1 10\n2\n")
    with pytest.raises(ValidationError, match="line 2"):
        read_amazon_folder(tmp_path)


def test_reads_amazon_beauty() -> None:
    data = read_amazon_folder(require_datasets() / "amazon_beauty")
    assert len(data.user_ids) == 22363
    assert len(data.catalog) == 12101
    assert data.n_interactions == 198502
    assert sum(item.title != item.item_id for item in data.catalog) >= 12000
