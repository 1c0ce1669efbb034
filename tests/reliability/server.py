"""``shopfront serve`` and ``shopfront import`` as real subprocesses, for fault and load tests."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import IO, Self

import httpx

STARTUP_TIMEOUT_S = 90.0


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def shopfront_command(*arguments: str) -> list[str]:
    """The ``shopfront`` console script of this interpreter, with ``arguments``."""
    script = Path(sys.executable).with_name("shopfront")
    if script.exists():
        return [str(script), *arguments]
    return [sys.executable, "-m", "shopfront", *arguments]


class ServerProcess:
    """One ``shopfront serve`` process on a free loopback port.

    Args:
        db_url: The store it serves.
        bundle_dir: Its bundle folder.
        log_path: Where its stdout and stderr go.
        env: Extra ``SHOPFRONT_…`` settings.
    """

    def __init__(
        self, db_url: str, bundle_dir: Path, log_path: Path, env: dict[str, str] | None = None
    ) -> None:
        self.db_url = db_url
        self.bundle_dir = bundle_dir
        self.log_path = log_path
        # The caller's own SHOPFRONT_ settings (keys, limits) must not leak into the test.
        inherited = {k: v for k, v in os.environ.items() if not k.startswith("SHOPFRONT_")}
        self.env = {**inherited, **(env or {})}
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    @property
    def pid(self) -> int:
        assert self.process is not None, "server not started"
        return self.process.pid

    def start(self) -> Self:
        """Start the server and wait until ``/healthz`` answers."""
        command = shopfront_command(
            "serve", "--db", self.db_url, "--bundle-dir", str(self.bundle_dir),
            "--port", str(self.port),
        )  # fmt: skip
        self._log = self.log_path.open("ab")
        self.process = subprocess.Popen(command, stdout=self._log, stderr=self._log, env=self.env)
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited early: {self.log_path.read_text()[-2000:]}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.base_url}/healthz", timeout=2).status_code == 200:
                    return self
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"server not ready in {STARTUP_TIMEOUT_S} s")

    def kill(self) -> None:
        """``kill -9``: no shutdown handler, no flush, no goodbye."""
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)
        self._close_log()

    def stop(self) -> None:
        """A graceful stop (SIGTERM), escalating to SIGKILL."""
        if self.process is None or self.process.poll() is not None:
            self._close_log()
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self._close_log()

    def rss_bytes(self) -> int:
        """Resident memory of the server process now (Linux ``/proc``)."""
        return rss_bytes(self.pid)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def _close_log(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None


def rss_bytes(pid: int) -> int:
    """Resident set size of a process, from ``/proc/<pid>/status``."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process so far, from ``/proc/<pid>/stat``."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")
