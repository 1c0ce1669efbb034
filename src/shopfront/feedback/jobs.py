"""Background jobs of the service: a function called every few seconds in a thread.

Used for flushing nothing but the feedback loop's periodic work: refitting the
section order bandit from the log, and checking whether retraining is due. A
job that raises is logged and tried again at the next tick; it never stops the
service.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

logger = logging.getLogger(__name__)


class PeriodicJob:
    """Calls ``work`` every ``interval_s`` seconds in a daemon thread.

    Args:
        name: Thread name, for logs.
        work: What to do at each tick.
        interval_s: Seconds between the end of one call and the start of the next.

    Raises:
        ValueError: ``interval_s`` is not positive.
    """

    def __init__(self, name: str, work: Callable[[], object], interval_s: float) -> None:
        if interval_s <= 0:
            raise ValueError(f"interval_s must be > 0, got {interval_s}")
        self.name = name
        self.work = work
        self.interval_s = interval_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def is_running(self) -> bool:
        """Whether the thread is alive."""
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        """Start the thread (once; a second call does nothing)."""
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
        self._thread.start()
        logger.info("started job %s interval_s=%.1f", self.name, self.interval_s)

    def stop(self, timeout_s: float | None = None) -> None:
        """Ask the thread to stop and wait for its current call to end."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout_s)
            self._thread = None

    def _run(self) -> None:
        while not self._stop.wait(self.interval_s):
            try:
                self.work()
            except Exception:  # a failed tick is retried at the next one
                logger.exception("job %s failed", self.name)
