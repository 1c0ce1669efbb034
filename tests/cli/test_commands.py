"""The command line as a user runs it: import, train, then a live bundle in the store."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from shopfront.cli.main import app
from shopfront.store.store import Store
from tests.shop import tiny_catalog, tiny_events

runner = CliRunner()


def write_shop(folder: Path) -> tuple[Path, Path]:
    catalog = folder / "catalog.jsonl"
    catalog.write_text(
        "".join(
            json.dumps(
                {"item_id": i.item_id, "title": i.title, "category": i.category, "price": i.price}
            )
            + "\n"
            for i in tiny_catalog()
        )
    )
    events = folder / "events.jsonl"
    rows = [
        {
            "event_id": e.event_id,
            "user_id": e.user_id,
            "item_id": e.item_id,
            "type": e.type.label,
            "timestamp": e.timestamp,
        }
        for e in tiny_events()
    ]
    rows.append(
        {"event_id": "bad", "user_id": "u", "item_id": "sku-1", "type": "jump", "timestamp": 1.7e9}
    )
    events.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return catalog, events


def test_import_then_train_makes_a_live_bundle(tmp_path: Path) -> None:
    catalog, events = write_shop(tmp_path)
    db = f"sqlite:///{tmp_path / 'shop.db'}"

    result = runner.invoke(app, ["import", str(catalog), "--db", db])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["import", str(events), "--db", db])
    assert result.exit_code == 0, result.output
    assert "rejected 1" in result.output and "'type'" in result.output

    bundles = tmp_path / "bundles"
    result = runner.invoke(
        app,
        [
            "train",
            "--db",
            db,
            "--bundle-dir",
            str(bundles),
            "--model",
            "popularity",
            "--model",
            "als",
        ],
    )
    assert result.exit_code == 0, result.output
    live = Store(db).live_bundle()
    assert live is not None and Path(live["path"]).parent == bundles


def test_help_lists_every_command() -> None:
    result = runner.invoke(app, ["--help"])
    for command in ("demo", "serve", "import", "train", "evaluate", "simulate", "bench"):
        assert command in result.output
