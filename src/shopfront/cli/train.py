"""``shopfront train``: snapshot, profiles and models into a new bundle version."""

from __future__ import annotations

from pathlib import Path

import typer

from shopfront.cli.console import console, progress_bar
from shopfront.config import Settings
from shopfront.feedback.retrain import train_bundle
from shopfront.homepage.bundle import ModelBundle
from shopfront.store.store import Store


def train(
    db: str = typer.Option("sqlite:///shopfront.db", "--db", help="Database URL."),
    bundle_dir: Path = typer.Option(Path("bundles"), help="Where bundle versions are written."),
    model: list[str] = typer.Option(
        None, "--model", help="Models to train (repeatable); the configured set by default."
    ),
    seed: int = typer.Option(0, help="Seed of the stochastic models."),
) -> None:
    """Train every model on the store's events and make the new bundle live."""
    settings = Settings(db_url=db, bundle_dir=bundle_dir)
    bundle = run_training(
        Store(settings.db_url), settings, models=model or settings.models, seed=seed
    )
    console.print(
        f"bundle [bold]{bundle.version}[/] live: {bundle.snapshot.n_users:,} shoppers, "
        f"{bundle.snapshot.n_items:,} items, models {', '.join(bundle.models)}"
    )


def run_training(
    store: Store, settings: Settings, *, models: list[str], seed: int = 0
) -> ModelBundle:
    """Train with a progress bar over the steps."""
    steps = ["snapshot", *models, "profiles", "ranker", "save"]
    with progress_bar() as progress:
        task = progress.add_task("training", total=len(steps))

        def on_step(label: str) -> None:
            progress.update(task, description=f"training: {label}", completed=steps.index(label))

        bundle = train_bundle(
            store,
            settings.bundle_dir,
            models=models,
            model_options=settings.model_options,
            on_step=on_step,
            seed=seed,
        )
        progress.update(task, completed=len(steps), description="trained")
    return bundle
