"""Bulk import of event and catalog files: JSON Lines, CSV, Parquet, OTTO sessions.

Files are read with pyarrow and validated column by column, so a million-event
file imports at the speed of the database rather than of Python loops. Rows that
break a constraint are reported (the first few in full, all of them counted) and
the rest land. Each chunk is committed before the next is read, so an
interrupted import keeps everything it reported as imported; rerunning it skips
what is already stored (event ids).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.json as pajson
import pyarrow.parquet as pq

from shopfront.errors import EventValidationError, ValidationError
from shopfront.ingest.report import MAX_REPORTED_ERRORS, ImportReport
from shopfront.ingest.validation import EARLIEST_TIMESTAMP
from shopfront.store.records import InteractionType, Item
from shopfront.store.store import Store

logger = logging.getLogger(__name__)

CHUNK_ROWS = 100_000
EVENT_COLUMNS = ("user_id", "item_id", "type", "timestamp")

ProgressCallback = Callable[[int], None]
Pseudonymize = Callable[[list[str]], list[str]]


def read_table(path: Path) -> pa.Table:
    """A file as an Arrow table, by extension (.jsonl/.json/.ndjson, .csv, .parquet)."""
    suffix = path.suffix.lower()
    if suffix in {".jsonl", ".ndjson", ".json"}:
        return pajson.read_json(path)
    if suffix == ".csv":
        return pacsv.read_csv(path)
    if suffix in {".parquet", ".pq"}:
        return pq.read_table(path)
    raise ValidationError(f"file must end in .jsonl, .json, .csv or .parquet, got {path.name!r}")


def import_file(
    store: Store,
    path: Path,
    *,
    progress: ProgressCallback | None = None,
    pseudonymize: Pseudonymize | None = None,
) -> ImportReport:
    """Import events or catalog items from ``path``, whichever the file holds.

    Args:
        store: Where rows are committed, chunk by chunk.
        path: A JSONL, CSV or Parquet file, or an Amazon sequence folder.
        progress: Called with the number of rows of each committed chunk.
        pseudonymize: Maps a list of user ids to their pseudonyms before anything
            is stored (see :mod:`shopfront.privacy`); ids are kept as given when ``None``.
    """
    if path.is_dir():
        from shopfront.ingest.amazon_import import import_amazon_folder

        return import_amazon_folder(store, path, progress=progress, pseudonymize=pseudonymize)
    table = read_table(path)
    names = set(table.column_names)
    if {"session", "events"} <= names:
        table = flatten_otto_sessions(table)
        names = set(table.column_names)
    if "user_id" in names:
        return import_event_table(store, table, progress=progress, pseudonymize=pseudonymize)
    if "item_id" in names:
        return import_item_table(store, table)
    raise ValidationError(
        f"file {path.name!r} must have a user_id column (events) or item_id column (catalog), "
        f"got columns {sorted(names)}"
    )


def flatten_otto_sessions(table: pa.Table) -> pa.Table:
    """OTTO's one-session-a-line form as one event a row (aid → item, ts in ms)."""
    rows: dict[str, list[Any]] = {c: [] for c in ("event_id", *EVENT_COLUMNS)}
    for session, events in zip(
        table["session"].to_pylist(), table["events"].to_pylist(), strict=True
    ):
        for position, event in enumerate(events):
            rows["event_id"].append(f"otto-{session}-{position}")
            rows["user_id"].append(str(session))
            rows["item_id"].append(str(event["aid"]))
            rows["type"].append(event["type"])
            rows["timestamp"].append(event["ts"] / 1000.0)
    return pa.table(rows)


def import_event_table(
    store: Store,
    table: pa.Table,
    *,
    progress: ProgressCallback | None = None,
    pseudonymize: Pseudonymize | None = None,
) -> ImportReport:
    """Validate and store an Arrow table of events, chunk by chunk."""
    report = ImportReport(kind="events")
    missing = [c for c in EVENT_COLUMNS if c not in table.column_names]
    if missing:
        raise ValidationError(
            f"events file must have columns {list(EVENT_COLUMNS)}; missing {missing}"
        )
    for offset, chunk in _chunks(table):
        columns, errors = validate_event_columns(chunk, offset)
        if pseudonymize is not None:
            columns = (columns[0], pseudonymize(columns[1]), *columns[2:])
        report.read += chunk.num_rows
        report.rejected += len(errors)
        report.errors += errors[: MAX_REPORTED_ERRORS - len(report.errors)]
        imported = store.insert_event_columns(*columns)
        report.imported += imported
        report.duplicates += len(columns[0]) - imported
        if progress is not None:
            progress(chunk.num_rows)
    logger.info(
        "imported events read=%d imported=%d duplicates=%d rejected=%d",
        report.read,
        report.imported,
        report.duplicates,
        report.rejected,
    )
    return report


def _chunks(table: pa.Table) -> Iterator[tuple[int, pa.Table]]:
    for offset in range(0, table.num_rows, CHUNK_ROWS):
        yield offset, table.slice(offset, CHUNK_ROWS)


