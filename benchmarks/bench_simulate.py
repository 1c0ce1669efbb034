"""Benchmark of the shop simulator: events generated per second, and save/load times.

The full run simulates about one million events (7,000 shoppers over a
12,000-item catalog for eight weeks); the quick run a fifth of that. Memory is
the peak resident size of the whole process, so run it in a fresh interpreter:

    python benchmarks/bench_simulate.py [--quick]
"""

from __future__ import annotations

import json
import resource
import sys
import tempfile
import time
from pathlib import Path

from shopfront.simulate import SimulatedShop, SimulationConfig, simulate_shop


def run(quick: bool = False) -> dict[str, object]:
    """Simulate, save and load a shop; return timings and sizes.

    Args:
        quick: Simulate 1,500 shoppers instead of 7,000.

    Returns:
        Metrics: ``events``, ``simulate_seconds``, ``events_per_second``,
        ``save_seconds``, ``load_seconds``, ``folder_mib`` and ``peak_rss_mib``.
    """
    config = SimulationConfig(n_users=1_500 if quick else 7_000, n_items=12_000, days=56, seed=0)
    began = time.perf_counter()
    shop = simulate_shop(config)
    simulate_seconds = time.perf_counter() - began

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "shop"
        began = time.perf_counter()
        shop.save(folder)
        save_seconds = time.perf_counter() - began
        folder_bytes = sum(f.stat().st_size for f in folder.iterdir())

        began = time.perf_counter()
        loaded = SimulatedShop.load(folder)
        load_seconds = time.perf_counter() - began

    return {
        "benchmark": "simulate",
        "quick": quick,
        "users": config.n_users,
        "items": config.n_items,
        "days": config.days,
        "events": len(shop.events),
        "simulate_seconds": round(simulate_seconds, 3),
        "events_per_second": round(len(shop.events) / simulate_seconds),
        "save_seconds": round(save_seconds, 3),
        "load_seconds": round(load_seconds, 3),
        "loaded_events": len(loaded.events),
        "folder_mib": round(folder_bytes / 2**20, 1),
        # ru_maxrss is in KiB on Linux.
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


if __name__ == "__main__":
    print(json.dumps(run(quick="--quick" in sys.argv[1:]), indent=2))
