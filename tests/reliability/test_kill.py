"""``kill -9`` of the server or of a bulk import loses no acknowledged event (issue #7).

The server and the importer run as real subprocesses on a SQLite file; the
kill is SIGKILL, so nothing gets a chance to flush or clean up. Afterwards every
event the service acknowledged must be stored, and a rerun of the import must
land every event of the file exactly once.
"""

from __future__ import annotations

import itertools
import os
import re
import signal
import sqlite3
import subprocess
import threading
import time
from pathlib import Path

import httpx

from shopfront.store.store import Store
from tests.reliability.server import ServerProcess, shopfront_command

BATCH = 100
WRITERS = 4
ACKNOWLEDGED_BEFORE_KILL = 20
IMPORT_EVENTS = 150_000  # two commits of the importer's 100k-row chunks


class IngestStream:
    """Writers posting batches of fresh events; remembers what the server acknowledged."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.acknowledged: list[list[str]] = []
        self.interrupted = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = [
            threading.Thread(target=self._write, args=(worker,), daemon=True)
            for worker in range(WRITERS)
        ]

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=30)

    def wait_for(self, batches: int, timeout_s: float = 120.0) -> None:
        deadline = time.monotonic() + timeout_s
        while len(self.acknowledged) < batches and time.monotonic() < deadline:
            time.sleep(0.01)
        assert len(self.acknowledged) >= batches, "the server acknowledged too few batches"

    def _write(self, worker: int) -> None:
        with httpx.Client(base_url=self.base_url, timeout=30) as client:
            for number in itertools.count():
                if self._stop.is_set():
                    return
                ids, events = _batch(worker, number)
                try:
                    answer = client.post("/v1/events", json={"events": events})
                except httpx.HTTPError:
                    with self._lock:
                        self.interrupted += 1
                    return
                body = answer.json() if answer.status_code == 200 else {}
                if body.get("accepted", 0) + body.get("duplicates", 0) == BATCH:
                    with self._lock:
                        self.acknowledged.append(ids)


def _batch(worker: int, number: int) -> tuple[list[str], list[dict[str, object]]]:
    now = time.time()
    ids = [f"w{worker}-b{number}-e{k}" for k in range(BATCH)]
    events = [
        {"event_id": i, "user_id": f"u{worker}-{k % 9}", "item_id": f"sku-{k}", "type": "view",
         "timestamp": now}
        for k, i in enumerate(ids)
    ]  # fmt: skip
    return ids, events


def test_kill_9_during_http_ingest_loses_no_acknowledged_event(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    Store(url).close()
    server = ServerProcess(url, tmp_path / "bundles", tmp_path / "server.log").start()
    stream = IngestStream(server.base_url)
    stream.start()
    try:
        stream.wait_for(ACKNOWLEDGED_BEFORE_KILL)
        server.kill()
    finally:
        stream.stop()
        server.stop()
    assert stream.interrupted >= 1, "the kill must land while batches are in flight"
    acknowledged = {event_id for ids in stream.acknowledged for event_id in ids}

    # A restarted server has every acknowledged event, and a retry counts as a duplicate.
    with ServerProcess(url, tmp_path / "bundles", tmp_path / "server.log") as restarted:
        store = Store(url)
        assert store.existing_event_ids(acknowledged) == acknowledged
        ids, events = _batch(0, 0)
        answer = httpx.post(f"{restarted.base_url}/v1/events", json={"events": events}).json()
        assert (answer["accepted"], answer["duplicates"]) == (0, BATCH)
        store.close()


def write_events_file(path: Path, n: int) -> list[str]:
    """A JSON Lines file of ``n`` events; returns their ids."""
    ids = [f"imp-{i:07d}" for i in range(n)]
    with path.open("w") as handle:
        for i, event_id in enumerate(ids):
            handle.write(
                f'{{"event_id":"{event_id}","user_id":"u{i % 5000}","item_id":"sku-{i % 3000}",'
                f'"type":"view","timestamp":{1.7e9 + i}}}\n'
            )
    return ids


def count_events(db: Path) -> tuple[int, int]:
    """Rows and distinct event ids in the events table, read beside the writer."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30) as connection:
        rows, distinct = connection.execute(
            "SELECT COUNT(*), COUNT(DISTINCT event_id) FROM events"
        ).fetchone()
    return int(rows), int(distinct)


def test_kill_9_during_bulk_import_then_rerun_lands_every_event_once(tmp_path: Path) -> None:
    db = tmp_path / "shop.db"
    url = f"sqlite:///{db}"
    Store(url).close()
    source = tmp_path / "events.jsonl"
    expected = write_events_file(source, IMPORT_EVENTS)

    # Kill the importer as soon as its first chunk is committed.
    with (tmp_path / "import.log").open("wb") as log:
        importer = subprocess.Popen(
            shopfront_command("import", str(source), "--db", url), stdout=log, stderr=log
        )
        deadline = time.monotonic() + 120
        while count_events(db)[0] == 0 and importer.poll() is None:
            assert time.monotonic() < deadline, "the importer committed nothing in time"
            time.sleep(0.01)
        os.kill(importer.pid, signal.SIGKILL)
        importer.wait(timeout=30)
    committed, _ = count_events(db)
    assert 0 < committed < IMPORT_EVENTS, "the kill must land mid-import"

    rerun = subprocess.run(
        shopfront_command("import", str(source), "--db", url),
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    assert count_events(db) == (IMPORT_EVENTS, IMPORT_EVENTS)
    with sqlite3.connect(db) as connection:
        stored = {row[0] for row in connection.execute("SELECT event_id FROM events")}
        sample = connection.execute(
            "SELECT user_id, item_id FROM events WHERE event_id = 'imp-0123457'"
        ).fetchone()
    assert stored == set(expected)
    assert sample == ("u3457", "sku-457")
    report = re.sub(r"\s+", " ", rerun.stdout + rerun.stderr)
    assert f"imported {IMPORT_EVENTS - committed:,}, duplicates {committed:,}" in report
