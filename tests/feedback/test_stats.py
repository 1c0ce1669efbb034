"""Intervals, tests and statements of :mod:`shopfront.feedback.stats`."""

from __future__ import annotations

import math

import numpy as np
import pytest

from shopfront.feedback.stats import (
    compare_estimates,
    describe_comparison,
    paired_ratio_comparison,
    ratio_estimate,
    two_proportion_z_test,
    wilson_interval,
    z_value,
)


def test_wilson_interval_matches_the_textbook_value() -> None:
    estimate = wilson_interval(10, 100)
    assert estimate.value == pytest.approx(0.1)
    assert (estimate.low, estimate.high) == pytest.approx((0.0552, 0.1744), abs=1e-4)


def test_wilson_interval_stays_inside_zero_and_one() -> None:
    assert wilson_interval(0, 20).low == 0.0
    assert wilson_interval(20, 20).high == 1.0
    assert math.isnan(wilson_interval(0, 0).value)


def test_z_value_rejects_a_confidence_outside_zero_and_one() -> None:
    assert z_value(0.95) == pytest.approx(1.959964)
    with pytest.raises(ValueError, match="confidence"):
        z_value(1.5)


def test_two_proportion_test_finds_a_clear_difference_and_not_noise() -> None:
    clear = two_proportion_z_test(100, 1000, 150, 1000)
    assert clear.significant and clear.low > 0
    noise = two_proportion_z_test(100, 1000, 104, 1000)
    assert not noise.significant and noise.low < 0 < noise.high


def test_ratio_interval_covers_the_truth_about_95_percent_of_the_time() -> None:
    rng = np.random.default_rng(3)
    covered = 0
    for _ in range(400):
        impressions = rng.integers(5, 50, size=300).astype(float)
        rates = rng.beta(2, 18, size=300)  # shoppers differ: clustered clicks
        clicks = rng.binomial(impressions.astype(int), rates).astype(float)
        estimate = ratio_estimate(clicks, impressions)
        covered += estimate.low <= 0.1 <= estimate.high
    assert 0.90 <= covered / 400 <= 0.99


def test_comparison_without_data_is_undetermined() -> None:
    empty = ratio_estimate(np.zeros(0), np.zeros(0))
    full = ratio_estimate(np.ones(10), np.full(10, 4.0))
    result = compare_estimates(empty, full)
    assert math.isnan(result.p_value)
    statement = describe_comparison(result, metric="CTR", treatment="B", control="A")
    assert statement.startswith("not enough data")


def test_statement_says_direction_size_interval_and_verdict() -> None:
    result = two_proportion_z_test(150, 1000, 100, 1000)
    statement = describe_comparison(result, metric="CTR", treatment="B", control="A")
    assert statement.startswith("arm B lowers CTR by 5.0 points (95% CI")
    assert statement.endswith("significant (p < 0.001)")


def test_paired_comparison_removes_the_spread_between_units() -> None:
    rng = np.random.default_rng(5)
    shown = rng.integers(20, 60, size=200).astype(float)
    base = rng.beta(2, 30, size=200) * shown  # units differ a lot
    better = base * 1.05
    paired = paired_ratio_comparison(base, shown, better, shown)
    unpaired = compare_estimates(ratio_estimate(base, shown), ratio_estimate(better, shown))
    assert paired.significant and not unpaired.significant
    assert paired.difference == pytest.approx(unpaired.difference)
