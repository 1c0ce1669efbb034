"""The ``shopfront`` entry point: registers one command per module."""

from __future__ import annotations

import typer

from shopfront.cli.console import configure_logging
from shopfront.cli.demo import demo
from shopfront.cli.importer import import_command
from shopfront.cli.privacy import forget, purge
from shopfront.cli.serve import serve
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


def _register_optional() -> None:
    """Commands of stages that may be absent from a slim install."""
    try:
        from shopfront.cli.simulate import simulate

        app.command("simulate")(simulate)
    except ImportError:
        pass
    try:
        from shopfront.cli.evaluate import evaluate

        app.command("evaluate")(evaluate)
    except ImportError:
        pass
    try:
        from shopfront.cli.bench import bench

        app.command("bench")(bench)
    except ImportError:
        pass


_register_optional()
