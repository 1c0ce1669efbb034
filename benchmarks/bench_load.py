"""Load on loopback: hundreds of concurrent clients mixing homepage reads and event writes.

A simulated shop is stored in SQLite and trained, ``shopfront serve`` runs in a
subprocess on a free port, and every client, like one shopper's browser, holds
its own connection and sends its requests one after the other: a homepage for a
random shopper, or (30% of the time) a batch of 10 fresh events. Reported:
requests per second, p50/p99 latency per kind, and every error (any non-2xx
answer or failed connection). Client and server share the machine's cores::

    python -m benchmarks.bench_load [--quick]

The quick run is 200 clients over a 2,000-item shop; the full run 400 clients
over a 12,000-item shop. Before the mixed load, 16 clients measure the server's
throughput on homepages alone against a trivial JSON endpoint (``/healthz``),
the comparison of DESIGN.md's serving target.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import ssl
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import numpy as np
from tests.reliability.server import ServerProcess, cpu_seconds

from shopfront.config import DEFAULT_MODELS
from shopfront.feedback.retrain import train_bundle
from shopfront.simulate import SimulationConfig, simulate_shop
from shopfront.store.store import Store

WRITE_SHARE = 0.3
EVENTS_PER_WRITE = 10
MAX_ERRORS_KEPT = 5

# Shared by every client: building one TLS context per client costs more CPU than a request.
_TLS = ssl.create_default_context()


@dataclass
class LoadResult:
    """What a load run measured."""

    seconds: float = 0.0
    latencies: dict[str, list[float]] = field(default_factory=lambda: {"read": [], "write": []})
    errors: list[str] = field(default_factory=list)
    n_errors: int = 0
    events_written: int = 0

    def record_error(self, message: str) -> None:
        self.n_errors += 1
        if len(self.errors) < MAX_ERRORS_KEPT:
            self.errors.append(message)

    def summary(self) -> dict[str, object]:
        """Counts, throughput and latency percentiles (milliseconds)."""
        every = self.latencies["read"] + self.latencies["write"]
        figures: dict[str, object] = {
            "requests": len(every) + self.n_errors,
            "errors": self.n_errors,
            "error_examples": self.errors,
            "seconds": round(self.seconds, 2),
            "requests_per_second": round(len(every) / self.seconds, 1) if self.seconds else 0.0,
            "events_per_second": round(self.events_written / self.seconds, 1)
            if self.seconds
            else 0.0,
        }
        for kind, values in (("all", every), *self.latencies.items()):
            if values:
                p50, p99 = np.percentile(np.asarray(values) * 1000, [50, 99])
                figures[f"{kind}_p50_ms"] = round(float(p50), 1)
                figures[f"{kind}_p99_ms"] = round(float(p99), 1)
        return figures


async def drive(
    base_url: str,
    *,
    clients: int,
    rounds: int,
    user_ids: Sequence[str],
    item_ids: Sequence[str],
    seed: int = 0,
) -> LoadResult:
    """Run ``clients`` concurrent clients of ``rounds`` requests each against ``base_url``."""
    result = LoadResult()
    started = time.perf_counter()
    await asyncio.gather(
        *(
            _client(
                base_url, number, rounds, user_ids, item_ids, random.Random(seed + number), result
            )
            for number in range(clients)
        )
    )
    result.seconds = time.perf_counter() - started
    return result


async def _client(
    base_url: str,
    number: int,
    rounds: int,
    user_ids: Sequence[str],
    item_ids: Sequence[str],
    rng: random.Random,
    result: LoadResult,
) -> None:
    """One shopper's browser: its own connection, one request after the other."""
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    async with httpx.AsyncClient(
        base_url=base_url, limits=limits, timeout=300.0, verify=_TLS
    ) as http:
        for round_ in range(rounds):
            await _request(http, f"load-{number}-{round_}", user_ids, item_ids, rng, result)


async def _request(
    http: httpx.AsyncClient,
    prefix: str,
    user_ids: Sequence[str],
    item_ids: Sequence[str],
    rng: random.Random,
    result: LoadResult,
) -> None:
    user_id = rng.choice(user_ids)
    write = rng.random() < WRITE_SHARE
    began = time.perf_counter()
    try:
        if write:
            events = _events(prefix, user_id, rng.sample(list(item_ids), 3))
            answer = await http.post("/v1/events", json={"events": events})
        else:
            answer = await http.get(f"/v1/homepage/{user_id}")
    except httpx.HTTPError as error:
        result.record_error(f"{type(error).__name__}: {error!r}")
        return
    if answer.status_code != 200:
        result.record_error(f"{answer.status_code}: {answer.text[:200]}")
        return
    result.latencies["write" if write else "read"].append(time.perf_counter() - began)
    result.events_written += EVENTS_PER_WRITE if write else 0


