"""The experiment registry: one running experiment, stored configs, assignment."""

from __future__ import annotations

import pytest

from shopfront.errors import ValidationError
from shopfront.feedback.experiments import ArmConfig, ExperimentConfig
from shopfront.feedback.registry import ExperimentRegistry, UnknownExperimentError
from shopfront.store.store import Store


def experiment(experiment_id: str) -> ExperimentConfig:
    return ExperimentConfig(
        experiment_id=experiment_id, arms=[ArmConfig(name="A"), ArmConfig(name="B")]
    )


def test_start_list_get_and_stop(store: Store) -> None:
    registry = ExperimentRegistry(store.engine)
    registry.start(experiment("first"))
    assert registry.running() is not None
    assert registry.get("first").status == "running"
    assert registry.assign("u1") is not None

    registry.stop("first")
    assert registry.get("first").status == "stopped"
    assert registry.running() is None
    assert registry.assign("u1") is None
    assert [record.config.experiment_id for record in registry.list()] == ["first"]


def test_only_one_experiment_runs_at_a_time(store: Store) -> None:
    registry = ExperimentRegistry(store.engine)
    registry.start(experiment("first"))
    with pytest.raises(ValidationError, match="still running"):
        registry.start(experiment("second"))
    registry.stop("first")
    with pytest.raises(ValidationError, match="must be new"):
        registry.start(experiment("first"))


def test_unknown_experiment_is_a_key_error(store: Store) -> None:
    with pytest.raises(UnknownExperimentError, match="nope"):
        ExperimentRegistry(store.engine).get("nope")


def test_config_round_trips_through_the_table(store: Store) -> None:
    config = experiment("round-trip").model_copy(update={"primary_metric": "conversion"})
    ExperimentRegistry(store.engine).start(config)
    assert ExperimentRegistry(store.engine).get("round-trip").config == config
