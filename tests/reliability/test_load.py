"""200 concurrent clients mixing homepage reads and event writes get no error (issue #7).

A small version of ``benchmarks/bench_load.py``: the same driver, against a real
``shopfront serve`` on loopback over the tiny shop. Only correctness is
asserted (every answer 200, every write stored); timings are the benchmark's.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from benchmarks.bench_load import EVENTS_PER_WRITE, drive

from tests.reliability.server import ServerProcess
from tests.shop import build_tiny_shop, tiny_catalog

CLIENTS = 200
ROUNDS = 2


def test_200_concurrent_clients_get_no_error(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    store, _ = build_tiny_shop(url, tmp_path / "bundles")
    before = store.count_events()
    user_ids = [f"user-{u}" for u in range(60)] + [f"new-{u}" for u in range(20)]
    item_ids = [item.item_id for item in tiny_catalog()]

    with ServerProcess(url, tmp_path / "bundles", tmp_path / "server.log") as server:
        result = asyncio.run(
            drive(
                server.base_url,
                clients=CLIENTS,
                rounds=ROUNDS,
                user_ids=user_ids,
                item_ids=item_ids,
            )
        )

    assert result.n_errors == 0, result.errors
    reads, writes = len(result.latencies["read"]), len(result.latencies["write"])
    assert reads + writes == CLIENTS * ROUNDS and reads > 0 and writes > 0
    assert store.count_events() == before + writes * EVENTS_PER_WRITE
    store.close()
