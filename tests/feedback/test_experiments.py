"""Experiment configs and the deterministic hashed assignment of shoppers."""

from __future__ import annotations

from collections import Counter

import pytest
from pydantic import ValidationError

from shopfront.feedback.experiments import ArmConfig, ExperimentConfig, assign_arm, bucket


def config(**changes: object) -> ExperimentConfig:
    arms = [ArmConfig(name="A"), ArmConfig(name="B", weight=3.0)]
    return ExperimentConfig(**{"experiment_id": "exp-1", "arms": arms, **changes})


def test_assignment_is_deterministic_and_follows_the_weights() -> None:
    experiment = config()
    counts = Counter(assign_arm(experiment, f"user-{i}").name for i in range(8000))  # type: ignore[union-attr]
    assert counts["B"] / 8000 == pytest.approx(0.75, abs=0.02)
    assert [assign_arm(experiment, "u7") for _ in range(3)] == [assign_arm(experiment, "u7")] * 3


def test_salt_reshuffles_shoppers() -> None:
    same = sum(
        assign_arm(config(), f"u{i}") == assign_arm(config(salt="other"), f"u{i}")
        for i in range(2000)
    )
    assert same < 1500  # independent splits agree on 0.75² + 0.25² = 62.5% of shoppers


def test_traffic_leaves_shoppers_out() -> None:
    experiment = config(traffic=0.2)
    inside = sum(assign_arm(experiment, f"u{i}") is not None for i in range(5000))
    assert inside / 5000 == pytest.approx(0.2, abs=0.02)


def test_bucket_is_sha256_of_salt_and_user() -> None:
    assert bucket("exp-1", "u1") == bucket("exp-1", "u1")
    assert bucket("exp-1", "u1") != bucket("exp-2", "u1")


def test_config_refuses_duplicate_arms_and_unknown_control() -> None:
    with pytest.raises(ValidationError, match="distinct"):
        ExperimentConfig(experiment_id="x", arms=[ArmConfig(name="A"), ArmConfig(name="A")])
    with pytest.raises(ValidationError, match="control"):
        config(control="C")
    with pytest.raises(ValidationError):
        ExperimentConfig(experiment_id="bad id!", arms=[ArmConfig(name="A"), ArmConfig(name="B")])


def test_control_defaults_to_the_first_arm() -> None:
    assert config().control_arm == "A"
    assert config(control="B").control_arm == "B"
    with pytest.raises(KeyError, match="no arm"):
        config().arm("Z")
