"""``shopfront demo``: from nothing to a running storefront on a simulated shop."""

from __future__ import annotations

from pathlib import Path

import typer
import uvicorn

from shopfront.api.app import create_app
from shopfront.cli.console import console, progress_bar
from shopfront.cli.train import run_training
from shopfront.config import DEMO_MODEL_OPTIONS, Settings
from shopfront.simulate import SimulationConfig, simulate_shop
from shopfront.store.store import Store


def demo(
    host: str = typer.Option("127.0.0.1", help="Interface to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
    folder: Path = typer.Option(Path("shopfront-demo"), help="Where the demo database lives."),
    users: int = typer.Option(2000, help="Simulated shoppers."),
    items: int = typer.Option(6000, help="Simulated catalog size."),
    seed: int = typer.Option(0, help="Seed of the simulated shop."),
    serve: bool = typer.Option(True, help="Start the server once trained."),
) -> None:
    """Simulate a shop into SQLite, train every model, and serve the storefront."""
    settings = Settings(
        db_url=f"sqlite:///{folder / 'shop.db'}",
        bundle_dir=folder / "bundles",
        model_options={name: dict(options) for name, options in DEMO_MODEL_OPTIONS.items()},
    )
    store = prepare_demo(folder, settings, users=users, items=items, seed=seed)
    if serve:
        console.print(f"storefront on [bold]http://{host}:{port}/[/]  API docs on /docs")
        uvicorn.run(create_app(settings, store=store), host=host, port=port, log_level="warning")


def prepare_demo(folder: Path, settings: Settings, *, users: int, items: int, seed: int) -> Store:
    """Simulate (once), store and train; a second run reuses the stored shop."""
    folder.mkdir(parents=True, exist_ok=True)
    store = Store(settings.db_url)
    if store.count_events() == 0:
        with progress_bar() as progress:
            task = progress.add_task("simulating shop", total=None)
            shop = simulate_shop(SimulationConfig(n_users=users, n_items=items, seed=seed))
            progress.update(task, description="storing shop", total=len(shop.events))
            store.upsert_items(shop.catalog)
            events = shop.events
            for start in range(0, len(events), 100_000):
                stop = start + 100_000
                store.insert_event_columns(
                    list(shop.event_ids[start:stop]),
                    events.user_ids[start:stop].tolist(),
                    events.item_ids[start:stop].tolist(),
                    events.types[start:stop].tolist(),
                    events.timestamps[start:stop].tolist(),
                )
                progress.update(task, completed=min(stop, len(events)))
        console.print(f"simulated {len(shop.catalog):,} items and {len(shop.events):,} events")
    if store.live_bundle() is None:
        run_training(store, settings, models=list(settings.models), seed=seed)
    return store
