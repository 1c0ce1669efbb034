from __future__ import annotations

from pathlib import Path

import typer
from typer.testing import CliRunner

from shopfront.cli.simulate import simulate
from shopfront.simulate import SimulatedShop


def make_app() -> typer.Typer:
    app = typer.Typer()
    app.command("simulate")(simulate)

    @app.callback()
    def main() -> None:
        """Keep ``simulate`` a sub-command, as in the real entry point."""

    return app


def test_simulate_writes_a_loadable_shop(tmp_path: Path) -> None:
    out = tmp_path / "shop"
    args = ["simulate", "--out", str(out), "--users", "30", "--items", "200", "--days", "7"]
    result = CliRunner().invoke(make_app(), [*args, "--seed", "4"])
    assert result.exit_code == 0, result.output
    shop = SimulatedShop.load(out)
    assert (len(shop.catalog), len(shop.tastes)) == (200, 30)
    assert shop.config is not None and shop.config.seed == 4


def test_an_invalid_option_is_named(tmp_path: Path) -> None:
    result = CliRunner().invoke(make_app(), ["simulate", "--out", str(tmp_path), "--items", "5"])
    assert result.exit_code == 2
    assert "--items" in result.output
    assert not (tmp_path / "catalog.jsonl").exists()
