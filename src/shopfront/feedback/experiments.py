"""A/B experiments: their configuration and the deterministic assignment of shoppers.

An experiment splits shoppers between arms that differ in how their homepage
is made: the model bundle version, which candidate generators are used,
whether the page is personalized at all, whether the ranker is used, the page
layout, and the section order policy. A shopper's arm is a pure function of
the experiment's salt and the user id (SHA-256 → a number in ``[0, 1)`` →
the arm whose share of the weights covers it), so every replica of the
service, and every page view, puts one shopper in the same arm without
storing anything.

Example:
    >>> config = ExperimentConfig(
    ...     experiment_id="order-test",
    ...     arms=[ArmConfig(name="fixed"), ArmConfig(name="bandit", section_order="bandit")],
    ... )
    >>> assign_arm(config, "u42").name == assign_arm(config, "u42").name
    True
"""

from __future__ import annotations

import hashlib
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

ID_PATTERN = r"^[A-Za-z0-9_.-]+$"
METRICS = ("ctr", "add_to_cart_rate", "conversion", "revenue_per_page_view")
Metric = Literal["ctr", "add_to_cart_rate", "conversion", "revenue_per_page_view"]


class PageLayout(BaseModel):
    """The shape of the page an arm shows."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    n_sections: int = Field(default=6, ge=1, le=20, description="At most this many sections.")
    n_items: int = Field(
        default=10, ge=1, le=50, description="At most this many products a section."
    )


class ArmConfig(BaseModel):
    """One variant of the homepage."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1, max_length=20, pattern=ID_PATTERN, description="Arm name.")
    weight: float = Field(
        default=1.0, gt=0, description="Relative share of the experiment's shoppers."
    )
    description: str = Field(default="", description="What the arm changes, for people.")
    bundle_version: str | None = Field(
        default=None, description="Serve this model bundle version; the live bundle when unset."
    )
    models: list[str] | None = Field(
        default=None,
        description="Use only these candidate generators of the bundle (e.g. ['popularity', "
        "'trending'] for a popularity page); all of them when unset.",
    )
    personalized: bool = Field(
        default=True,
        description="Use the shopper's history; false serves the page of a new shopper.",
    )
    ranker: bool = Field(default=True, description="Use the bundle's ranker when it has one.")
    layout: PageLayout | None = Field(
        default=None, description="Page shape; the request's when unset."
    )
    section_order: Literal["default", "bandit"] = Field(
        default="default",
        description="Section order policy: the composer's default, or the exploring bandit.",
    )


class ExperimentConfig(BaseModel):
    """An A/B experiment: its arms, how shoppers are split, and what decides it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    experiment_id: str = Field(
        min_length=1, max_length=40, pattern=ID_PATTERN, description="Unique id."
    )
    description: str = Field(default="", description="The hypothesis, for people.")
    salt: str | None = Field(
        default=None, description="Salt of the assignment hash; the experiment id when unset."
    )
    arms: list[ArmConfig] = Field(min_length=2, description="The variants; the first is control.")
    control: str | None = Field(
        default=None, description="Name of the control arm; the first when unset."
    )
    traffic: float = Field(
        default=1.0,
        gt=0,
        le=1,
        description="Share of shoppers in the experiment; others get the default.",
    )
    primary_metric: Metric = Field(
        default="ctr", description="The metric that decides the experiment."
    )
    confidence: float = Field(
        default=0.95, gt=0.5, lt=1, description="Level of intervals and tests."
    )

    @model_validator(mode="after")
    def _arms_are_distinct(self) -> ExperimentConfig:
        names = [arm.name for arm in self.arms]
        if len(set(names)) != len(names):
            raise ValueError(f"arms must have distinct names, got {names}")
        if self.control is not None and self.control not in names:
            raise ValueError(f"control must name one of the arms {names}, got {self.control!r}")
        return self

    @property
    def control_arm(self) -> str:
        """The name of the control arm."""
        return self.control or self.arms[0].name

    def arm(self, name: str) -> ArmConfig:
        """The arm called ``name``.

        Raises:
            KeyError: No arm has that name.
        """
        for arm in self.arms:
            if arm.name == name:
                return arm
        raise KeyError(f"experiment {self.experiment_id!r} has no arm {name!r}")


def bucket(salt: str, user_id: str) -> float:
    """The shopper's hash position in ``[0, 1)``: the first 8 bytes of SHA-256(salt:user_id).

    Example:
        >>> 0.0 <= bucket("exp-1", "u1") < 1.0
        True
    """
    digest = hashlib.sha256(f"{salt}:{user_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2.0**64


def assign_arm(config: ExperimentConfig, user_id: str) -> ArmConfig | None:
    """The shopper's arm, or ``None`` when they fall outside the experiment's traffic."""
    position = bucket(config.salt or config.experiment_id, user_id)
    if position >= config.traffic:
        return None

    # Rescale into [0, 1) within the traffic, then walk the cumulative weights.
    position /= config.traffic
    total = sum(arm.weight for arm in config.arms)
    edge = 0.0
    for arm in config.arms:
        edge += arm.weight / total
        if position < edge:
            return arm
    return config.arms[-1]
