"""The ``shopfront`` entry point: registers one command per module."""

from __future__ import annotations

import typer

from shopfront.cli.bench import bench
from shopfront.cli.console import configure_logging
from shopfront.cli.demo import demo
from shopfront.cli.evaluate import evaluate
from shopfront.cli.importer import import_command
from shopfront.cli.privacy import forget, purge
from shopfront.cli.serve import serve
from shopfront.cli.simulate import simulate
from shopfront.cli.train import train

app = typer.Typer(
    name="shopfront",
    help="A personalized homepage for every shopper, learned from what shoppers do.",
    no_args_is_help=True,
    add_completion=False,
)


@app.callback()
def main(verbose: bool = typer.Option(False, "--verbose", "-v", help="Debug logging.")) -> None:
    """Shopfront command line."""
    configure_logging(verbose)


app.command("demo")(demo)
app.command("serve")(serve)
app.command("import")(import_command)
app.command("train")(train)
app.command("purge")(purge)
app.command("forget")(forget)
app.command("simulate")(simulate)
app.command("evaluate")(evaluate)
app.command("bench")(bench)
