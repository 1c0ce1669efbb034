"""``shopfront import``: bulk events or catalog from a file or dataset folder."""

from __future__ import annotations

from pathlib import Path

import typer

from shopfront.cli.console import console, progress_bar
from shopfront.config import Settings
from shopfront.ingest.files import import_file
from shopfront.privacy.pseudonymization import pseudonymizer_from_settings
from shopfront.store.store import Store


def import_command(
    file: Path = typer.Argument(..., exists=True, help="JSONL, CSV, Parquet or an Amazon folder."),
    db: str = typer.Option("sqlite:///shopfront.db", "--db", help="Database URL."),
) -> None:
    """Import events (or catalog items) into the store; rerunning skips what is stored."""
    store = Store(db)
    # With SHOPFRONT_PSEUDONYMIZATION_KEY set, raw shopper ids never reach the store.
    pseudonymizer = pseudonymizer_from_settings(Settings(db_url=db))
    with progress_bar() as progress:
        task = progress.add_task(f"importing {file.name}", total=None)
        report = import_file(
            store,
            file,
            progress=lambda n: progress.advance(task, n),
            pseudonymize=pseudonymizer.many if pseudonymizer else None,
        )
    console.print(
        f"{report.kind}: read {report.read:,}, imported {report.imported:,}, "
        f"duplicates {report.duplicates:,}, rejected {report.rejected:,}"
    )
    for error in report.errors:
        console.print(f"  [red]rejected[/] {error}")
    if report.rejected > len(report.errors):
        console.print(f"  … and {report.rejected - len(report.errors):,} more rejected rows")
