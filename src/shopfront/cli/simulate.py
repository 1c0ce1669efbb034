"""``shopfront simulate``: write a simulated shop into a folder."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pydantic
import typer

from shopfront.cli.console import console, progress_bar
from shopfront.simulate import SIMULATION_STAGES, SimulationConfig, simulate_shop

_DEFAULTS = SimulationConfig()
_OPTION_NAMES = {"n_users": "--users", "n_items": "--items", "days": "--days", "seed": "--seed"}


def simulate(
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            "-o",
            help="Folder to write catalog.jsonl, events.parquet and tastes.json into.",
        ),
    ] = Path("simulated-shop"),
    users: Annotated[
        int, typer.Option(help="Number of shoppers, about 1 % of them bots.")
    ] = _DEFAULTS.n_users,
    items: Annotated[int, typer.Option(help="Number of catalog items.")] = _DEFAULTS.n_items,
    days: Annotated[
        int, typer.Option(help="Length of the simulated period in days, from 2026-09-01 UTC.")
    ] = _DEFAULTS.days,
    seed: Annotated[
        int, typer.Option(help="Seed of every random draw; the same options give the same shop.")
    ] = _DEFAULTS.seed,
) -> None:
    """Simulate a shop — catalog, shoppers with hidden tastes, their events — and save it."""
    try:
        config = SimulationConfig(n_users=users, n_items=items, days=days, seed=seed)
    except pydantic.ValidationError as error:
        raise typer.BadParameter(_first_problem(error)) from error

    steps = [*SIMULATION_STAGES, "saving"]
    with progress_bar() as progress:
        task = progress.add_task("simulating", total=len(steps))

        def on_step(step: str) -> None:
            # A stage reports as it starts, so everything before it is done.
            progress.update(task, description=f"simulating: {step}", completed=steps.index(step))

        shop = simulate_shop(config, on_stage=on_step)
        on_step("saving")
        shop.save(out)
        progress.update(task, completed=len(steps))

    console.print(
        f"wrote {len(shop.catalog):,} items, {len(shop.tastes):,} users "
        f"({len(shop.bot_ids)} bots) and {len(shop.events):,} events to {out}"
    )


def _first_problem(error: pydantic.ValidationError) -> str:
    """The first invalid option of a config error, named as the command names it."""
    problem = error.errors()[0]
    field = str(problem["loc"][0]) if problem["loc"] else "option"
    return f"{_OPTION_NAMES.get(field, field)} {problem['msg'].lower()}, got {problem['input']!r}"
