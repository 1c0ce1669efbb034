"""``shopfront evaluate`` on a tiny Amazon-form folder (#3)."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from typer.testing import CliRunner

from shopfront.cli.evaluate import evaluate


def _app() -> typer.Typer:
    app = typer.Typer()
    app.command("evaluate")(evaluate)
    app.command("noop")(lambda: None)  # two commands keep the subcommand name
    return app


def _folder(tmp_path: Path) -> Path:
    lines = [f"{u} " + " ".join(str(1 + (u + k) % 12) for k in range(6)) for u in range(1, 41)]
    (tmp_path / "Mini.txt").write_text("\n".join(lines) + "\n")
    return tmp_path


def test_evaluate_prints_table_and_writes_json_and_report(tmp_path: Path) -> None:
    folder = _folder(tmp_path / "data") if (tmp_path / "data").mkdir() is None else tmp_path
    result = CliRunner().invoke(
        _app(),
        [
            "evaluate",
            "--dataset", str(folder),
            "--model", "transitions",
            "--model", "popularity",
            "--json", str(tmp_path / "r.json"),
            "--report", str(tmp_path / "r.html"),
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "r.json").read_text())
    assert [r["model"] for r in data["results"]] == ["transitions", "popularity"]
    assert data["results"][0]["mean"]["HR@10"] > 0.5  # the sequences are a cycle
    assert (tmp_path / "r.html").exists()


def test_unknown_model_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    folder = _folder(tmp_path / "data")
    result = CliRunner().invoke(_app(), ["evaluate", "--dataset", str(folder), "--model", "nope"])
    assert result.exit_code != 0
