"""Helpers shared by benchmarks: peak memory, a server on a free loopback port."""

from __future__ import annotations

import contextlib
import os
import resource
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

from shopfront.prep.snapshot import Snapshot

DATASETS = Path(__file__).resolve().parents[1].parent / "shared" / "datasets"


def beauty_snapshot() -> Snapshot | None:
    """Amazon Beauty, when the shared datasets folder is beside the checkout."""
    folder = DATASETS / "amazon_beauty"
    if not folder.is_dir():
        return None
    from shopfront.ingest.amazon import read_amazon_folder

    return read_amazon_folder(folder).to_snapshot()


def peak_memory_mib() -> float:
    """Peak resident memory of this process so far, in MiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def running_server(db_url: str, bundle_dir: Path) -> Iterator[str]:
    """``shopfront serve`` in a subprocess on loopback; yields its base URL."""
    port = free_port()
    command = [
        sys.executable, "-m", "shopfront", "serve", "--db", db_url,
        "--bundle-dir", str(bundle_dir), "--port", str(port),
    ]  # fmt: skip
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=os.environ.copy()
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)
