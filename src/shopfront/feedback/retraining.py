"""Retraining on new data, on a schedule or after enough new events, with a hot swap.

:class:`RetrainScheduler` checks every ``check_interval_s`` whether a new
bundle is due — ``every_s`` seconds since the last one, or ``after_events`` new
events — and, if so, trains one with
:func:`~shopfront.feedback.retrain.train_bundle` in its background thread.
The order of steps is what keeps serving safe:

1. the bundle is written, reloaded from disk and validated (``train_bundle``
   with ``promote=False``; a bundle that fails is recorded as rejected);
2. :meth:`~shopfront.homepage.service.BundleHolder.swap` validates it again and
   replaces the live pair in one assignment, so a request in flight finishes
   on the old bundle and the next one gets the new;
3. only then is it promoted in the store, so that a restart loads it.

A failure at any step leaves the old bundle live and is retried at the next due
time.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from shopfront.errors import BundleError
from shopfront.feedback.jobs import PeriodicJob
from shopfront.feedback.retrain import train_bundle
from shopfront.homepage.bundle import ModelBundle
from shopfront.homepage.service import BundleHolder
from shopfront.store.store import Store

logger = logging.getLogger(__name__)

Trainer = Callable[..., ModelBundle]


class RetrainConfig(BaseModel):
    """When to retrain, and what."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    every_s: float | None = Field(
        default=None,
        gt=0,
        description="Retrain when this many seconds passed since the last bundle.",
    )
    after_events: int | None = Field(
        default=None,
        ge=1,
        description="Retrain when this many events arrived since the last bundle.",
    )
    check_interval_s: float = Field(default=10.0, gt=0, description="Seconds between checks.")
    models: list[str] = Field(
        default_factory=lambda: ["popularity", "trending", "cooccurrence", "als"],
        description="Candidate generators trained into each bundle.",
    )
    model_options: dict[str, dict[str, Any]] = Field(
        default_factory=dict, description="Per-model constructor options, by model name."
    )
    seed: int = Field(default=0, ge=0, description="Seed of the stochastic models.")

    @model_validator(mode="after")
    def _has_a_trigger(self) -> RetrainConfig:
        if self.every_s is None and self.after_events is None:
            raise ValueError("every_s or after_events must be set for retraining")
        return self


class RetrainScheduler:
    """Trains and swaps in a new bundle when one is due.

    Args:
        store: The shop's store (events in, bundle records out).
        holder: The live bundle of the service.
        bundle_dir: Where bundle versions are written.
        config: Triggers, models and seed.
        trainer: The training function (``train_bundle``; replaceable in tests).
        on_swap: Called with each bundle after it went live (e.g. to log or refit).
    """

    def __init__(
        self,
        store: Store,
        holder: BundleHolder,
        bundle_dir: Path,
        *,
        config: RetrainConfig,
        trainer: Trainer = train_bundle,
        on_swap: Callable[[ModelBundle], None] | None = None,
    ) -> None:
        self.store = store
        self.holder = holder
        self.bundle_dir = bundle_dir
        self.config = config
        self.trainer = trainer
        self.on_swap = on_swap
        self.last_seq = store.last_seq()
        self.last_trained = time.monotonic()
        self.failures = 0
        self._training = threading.Lock()
        self._job = PeriodicJob("retrain", self.check, config.check_interval_s)

    def due(self) -> bool:
        """Whether new events arrived and a trigger fired."""
        new_events = self.store.last_seq() - self.last_seq
        if new_events <= 0:
            return False
        if self.config.after_events is not None and new_events >= self.config.after_events:
            return True
        elapsed = time.monotonic() - self.last_trained
        return self.config.every_s is not None and elapsed >= self.config.every_s

    def check(self) -> ModelBundle | None:
        """Retrain if due; returns the new live bundle, or ``None``."""
        return self.retrain() if self.due() else None

    def retrain(self) -> ModelBundle | None:
        """Train, validate and swap in a new bundle now; ``None`` when it was rejected."""
        with self._training:
            seq = self.store.last_seq()
            self.last_trained = time.monotonic()
            try:
                bundle = self.trainer(
                    self.store,
                    self.bundle_dir,
                    models=self.config.models,
                    model_options=self.config.model_options,
                    promote=False,
                    seed=self.config.seed,
                )
            except BundleError as error:
                self._rejected(error)
                return None
            try:
                self.holder.swap(bundle)
            except BundleError as error:
                self.store.reject_bundle(bundle.version)
                self._rejected(error)
                return None
            self.store.promote_bundle(bundle.version)
            self.last_seq = seq
        logger.info("retrained and swapped bundle version=%s", bundle.version)
        if self.on_swap is not None:
            self.on_swap(bundle)
        return bundle

    def _rejected(self, error: BundleError) -> None:
        self.failures += 1
        logger.error("retraining rejected a bundle; the live one stays: %s", error)

    def start(self) -> None:
        """Check in a background thread until :meth:`stop`."""
        self._job.start()

    def stop(self) -> None:
        """Stop checking (a training in progress is finished first)."""
        self._job.stop()
