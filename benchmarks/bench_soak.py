"""Soak: a steady mix of homepage reads and event writes for ten minutes; memory stays bounded.

The server runs as in :mod:`benchmarks.bench_load`; 20 clients send requests
back to back for the whole duration while the server's resident memory is
sampled every few seconds. Memory is called bounded when it grows by less than
16 MiB (or 5%) over the second half of the run, after caches, pools and
allocator arenas have settled::

    python -m benchmarks.bench_soak [--quick]

The quick run lasts one minute.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import httpx
from tests.reliability.server import ServerProcess, cpu_seconds, rss_bytes

from benchmarks.bench_load import _TLS, LoadResult, _request, prepare_shop

CLIENTS = 20
SAMPLE_EVERY_S = 5.0
BOUNDED_GROWTH_MIB = 16.0
BOUNDED_GROWTH_SHARE = 0.05


async def soak(
    base_url: str,
    pid: int,
    *,
    seconds: float,
    user_ids: Sequence[str],
    item_ids: Sequence[str],
) -> tuple[LoadResult, list[tuple[float, float]]]:
    """Load the server for ``seconds``; returns the result and (elapsed s, RSS MiB) samples."""
    result = LoadResult()
    samples: list[tuple[float, float]] = []
    started = time.perf_counter()
    deadline = started + seconds

    async def client(number: int) -> None:
        rng = random.Random(number)
        limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
        async with httpx.AsyncClient(
            base_url=base_url, limits=limits, timeout=300.0, verify=_TLS
        ) as http:
            for round_ in range(sys.maxsize):
                if time.perf_counter() >= deadline:
                    return
                await _request(http, f"soak-{number}-{round_}", user_ids, item_ids, rng, result)

    async def sample() -> None:
        while time.perf_counter() < deadline:
            samples.append((time.perf_counter() - started, rss_bytes(pid) / 2**20))
            await asyncio.sleep(SAMPLE_EVERY_S)
        samples.append((time.perf_counter() - started, rss_bytes(pid) / 2**20))

    await asyncio.gather(sample(), *(client(number) for number in range(CLIENTS)))
    result.seconds = time.perf_counter() - started
    return result, samples


def memory_figures(samples: list[tuple[float, float]]) -> dict[str, object]:
    """RSS at the start, half-way and end, its peak, and whether growth stayed bounded."""
    half = samples[len(samples) // 2][1]
    first, last = samples[0][1], samples[-1][1]
    growth = last - half
    return {
        "rss_start_mib": round(first, 1),
        "rss_half_mib": round(half, 1),
        "rss_end_mib": round(last, 1),
        "rss_peak_mib": round(max(rss for _, rss in samples), 1),
        "rss_growth_second_half_mib": round(growth, 1),
        "memory_bounded": growth <= max(BOUNDED_GROWTH_MIB, BOUNDED_GROWTH_SHARE * half),
        "rss_samples_mib": [round(rss, 1) for _, rss in samples],
    }


def run(quick: bool = False) -> dict[str, object]:
    """Soak a served simulated shop and track the server's memory.

    Args:
        quick: One minute instead of ten.

    Returns:
        Request figures of :meth:`LoadResult.summary`, the memory figures of
        :func:`memory_figures`, and the server's CPU time per request.
    """
    seconds = 60.0 if quick else 600.0
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        url, user_ids, item_ids = prepare_shop(folder, n_users=1_000, n_items=2_000)
        with ServerProcess(url, folder / "bundles", folder / "server.log") as server:
            cpu_before = cpu_seconds(server.pid)
            result, samples = asyncio.run(
                soak(
                    server.base_url,
                    server.pid,
                    seconds=seconds,
                    user_ids=user_ids,
                    item_ids=item_ids,
                )
            )
            cpu = cpu_seconds(server.pid) - cpu_before
    summary = result.summary()
    served = int(summary["requests"]) - result.n_errors  # type: ignore[call-overload]
    return {
        "benchmark": "soak",
        "quick": quick,
        "clients": CLIENTS,
        "duration_s": seconds,
        **summary,
        "server_cpu_ms_per_request": round(1000 * cpu / max(served, 1), 2),
        **memory_figures(samples),
        "cpu_count": os.cpu_count(),
        "load_average_1m": round(os.getloadavg()[0], 2),
    }


if __name__ == "__main__":
    print(json.dumps(run(quick="--quick" in sys.argv[1:]), indent=2))
