"""The report of an A/B experiment: per-arm metrics with intervals, and a verdict.

Shoppers are the unit of randomization, so each metric is a ratio of sums over
shoppers with a delta-method interval (see :mod:`shopfront.feedback.stats`);
each arm is compared with the control by a z-test on the difference. The CTR of
each arm also gets the Wilson interval over impressions, the reading that
treats impressions as independent trials (narrower, and optimistic when
shoppers see many pages).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import Engine

from shopfront.feedback.attribution import DEFAULT_WINDOW_S, AttributedImpressions, attribute
from shopfront.feedback.experiments import METRICS, ExperimentConfig
from shopfront.feedback.stats import (
    Comparison,
    Estimate,
    compare_estimates,
    describe_comparison,
    ratio_estimate,
    wilson_interval,
)

METRIC_LABELS = {
    "ctr": "CTR",
    "add_to_cart_rate": "add-to-cart rate",
    "conversion": "conversion",
    "revenue_per_page_view": "revenue per page view",
}
PROPORTIONS = {"ctr", "add_to_cart_rate", "conversion"}


@dataclass(frozen=True, slots=True)
class ArmReport:
    """One arm's figures.

    Attributes:
        name: The arm.
        shoppers: Shoppers who saw at least one page of the arm.
        page_views: Pages served.
        impressions: Products shown.
        metrics: Each metric of :data:`~shopfront.feedback.experiments.METRICS`
            with its interval (shopper-level delta method).
        ctr_wilson: CTR with the Wilson interval over impressions.
    """

    name: str
    shoppers: int
    page_views: int
    impressions: int
    metrics: dict[str, Estimate]
    ctr_wilson: Estimate


@dataclass(frozen=True, slots=True)
class ArmComparison:
    """An arm against the control (or another arm) on one metric, with its statement."""

    arm: str
    metric: str
    comparison: Comparison
    statement: str


@dataclass(frozen=True, slots=True)
class ExperimentReport:
    """Every arm's figures and every comparison with the control."""

    config: ExperimentConfig
    arms: list[ArmReport]
    comparisons: list[ArmComparison]

    def arm(self, name: str) -> ArmReport:
        """The figures of one arm.

        Raises:
            KeyError: No arm has that name.
        """
        for arm in self.arms:
            if arm.name == name:
                return arm
        raise KeyError(f"experiment {self.config.experiment_id!r} has no arm {name!r}")

    def compare(self, treatment: str, control: str, metric: str | None = None) -> ArmComparison:
        """Any arm against any other on ``metric`` (the primary metric by default)."""
        metric = metric or self.config.primary_metric
        return _compare(self.arm(control), self.arm(treatment), metric, self.config.confidence)

    @property
    def summary(self) -> list[str]:
        """The statements on the primary metric, one per treatment arm."""
        primary = self.config.primary_metric
        return [c.statement for c in self.comparisons if c.metric == primary]

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form (non-finite numbers become ``None``)."""
        return {
            "experiment_id": self.config.experiment_id,
            "primary_metric": self.config.primary_metric,
            "control": self.config.control_arm,
            "summary": self.summary,
            "arms": [_arm_dict(arm) for arm in self.arms],
            "comparisons": [comparison_dict(c) for c in self.comparisons],
        }


def analyze_experiment(
    engine: Engine,
    config: ExperimentConfig,
    *,
    since: float | None = None,
    until: float | None = None,
    window_s: float = DEFAULT_WINDOW_S,
) -> ExperimentReport:
    """The report of ``config`` over the impressions served in ``[since, until)``."""
    frame = attribute(engine, since=since, until=until, window_s=window_s)
    return report_from_impressions(frame, config)


def report_from_impressions(
    frame: AttributedImpressions, config: ExperimentConfig
) -> ExperimentReport:
    """The report of ``config`` from already attributed impressions."""
    prefix = f"{config.experiment_id}:"
    arms = [
        _arm_report(frame.select(frame.arms == prefix + arm.name), arm.name, config.confidence)
        for arm in config.arms
    ]
    by_name = {arm.name: arm for arm in arms}
    control = by_name[config.control_arm]
    comparisons = [
        _compare(control, arm, metric, config.confidence)
        for arm in arms
        if arm.name != control.name
        for metric in METRICS
    ]
    return ExperimentReport(config, arms, comparisons)


def _arm_report(frame: AttributedImpressions, name: str, confidence: float) -> ArmReport:
    """Per-shopper sums of one arm, turned into ratio estimates."""
    users, inverse = np.unique(frame.user_ids.astype(str), return_inverse=True)
    n = len(users)

    def per_user(values: np.ndarray) -> np.ndarray:
        return np.bincount(inverse, weights=values, minlength=n)

    pages, page_inverse = np.unique(frame.request_ids.astype(str), return_inverse=True)
    page_user = np.zeros(len(pages), dtype=np.int64)
    page_user[page_inverse] = inverse
    bought = np.bincount(page_inverse, weights=frame.purchases, minlength=len(pages)) > 0
    page_views = np.bincount(page_user, minlength=n).astype(np.float64)
    converted = np.bincount(page_user, weights=bought, minlength=n)

    impressions = per_user(np.ones(len(frame)))
    sums = {
        "ctr": (per_user(frame.clicks > 0), impressions),
        "add_to_cart_rate": (per_user(frame.carts > 0), impressions),
        "conversion": (converted, page_views),
        "revenue_per_page_view": (per_user(frame.revenue), page_views),
    }
    metrics = {
        metric: ratio_estimate(num, den, confidence=confidence)
        for metric, (num, den) in sums.items()
    }
    clicked = int((frame.clicks > 0).sum())
    return ArmReport(
        name=name,
        shoppers=n,
        page_views=len(pages),
        impressions=len(frame),
        metrics=metrics,
        ctr_wilson=wilson_interval(clicked, len(frame), confidence=confidence),
    )


def _compare(control: ArmReport, arm: ArmReport, metric: str, confidence: float) -> ArmComparison:
    comparison = compare_estimates(
        control.metrics[metric], arm.metrics[metric], confidence=confidence
    )
    statement = describe_comparison(
        comparison,
        metric=METRIC_LABELS[metric],
        treatment=arm.name,
        control=control.name,
        as_points=metric in PROPORTIONS,
    )
    return ArmComparison(arm.name, metric, comparison, statement)


def _number(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def estimate_dict(estimate: Estimate) -> dict[str, Any]:
    """JSON-ready form of an estimate (non-finite numbers become ``None``)."""
    return {
        "value": _number(estimate.value),
        "low": _number(estimate.low),
        "high": _number(estimate.high),
        "std_error": _number(estimate.std_error),
        "n": estimate.n,
    }


def _arm_dict(arm: ArmReport) -> dict[str, Any]:
    return {
        "name": arm.name,
        "shoppers": arm.shoppers,
        "page_views": arm.page_views,
        "impressions": arm.impressions,
        "metrics": {name: estimate_dict(value) for name, value in arm.metrics.items()},
        "ctr_wilson": estimate_dict(arm.ctr_wilson),
    }


def comparison_dict(item: ArmComparison) -> dict[str, Any]:
    """JSON-ready form of a comparison (non-finite numbers become ``None``)."""
    c = item.comparison
    return {
        "arm": item.arm,
        "metric": item.metric,
        "control_value": _number(c.control.value),
        "treatment_value": _number(c.treatment.value),
        "difference": _number(c.difference),
        "low": _number(c.low),
        "high": _number(c.high),
        "relative": _number(c.relative),
        "p_value": _number(c.p_value),
        "significant": c.significant,
        "statement": item.statement,
    }
