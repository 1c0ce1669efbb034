"""``shopfront serve``: the HTTP service over an existing store."""

from __future__ import annotations

from pathlib import Path

import typer
import uvicorn

from shopfront.api.app import create_app
from shopfront.cli.console import console
from shopfront.config import Settings


def serve(
    db: str = typer.Option("sqlite:///shopfront.db", "--db", help="Database URL."),
    bundle_dir: Path = typer.Option(Path("bundles"), help="Folder of bundle versions."),
    host: str = typer.Option("127.0.0.1", help="Interface to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
) -> None:
    """Serve homepages, ingest and the storefront page."""
    settings = Settings(db_url=db, bundle_dir=bundle_dir)
    app = create_app(settings)
    console.print(f"storefront on [bold]http://{host}:{port}/[/]  API docs on /docs")
    uvicorn.run(app, host=host, port=port, log_level="warning")
