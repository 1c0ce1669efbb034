"""``shopfront purge`` and ``shopfront forget``: retention and erasure from the command line."""

from __future__ import annotations

import typer

from shopfront.cli.console import console
from shopfront.config import Settings
from shopfront.privacy import erase_user, run_retention
from shopfront.store.store import Store


def purge(
    db: str = typer.Option("sqlite:///shopfront.db", "--db", help="Database URL."),
    days: float = typer.Option(..., help="Keep events of the last DAYS days; purge the rest."),
) -> None:
    """Delete events (and impressions) older than the retention window."""
    report = run_retention(Settings(db_url=db), retention_days=days)
    console.print(
        f"purged {report.events:,} events and {report.impressions:,} impressions "
        f"older than {days:g} days"
    )


def forget(
    user_id: str = typer.Argument(..., help="The shopper's id as stored."),
    db: str = typer.Option("sqlite:///shopfront.db", "--db", help="Database URL."),
) -> None:
    """Delete one shopper everywhere in the store; the next model leaves them out."""
    report = erase_user(Store(db), user_id)
    console.print(f"deleted {report.events:,} events of the shopper")
