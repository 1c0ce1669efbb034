"""Statistics of online experiments: intervals, tests and a plain-language verdict.

Two kinds of metric appear in experiment reports:

- a *proportion* of independent trials (the share of shoppers who clicked at
  least once) gets the Wilson score interval (Wilson, JASA 1927) and the pooled
  two-proportion z-test;
- a *ratio* of sums over shoppers (CTR = clicks / impressions, revenue per page
  view) gets a delta-method interval with the shopper as the unit (Deng, Knoblich
  and Lu, "Applying the Delta Method in Metric Analytics", KDD 2018). Shoppers,
  not impressions, are what an experiment randomizes: the impressions of one
  shopper are correlated, and treating them as independent trials makes
  intervals too narrow.

All intervals are two-sided at ``confidence`` (0.95 by default).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.stats import norm


@dataclass(frozen=True, slots=True)
class Estimate:
    """A metric's value with its confidence interval.

    Attributes:
        value: The point estimate (NaN when there is no data).
        low: Lower bound of the interval.
        high: Upper bound of the interval.
        std_error: Standard error of ``value`` (NaN when it cannot be estimated).
        n: Number of units (shoppers, page views or trials) behind it.
    """

    value: float
    low: float
    high: float
    std_error: float
    n: int


@dataclass(frozen=True, slots=True)
class Comparison:
    """A treatment against a control on one metric.

    Attributes:
        control: The control's estimate.
        treatment: The treatment's estimate.
        difference: ``treatment.value - control.value``.
        low: Lower bound of the difference's interval.
        high: Upper bound of the difference's interval.
        p_value: Two-sided p-value of "no difference".
        confidence: Level of the intervals, e.g. 0.95.
    """

    control: Estimate
    treatment: Estimate
    difference: float
    low: float
    high: float
    p_value: float
    confidence: float

    @property
    def significant(self) -> bool:
        """Whether the difference is significant at the interval's level."""
        return bool(self.p_value < 1.0 - self.confidence)

    @property
    def relative(self) -> float:
        """The difference as a share of the control's value (NaN when the control is 0)."""
        if not self.control.value:
            return math.nan
        return self.difference / self.control.value


def z_value(confidence: float) -> float:
    """The two-sided standard normal quantile of ``confidence`` (1.96 for 0.95).

    Raises:
        ValueError: ``confidence`` is not strictly between 0 and 1.
    """
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be strictly between 0 and 1, got {confidence}")
    return float(norm.ppf(0.5 + confidence / 2.0))


def wilson_interval(successes: int, trials: int, *, confidence: float = 0.95) -> Estimate:
    """A proportion with its Wilson score interval.

    Unlike the normal approximation, the Wilson interval stays inside ``[0, 1]``
    and behaves for rare events such as clicks.

    Example:
        >>> round(wilson_interval(10, 100).low, 4), round(wilson_interval(10, 100).high, 4)
        (0.0552, 0.1744)
    """
    if trials <= 0:
        return Estimate(math.nan, 0.0, 1.0, math.nan, 0)
    z = z_value(confidence)
    share = successes / trials
    denominator = 1.0 + z * z / trials
    centre = (share + z * z / (2 * trials)) / denominator
    half = z * math.sqrt(share * (1 - share) / trials + z * z / (4 * trials * trials)) / denominator
    std_error = math.sqrt(share * (1 - share) / trials)
    return Estimate(share, max(0.0, centre - half), min(1.0, centre + half), std_error, trials)


def two_proportion_z_test(
    control_successes: int,
    control_trials: int,
    treatment_successes: int,
    treatment_trials: int,
    *,
    confidence: float = 0.95,
) -> Comparison:
    """Compare two proportions: pooled z-test p-value, unpooled (Wald) interval of the difference.

    Example:
        >>> result = two_proportion_z_test(100, 1000, 130, 1000)
        >>> round(result.difference, 3), result.significant
        (0.03, True)
    """
    control = wilson_interval(control_successes, control_trials, confidence=confidence)
    treatment = wilson_interval(treatment_successes, treatment_trials, confidence=confidence)
    if control_trials <= 0 or treatment_trials <= 0:
        return _undetermined(control, treatment, confidence)
    difference = treatment.value - control.value

    # The test assumes no difference, so it pools both arms; the interval does not.
    pooled = (control_successes + treatment_successes) / (control_trials + treatment_trials)
    pooled_se = math.sqrt(pooled * (1 - pooled) * (1 / control_trials + 1 / treatment_trials))
    p_value = _two_sided_p(difference, pooled_se)
    std_error = math.hypot(control.std_error, treatment.std_error)
    z = z_value(confidence)
    return Comparison(
        control,
        treatment,
        difference,
        difference - z * std_error,
        difference + z * std_error,
        p_value,
        confidence,
    )


