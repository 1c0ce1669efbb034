"""``python -m shopfront.privacy``: the privacy jobs, for cron and operators.

Commands:
    purge [--db URL] [--days N]   apply the retention window once
    forget USER_ID [--db URL]     delete one shopper (pseudonymized with the configured key)

Options fall back to the ``SHOPFRONT_`` environment settings.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import sys
from collections.abc import Sequence

from shopfront.config import Settings
from shopfront.errors import ShopfrontError
from shopfront.privacy.erasure import erase_user
from shopfront.privacy.pseudonymization import pseudonymizer_from_settings
from shopfront.privacy.retention import run_retention
from shopfront.store.store import Store


def main(argv: Sequence[str] | None = None) -> int:
    """Run one privacy job; prints a JSON summary and returns the exit status."""
    arguments = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    settings = Settings() if arguments.db is None else Settings(db_url=arguments.db)
    try:
        summary = (
            _purge(settings, arguments.days)
            if arguments.command == "purge"
            else _forget(settings, arguments.user_id)
        )
    except ShopfrontError as error:
        sys.stderr.write(f"error: {error}\n")
        return 2
    sys.stdout.write(json.dumps(summary) + "\n")
    return 0


def _purge(settings: Settings, days: float | None) -> dict[str, float]:
    report = run_retention(settings, retention_days=days)
    return dataclasses.asdict(report)


def _forget(settings: Settings, user_id: str) -> dict[str, object]:
    pseudonymize = pseudonymizer_from_settings(settings)
    store = Store(settings.db_url)
    try:
        report = erase_user(store, pseudonymize(user_id) if pseudonymize else user_id)
    finally:
        store.close()
    return {"events": report.events}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m shopfront.privacy", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    purge = commands.add_parser("purge", help="Purge events older than the retention window.")
    purge.add_argument("--db", default=None, help="Database URL (SHOPFRONT_DB_URL by default).")
    purge.add_argument("--days", type=float, default=None, help="Retention window in days.")
    forget = commands.add_parser("forget", help="Delete one shopper's data.")
    forget.add_argument("user_id", help="The shop's id of the shopper.")
    forget.add_argument("--db", default=None, help="Database URL (SHOPFRONT_DB_URL by default).")
    return parser


if __name__ == "__main__":
    sys.exit(main())
