"""Import of an Amazon sequence folder into the store, as purchases.

The Amazon form has no timestamps; each user's items are given one day apart
from a fixed origin, so that order (all the data has) is kept.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from shopfront.ingest.amazon import read_amazon_folder
from shopfront.ingest.report import ImportReport
from shopfront.store.records import InteractionType
from shopfront.store.store import Store

if TYPE_CHECKING:
    from pathlib import Path

logger = logging.getLogger(__name__)

ORIGIN = 1_388_534_400.0  # 2014-01-01 UTC, the era of the Amazon review data


def import_amazon_folder(
    store: Store,
    folder: Path,
    *,
    progress: Callable[[int], None] | None = None,
    pseudonymize: Callable[[list[str]], list[str]] | None = None,
) -> ImportReport:
    """Upsert the folder's catalog and store every interaction as a purchase."""
    data = read_amazon_folder(folder)
    store.upsert_items(data.catalog)
    report = ImportReport(kind="events")
    for start in range(0, len(data.user_ids), 10_000):
        columns: tuple[list[str], list[str], list[str], list[int], list[float]] = (
            [],
            [],
            [],
            [],
            [],
        )
        for user_id, sequence in zip(
            data.user_ids[start : start + 10_000],
            data.sequences[start : start + 10_000],
            strict=True,
        ):
            for position, item_id in enumerate(sequence):
                columns[0].append(f"{data.name}-{user_id}-{position}")
                columns[1].append(user_id)
                columns[2].append(item_id)
                columns[3].append(int(InteractionType.PURCHASE))
                columns[4].append(ORIGIN + position * 86_400.0)
        if pseudonymize is not None:
            columns = (columns[0], pseudonymize(columns[1]), *columns[2:])
        imported = store.insert_event_columns(*columns)
        report.read += len(columns[0])
        report.imported += imported
        report.duplicates += len(columns[0]) - imported
        if progress is not None:
            progress(len(columns[0]))
    logger.info("imported amazon folder name=%s events=%d", data.name, report.imported)
    return report
