"""The experiment registry: configs and statuses in the ``experiments`` table.

At most one experiment runs at a time, so a page view belongs to at most one
arm. The running experiment is cached for a few seconds, so assigning a
shopper costs a hash, not a query.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import Engine, insert, select, update

from shopfront.errors import UnknownIdError, ValidationError
from shopfront.feedback.experiments import ArmConfig, ExperimentConfig, assign_arm
from shopfront.feedback.tables import experiments

Status = Literal["running", "stopped"]
CACHE_SECONDS = 5.0


class UnknownExperimentError(UnknownIdError):
    """No experiment has the id asked for."""


@dataclass(frozen=True, slots=True)
class ExperimentRecord:
    """An experiment as stored: its config, status and times (Unix seconds)."""

    config: ExperimentConfig
    status: Status
    created_at: float
    updated_at: float


@dataclass(frozen=True, slots=True)
class Assignment:
    """A shopper's place in the running experiment."""

    experiment_id: str
    arm: ArmConfig

    def as_dict(self) -> dict[str, str]:
        """The form carried by :attr:`~shopfront.homepage.page.Homepage.experiment`."""
        return {"experiment_id": self.experiment_id, "arm": self.arm.name}


class ExperimentRegistry:
    """Stores experiments and assigns shoppers to the running one.

    Args:
        engine: The store's engine.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._lock = threading.Lock()
        self._running: tuple[float, ExperimentConfig | None] = (-1.0, None)

    def start(self, config: ExperimentConfig) -> ExperimentRecord:
        """Save ``config`` and make it the running experiment.

        Raises:
            ValidationError: Another experiment is running, or this id was used before.
        """
        running = self.running()
        if running is not None:
            raise ValidationError(
                f"experiment_id {running.experiment_id!r} is still running; stop it before "
                f"starting {config.experiment_id!r}"
            )
        if self._read(config.experiment_id) is not None:
            raise ValidationError(
                f"experiment_id must be new, got {config.experiment_id!r} which exists already"
            )
        now = time.time()
        row = {
            "experiment_id": config.experiment_id,
            "config": config.model_dump_json(),
            "status": "running",
            "created_at": now,
            "updated_at": now,
        }
        with self.engine.begin() as connection:
            connection.execute(insert(experiments).values(**row))
        self._forget()
        return ExperimentRecord(config, "running", now, now)

    def stop(self, experiment_id: str) -> ExperimentRecord:
        """Stop an experiment (its data stays for analysis).

        Raises:
            UnknownExperimentError: No experiment has this id.
        """
        self.get(experiment_id)
        table = experiments.c
        with self.engine.begin() as connection:
            connection.execute(
                update(experiments)
                .where(table.experiment_id == experiment_id)
                .values(status="stopped", updated_at=time.time())
            )
        self._forget()
        return self.get(experiment_id)

    def get(self, experiment_id: str) -> ExperimentRecord:
        """One experiment.

        Raises:
            UnknownExperimentError: No experiment has this id.
        """
        record = self._read(experiment_id)
        if record is None:
            raise UnknownExperimentError(f"experiment_id {experiment_id!r} is unknown")
        return record

    def list(self) -> list[ExperimentRecord]:
        """Every experiment, newest first."""
        query = select(experiments).order_by(experiments.c.created_at.desc())
        with self.engine.connect() as connection:
            return [_record(row) for row in connection.execute(query).mappings()]

    def running(self) -> ExperimentConfig | None:
        """The running experiment's config (cached for ``CACHE_SECONDS``)."""
        read_at, config = self._running
        if time.monotonic() - read_at < CACHE_SECONDS:
            return config
        query = select(experiments).where(experiments.c.status == "running")
        with self.engine.connect() as connection:
            row = connection.execute(query).mappings().first()
        config = _record(row).config if row is not None else None
        with self._lock:
            self._running = (time.monotonic(), config)
        return config

    def assign(self, user_id: str) -> Assignment | None:
        """The shopper's arm in the running experiment, or ``None`` outside any."""
        config = self.running()
        if config is None:
            return None
        arm = assign_arm(config, user_id)
        return Assignment(config.experiment_id, arm) if arm is not None else None

    def _read(self, experiment_id: str) -> ExperimentRecord | None:
        query = select(experiments).where(experiments.c.experiment_id == experiment_id)
        with self.engine.connect() as connection:
            row = connection.execute(query).mappings().first()
        return _record(row) if row is not None else None

    def _forget(self) -> None:
        with self._lock:
            self._running = (-1.0, None)


def _record(row: object) -> ExperimentRecord:
    values = dict(row)  # type: ignore[call-overload]
    return ExperimentRecord(
        config=ExperimentConfig.model_validate(json.loads(values["config"])),
        status=values["status"],
        created_at=values["created_at"],
        updated_at=values["updated_at"],
    )
