"""Impression logging: every homepage served becomes rows of the log.

One page view writes one ``page_views`` row (what the section order policy saw
and chose, the experiment arm) and one ``impressions`` row per product shown:
request id, item, section, ``position`` (1-based within its row),
``section_position`` (1-based row), model version, experiment arm and the
propensity of the page's section order.

Writes are buffered: :meth:`ImpressionLogger.log` only queues rows, and
:meth:`ImpressionLogger.flush` (called when the buffer fills, by the background
flusher, or by the caller) writes them in one transaction. Serving a page thus
never waits for the database; a crash loses at most the last flush interval of
impressions, never an event.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Engine, Table
from sqlalchemy.dialects import postgresql, sqlite

from shopfront.feedback.journal import DecisionJournal, OrderDecision
from shopfront.feedback.tables import page_views
from shopfront.homepage.page import Homepage
from shopfront.store import schema

logger = logging.getLogger(__name__)

DEFAULT_MAX_BUFFER = 2_000
MAX_PENDING_PAGES = 50_000


def arm_label(experiment: dict[str, Any]) -> str | None:
    """The ``impressions.arm`` value of a page's experiment assignment: ``"<experiment>:<arm>"``.

    Example:
        >>> arm_label({"experiment_id": "order-test", "arm": "bandit"})
        'order-test:bandit'
        >>> arm_label({}) is None
        True
    """
    if not experiment.get("experiment_id") or not experiment.get("arm"):
        return None
    return f"{experiment['experiment_id']}:{experiment['arm']}"


def impression_rows(page: Homepage, *, served_at: float) -> list[dict[str, Any]]:
    """One ``impressions`` row per product of ``page``."""
    arm = arm_label(page.experiment)
    propensity = page.ordering.propensity if page.ordering is not None else None
    return [
        {
            "request_id": page.request_id,
            "item_id": item.item_id,
            "user_id": page.user_id,
            "section_id": section.id,
            "position": item.position,
            "section_position": row,
            "model_version": page.model_version,
            "arm": arm,
            "propensity": propensity,
            "served_at": served_at,
        }
        for row, section in enumerate(page.sections, start=1)
        for item in section.items
    ]


def page_view_row(
    page: Homepage, decision: OrderDecision | None, *, served_at: float
) -> dict[str, Any]:
    """The ``page_views`` row of ``page``; ``decision`` adds what the policy was offered."""
    ordering = page.ordering or (decision.order if decision is not None else None)
    details: dict[str, Any] = decision.as_dict() if decision is not None else {}
    details["rows"] = [section.id for section in page.sections]
    details["items_per_row"] = [len(section.items) for section in page.sections]
    return {
        "request_id": page.request_id,
        "served_at": served_at,
        "model_version": page.model_version,
        "experiment_id": page.experiment.get("experiment_id"),
        "arm": page.experiment.get("arm"),
        "policy": ordering.policy if ordering is not None and ordering.policy else "default",
        "segment": decision.segment if decision is not None else None,
        "propensity": ordering.propensity if ordering is not None else None,
        "ordering": json.dumps(details),
    }


class ImpressionLogger:
    """Buffers the rows of served pages and writes them in batches.

    Args:
        engine: The store's engine (``store.engine``).
        journal: Where the section order decisions of the pages are found.
        max_buffer: Impressions buffered before a write is forced.

    Example:
        >>> from shopfront.store.store import Store
        >>> from shopfront.homepage.page import PageItem, Section
        >>> store = Store("sqlite://")
        >>> log = ImpressionLogger(store.engine)
        >>> items = [PageItem("sku-1", "Tea", 0.9, "popular", 1)]
        >>> row = Section("trending", "Trending", "", items)
        >>> page = Homepage("req-1", "u1", "v1", False, [row])
        >>> log.log(page, served_at=1.7e9)
        >>> log.flush()
        1
    """

    def __init__(
        self,
        engine: Engine,
        *,
        journal: DecisionJournal | None = None,
        max_buffer: int = DEFAULT_MAX_BUFFER,
    ) -> None:
        self.engine = engine
        self.journal = journal
        self.max_buffer = max_buffer
        self._pages: list[dict[str, Any]] = []
        self._impressions: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def log(self, page: Homepage, *, served_at: float | None = None) -> None:
        """Queue the rows of one served page (written by the next flush)."""
        served_at = time.time() if served_at is None else served_at
        decision = self.journal.pop(page.request_id) if self.journal is not None else None
        page_row = page_view_row(page, decision, served_at=served_at)
        rows = impression_rows(page, served_at=served_at)
        with self._lock:
            self._pages.append(page_row)
            self._impressions.extend(rows)
            full = len(self._impressions) >= self.max_buffer
        if full:
            self.flush()

    def flush(self) -> int:
        """Write every queued row in one transaction; returns the impressions written.

        When the write fails, the rows go back to the queue (up to
        ``MAX_PENDING_PAGES`` page views, the oldest dropped beyond) and the
        error is raised.
        """
        with self._write_lock:
            with self._lock:
                pages, self._pages = self._pages, []
                impressions, self._impressions = self._impressions, []
            if not pages:
                return 0
            try:
                _write(self.engine, pages, impressions)
            except Exception:
                self._requeue(pages, impressions)
                raise
        logger.debug("flushed impressions pages=%d rows=%d", len(pages), len(impressions))
        return len(impressions)

    def _requeue(self, pages: list[dict[str, Any]], impressions: list[dict[str, Any]]) -> None:
        """Put unwritten rows back in front of the queue, within the pending limit."""
        with self._lock:
            self._pages = pages + self._pages
            self._impressions = impressions + self._impressions
            excess = len(self._pages) - MAX_PENDING_PAGES
            if excess > 0:
                dropped = {row["request_id"] for row in self._pages[:excess]}
                self._pages = self._pages[excess:]
                self._impressions = [
                    row for row in self._impressions if row["request_id"] not in dropped
                ]
                logger.warning("impression log full; dropped pages=%d", excess)

    def start(self, interval_s: float = 1.0) -> None:
        """Flush every ``interval_s`` seconds in a background thread until :meth:`close`."""
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(
            target=self._run, args=(interval_s,), name="impression-flusher", daemon=True
        )
        self._thread.start()

    def close(self) -> None:
        """Stop the background thread and write what is left."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        self.flush()

    def _run(self, interval_s: float) -> None:
        while not self._stop.wait(interval_s):
            try:
                self.flush()
            except Exception:  # keep flushing later: the next write may succeed
                logger.exception("impression flush failed")


def _write(
    engine: Engine, pages: Sequence[dict[str, Any]], impressions: list[dict[str, Any]]
) -> None:
    """Insert pages and impressions; a page or (request, item) pair already stored is skipped."""
    unique = list({(r["request_id"], r["item_id"]): r for r in impressions}.values())
    with engine.begin() as connection:
        connection.execute(_insert_new(engine, page_views, ["request_id"]), list(pages))
        if unique:
            statement = _insert_new(engine, schema.impressions, ["request_id", "item_id"])
            connection.execute(statement, unique)


def _insert_new(engine: Engine, table: Table, keys: list[str]) -> Any:
    """An insert of ``table`` that skips rows whose ``keys`` are already stored."""
    dialect_insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert
    return dialect_insert(table).on_conflict_do_nothing(index_elements=keys)