def validate_event_columns(
    chunk: pa.Table, offset: int
) -> tuple[
    tuple[list[str], list[str], list[str], list[int], list[float]], list[EventValidationError]
]:
    """Vectorized checks of one chunk; returns the valid columns and one error per bad row."""
    n = chunk.num_rows
    user_ids = _string_column(chunk["user_id"])
    item_ids = _string_column(chunk["item_id"])
    types = _type_column(chunk["type"])
    timestamps = _timestamp_column(chunk["timestamp"])
    bad: dict[int, EventValidationError] = {}

    checks = [
        ("user_id", user_ids == "", "must be a non-empty string", chunk["user_id"]),
        ("item_id", item_ids == "", "must be a non-empty string", chunk["item_id"]),
        (
            "type",
            types == 0,
            f"must be one of {', '.join(t.label for t in InteractionType)}",
            chunk["type"],
        ),
        (
            "timestamp",
            ~(timestamps >= EARLIEST_TIMESTAMP),
            "must be Unix seconds or ISO 8601 after 2000-01-01",
            chunk["timestamp"],
        ),
    ]
    for name, failed, constraint, raw in checks:
        for row in np.flatnonzero(failed):
            bad.setdefault(
                int(row),
                EventValidationError(offset + int(row), name, constraint, raw[int(row)].as_py()),
            )

    keep = np.ones(n, dtype=bool)
    keep[list(bad)] = False
    event_ids = _event_ids(chunk, user_ids, item_ids, types, timestamps)
    columns = (
        event_ids[keep].tolist(),
        user_ids[keep].tolist(),
        item_ids[keep].tolist(),
        types[keep].tolist(),
        timestamps[keep].tolist(),
    )
    return columns, [bad[row] for row in sorted(bad)]


def _string_column(column: pa.ChunkedArray) -> np.ndarray:
    """Strings with nulls as ``""`` (integers are read as their decimal text)."""
    text = pc.utf8_trim_whitespace(pc.cast(column, pa.string()))
    return np.asarray(pc.fill_null(text, "").to_numpy(zero_copy_only=False), dtype=object)


def _type_column(column: pa.ChunkedArray) -> np.ndarray:
    """Interaction type values (0 where unknown)."""
    values = pc.fill_null(pc.cast(column, pa.string()), "").to_pylist()
    table: dict[str, int] = {}
    for value in set(values):
        try:
            table[value] = int(InteractionType.parse(int(value) if value.isdigit() else value))
        except ValueError:
            table[value] = 0
    return np.fromiter((table[v] for v in values), dtype=np.int64, count=len(values))


def _timestamp_column(column: pa.ChunkedArray) -> np.ndarray:
    """Unix seconds as float64 (NaN where unreadable); milliseconds are recognised."""
    if pa.types.is_timestamp(column.type):
        seconds = pc.cast(pc.cast(column, pa.timestamp("us", tz="UTC")), pa.int64())
        return np.asarray(pc.fill_null(seconds, 0).to_numpy(), dtype=np.float64) / 1e6
    if pa.types.is_integer(column.type) or pa.types.is_floating(column.type):
        values = np.asarray(
            pc.cast(column, pa.float64()).to_numpy(zero_copy_only=False), dtype=np.float64
        )
        return np.where(values > 1e11, values / 1000.0, values)
    text = pc.cast(column, pa.string()).to_pylist()
    return np.array([_parse_text_time(v) for v in text], dtype=np.float64)


def _parse_text_time(value: str | None) -> float:
    from datetime import datetime

    if value is None:
        return float("nan")
    try:
        number = float(value)
        return number / 1000.0 if number > 1e11 else number
    except ValueError:
        pass
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return float("nan")
    return parsed.timestamp() if parsed.tzinfo else float("nan")


def _event_ids(
    chunk: pa.Table,
    user_ids: np.ndarray,
    item_ids: np.ndarray,
    types: np.ndarray,
    timestamps: np.ndarray,
) -> np.ndarray:
    """The file's event ids, or ids derived from content where it has none."""
    from shopfront.ingest.validation import derive_event_id

    if "event_id" in chunk.column_names:
        given = _string_column(chunk["event_id"])
        if (given != "").all():
            return given
    else:
        given = np.full(len(user_ids), "", dtype=object)
    derived = [
        given[i] or derive_event_id(user_ids[i], item_ids[i], int(types[i]), float(timestamps[i]))
        for i in range(len(user_ids))
    ]
    return np.asarray(derived, dtype=object)


def import_item_table(store: Store, table: pa.Table) -> ImportReport:
    """Upsert a catalog table (item_id, title, category, brand, price, …)."""
    report = ImportReport(kind="items")
    items: list[Item] = []
    for index, row in enumerate(table.to_pylist()):
        report.read += 1
        try:
            items.append(item_from_mapping(row, index))
        except EventValidationError as error:
            report.rejected += 1
            if len(report.errors) < MAX_REPORTED_ERRORS:
                report.errors.append(error)
    report.imported = store.upsert_items(items)
    logger.info(
        "imported items read=%d imported=%d rejected=%d",
        report.read,
        report.imported,
        report.rejected,
    )
    return report


def item_from_mapping(row: dict[str, Any], index: int) -> Item:
    """One catalog item from a JSON-like mapping.

    Raises:
        EventValidationError: A field breaks its constraint (the error names the row).
    """
    item_id = row.get("item_id")
    if item_id is None or str(item_id).strip() == "":
        raise EventValidationError(index, "item_id", "must be a non-empty string", item_id)
    price = row.get("price")
    if price is not None and (
        not isinstance(price, (int, float)) or isinstance(price, bool) or price < 0
    ):
        raise EventValidationError(index, "price", "must be a number >= 0", price)
    attributes = row.get("attributes") or {}
    if isinstance(attributes, str):
        attributes = json.loads(attributes)
    return Item(
        item_id=str(item_id).strip(),
        title=str(row.get("title") or ""),
        category=str(row.get("category") or ""),
        brand=str(row.get("brand") or ""),
        price=None if price is None else float(price),
        attributes=dict(attributes),
        in_stock=bool(row.get("in_stock", True)),
        created_at=row.get("created_at"),
    )
