"""Ingest throughput: bulk file import into SQLite, and HTTP batches.

Targets (DESIGN.md): ≥ 100k events/s from a bulk file into SQLite; ≥ 5k events/s
over HTTP in batches.
"""

from __future__ import annotations

import json
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from tests.shop import FAST_MODELS, tiny_catalog, tiny_events

from benchmarks.common import peak_memory_mib, running_server
from shopfront.feedback.retrain import train_bundle
from shopfront.ingest.files import import_file
from shopfront.store.store import Store

TYPES = np.array(["view", "click", "add_to_cart", "purchase"])


def write_events(path: Path, n: int, seed: int = 0) -> Path:
    """A Parquet file of ``n`` synthetic events."""
    rng = np.random.default_rng(seed)
    table = pa.table(
        {
            "event_id": [f"e{i:09d}" for i in range(n)],
            "user_id": [f"u{u}" for u in rng.integers(0, n // 20 + 1, n)],
            "item_id": [f"i{i}" for i in rng.integers(0, 12_000, n)],
            "type": TYPES[rng.choice(4, n, p=[0.7, 0.2, 0.07, 0.03])],
            "timestamp": 1.7e9 + np.sort(rng.uniform(0, 60 * 86_400, n)),
        }
    )
    pq.write_table(table, path)
    return path


def bulk_import(folder: Path, n: int) -> dict[str, float]:
    path = write_events(folder / "events.parquet", n)
    store = Store(f"sqlite:///{folder / 'bulk.db'}")
    started = time.perf_counter()
    report = import_file(store, path)
    elapsed = time.perf_counter() - started
    assert report.imported == n
    return {
        "bulk_events": n,
        "bulk_seconds": round(elapsed, 2),
        "bulk_events_per_s": round(n / elapsed),
    }


def http_ingest(
    folder: Path, n_batches: int, batch_size: int = 1000, clients: int = 4
) -> dict[str, float]:
    url = f"sqlite:///{folder / 'http.db'}"
    store = Store(url)
    store.upsert_items(tiny_catalog())
    store.insert_interactions(tiny_events())
    train_bundle(store, folder / "bundles", models=FAST_MODELS)

    def batch(number: int) -> list[dict[str, object]]:
        now = time.time()
        return [
            {
                "event_id": f"h{number}-{i}",
                "user_id": f"u{i % 97}",
                "item_id": f"sku-{i % 80}",
                "type": "view",
                "timestamp": now,
            }
            for i in range(batch_size)
        ]

    with (
        running_server(url, folder / "bundles") as base,
        httpx.Client(base_url=base, timeout=60) as client,
    ):
        bodies = [json.dumps({"events": batch(b)}) for b in range(n_batches)]
        started = time.perf_counter()

        def send(body: str) -> int:
            response = client.post(
                "/v1/events", content=body, headers={"Content-Type": "application/json"}
            )
            return int(response.json()["accepted"])

        with ThreadPoolExecutor(clients) as pool:
            accepted = sum(pool.map(send, bodies))
        elapsed = time.perf_counter() - started
    assert accepted == n_batches * batch_size
    return {
        "http_events": accepted,
        "http_batch_size": batch_size,
        "http_clients": clients,
        "http_events_per_s": round(accepted / elapsed),
    }


def run(quick: bool = False) -> dict[str, float]:
    """Both measurements; ``quick`` uses smaller volumes."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        results = bulk_import(folder, 200_000 if quick else 1_000_000)
        results |= http_ingest(folder, 20 if quick else 100)
    results["peak_memory_mib"] = round(peak_memory_mib())
    return results


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