def ratio_estimate(
    numerators: np.ndarray, denominators: np.ndarray, *, confidence: float = 0.95
) -> Estimate:
    """The ratio of sums ``Σ numerators / Σ denominators`` with a delta-method interval.

    Args:
        numerators: float64 (n_units,) per unit (e.g. clicks of each shopper).
        denominators: float64 (n_units,) per unit (e.g. impressions of each shopper).
        confidence: Level of the interval.

    Example:
        >>> clicks, impressions = np.array([1.0, 3.0, 0.0, 2.0]), np.array([10.0, 20.0, 10.0, 20.0])
        >>> round(ratio_estimate(clicks, impressions).value, 3)
        0.1
    """
    x = np.asarray(numerators, dtype=np.float64)
    y = np.asarray(denominators, dtype=np.float64)
    n = len(x)
    if n == 0 or y.sum() <= 0:
        return Estimate(math.nan, math.nan, math.nan, math.nan, n)
    ratio = float(x.sum() / y.sum())
    if n < 2:
        return Estimate(ratio, -math.inf, math.inf, math.inf, n)

    # Var(X̄/Ȳ) ≈ Var(X - R·Y) / (n · Ȳ²): the linearized ratio, one term per unit.
    residual = x - ratio * y
    std_error = float(np.sqrt(residual.var(ddof=1) / n) / y.mean())
    z = z_value(confidence)
    return Estimate(ratio, ratio - z * std_error, ratio + z * std_error, std_error, n)


def compare_estimates(
    control: Estimate, treatment: Estimate, *, confidence: float = 0.95
) -> Comparison:
    """Compare two independent estimates (separate groups of units) by a z-test."""
    if not (math.isfinite(control.std_error) and math.isfinite(treatment.std_error)):
        return _undetermined(control, treatment, confidence)
    difference = treatment.value - control.value
    std_error = math.hypot(control.std_error, treatment.std_error)
    return _compared(control, treatment, difference, std_error, confidence)


def paired_ratio_comparison(
    control_numerators: np.ndarray,
    control_denominators: np.ndarray,
    treatment_numerators: np.ndarray,
    treatment_denominators: np.ndarray,
    *,
    confidence: float = 0.95,
) -> Comparison:
    """Two ratio metrics measured on the same units (paired), compared by the delta method.

    Each array holds one value per unit, aligned across the four arrays (e.g. the
    expected clicks and impressions of the page a shopper was served and of the
    page another arm would have served them). Pairing removes the differences
    between units from the comparison.
    """
    control = ratio_estimate(control_numerators, control_denominators, confidence=confidence)
    treatment = ratio_estimate(treatment_numerators, treatment_denominators, confidence=confidence)
    n = len(control_numerators)
    if n < 2 or not (math.isfinite(control.value) and math.isfinite(treatment.value)):
        return _undetermined(control, treatment, confidence)

    # Influence of each unit on R_treatment - R_control; their spread gives the variance.
    influence = (treatment_numerators - treatment.value * treatment_denominators) / np.mean(
        treatment_denominators
    ) - (control_numerators - control.value * control_denominators) / np.mean(control_denominators)
    std_error = float(influence.std(ddof=1) / math.sqrt(n))
    difference = treatment.value - control.value
    return _compared(control, treatment, difference, std_error, confidence)


def describe_comparison(
    comparison: Comparison,
    *,
    metric: str,
    treatment: str,
    control: str,
    as_points: bool = True,
) -> str:
    """One sentence a person can act on.

    Args:
        comparison: The result to describe.
        metric: Name of the metric, e.g. ``"CTR"``.
        treatment: Name of the treatment arm.
        control: Name of the control arm.
        as_points: Report a proportion's difference in percentage points (×100);
            otherwise in the metric's own unit.

    Example:
        >>> result = two_proportion_z_test(100, 1000, 130, 1000)
        >>> print(describe_comparison(result, metric="CTR", treatment="B", control="A"))
        arm B raises CTR by 3.0 points (95% CI 0.2 to 5.8) relative to arm A, significant (...)
    """
    level = f"{comparison.confidence * 100:.0f}%"
    if not math.isfinite(comparison.p_value):
        return f"not enough data yet to compare {metric} of arm {treatment} with arm {control}"
    scale, unit, digits = (100.0, " points", 1) if as_points else (1.0, "", 3)
    size = f"{abs(comparison.difference) * scale:.{digits}f}{unit}"
    interval = (
        f"({level} CI {comparison.low * scale:.{digits}f} to {comparison.high * scale:.{digits}f})"
    )
    verb = "raises" if comparison.difference >= 0 else "lowers"
    verdict = "significant" if comparison.significant else "not significant"
    verdict = f"{verdict} ({_format_p(comparison.p_value)})"
    change = f"arm {treatment} {verb} {metric} by {size} {interval}"
    return f"{change} relative to arm {control}, {verdict}"


def _two_sided_p(difference: float, std_error: float) -> float:
    if std_error <= 0:
        return 1.0 if difference == 0 else 0.0
    return float(2.0 * norm.sf(abs(difference) / std_error))


def _format_p(p_value: float) -> str:
    return "p < 0.001" if p_value < 0.001 else f"p = {p_value:.3f}"


def _undetermined(control: Estimate, treatment: Estimate, confidence: float) -> Comparison:
    """A comparison that the data cannot decide yet (an arm without units)."""
    difference = treatment.value - control.value
    return Comparison(control, treatment, difference, -math.inf, math.inf, math.nan, confidence)


def _compared(
    control: Estimate, treatment: Estimate, difference: float, std_error: float, confidence: float
) -> Comparison:
    """The comparison of a difference with its standard error (normal interval, z-test)."""
    z = z_value(confidence)
    return Comparison(
        control,
        treatment,
        difference,
        difference - z * std_error,
        difference + z * std_error,
        _two_sided_p(difference, std_error),
        confidence,
    )