async def throughput(base_url: str, paths: Sequence[str], *, clients: int, rounds: int) -> float:
    """Requests per second of ``clients`` clients sending GETs of ``paths`` back to back."""
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)

    async def client(number: int) -> None:
        async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=300.0) as http:
            for round_ in range(rounds):
                answer = await http.get(paths[(number * rounds + round_) % len(paths)])
                answer.raise_for_status()

    started = time.perf_counter()
    await asyncio.gather(*(client(number) for number in range(clients)))
    return clients * rounds / (time.perf_counter() - started)


def _events(prefix: str, user_id: str, item_ids: Sequence[str]) -> list[dict[str, object]]:
    now = time.time()
    return [
        {"event_id": f"{prefix}-{k}", "user_id": user_id, "item_id": item_ids[k % len(item_ids)],
         "type": "click" if k % 3 else "view", "timestamp": now}
        for k in range(EVENTS_PER_WRITE)
    ]  # fmt: skip


def prepare_shop(folder: Path, *, n_users: int, n_items: int) -> tuple[str, list[str], list[str]]:
    """Simulate, store and train a shop; returns its URL, shopper ids and item ids."""
    shop = simulate_shop(SimulationConfig(n_users=n_users, n_items=n_items, days=28, seed=0))
    url = f"sqlite:///{folder / 'shop.db'}"
    store = Store(url)
    store.upsert_items(shop.catalog)
    events = shop.events
    store.insert_event_columns(
        shop.event_ids,
        events.user_ids.tolist(),
        events.item_ids.tolist(),
        events.types.tolist(),
        events.timestamps.tolist(),
    )
    train_bundle(store, folder / "bundles", models=list(DEFAULT_MODELS))
    user_ids = sorted(set(events.user_ids.tolist()))
    item_ids = [item.item_id for item in shop.catalog]
    store.close()
    return url, user_ids, item_ids


def run(quick: bool = False) -> dict[str, object]:
    """Serve a simulated shop and load it with concurrent clients.

    Args:
        quick: 200 clients × 5 requests over a 2,000-item shop, instead of
            400 clients × 15 requests over a 12,000-item shop.

    Returns:
        Figures of :meth:`LoadResult.summary` with the shop's size and the setup.
    """
    clients, rounds = (200, 5) if quick else (400, 15)
    n_users, n_items = (1_000, 2_000) if quick else (3_000, 12_000)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        url, user_ids, item_ids = prepare_shop(folder, n_users=n_users, n_items=n_items)
        with ServerProcess(url, folder / "bundles", folder / "server.log") as server:
            # A short warm-up, so the first requests do not measure imports and caches.
            asyncio.run(
                drive(server.base_url, clients=4, rounds=5, user_ids=user_ids, item_ids=item_ids)
            )
            pages = [f"/v1/homepage/{user_id}" for user_id in user_ids]
            rates = {
                name: asyncio.run(throughput(server.base_url, paths, clients=16, rounds=40))
                for name, paths in (("trivial", ["/healthz"]), ("homepage", pages))
            }
            cpu_before = cpu_seconds(server.pid)
            result = asyncio.run(
                drive(
                    server.base_url,
                    clients=clients,
                    rounds=rounds,
                    user_ids=user_ids,
                    item_ids=item_ids,
                )
            )
            cpu = cpu_seconds(server.pid) - cpu_before
            server_rss_mib = server.rss_bytes() / 2**20
        log_tail = (folder / "server.log").read_text()[-2000:] if result.n_errors else ""
    return {
        "benchmark": "load",
        "quick": quick,
        "clients": clients,
        "requests_per_client": rounds,
        "write_share": WRITE_SHARE,
        "shop_users": n_users,
        "shop_items": n_items,
        "trivial_requests_per_s": round(rates["trivial"], 1),
        "homepage_requests_per_s": round(rates["homepage"], 1),
        "homepage_vs_trivial": round(rates["homepage"] / rates["trivial"], 3),
        **result.summary(),
        "server_cpu_ms_per_request": round(1000 * cpu / max(clients * rounds, 1), 2),
        "server_rss_mib": round(server_rss_mib, 1),
        "cpu_count": os.cpu_count(),
        "load_average_1m": round(os.getloadavg()[0], 2),
        "server_log_tail": log_tail,
    }


if __name__ == "__main__":
    print(json.dumps(run(quick="--quick" in sys.argv[1:]), indent=2))
