"""The findings of a closed-loop run: the four claims, a JSON summary and terminal lines.

Each claim compares two arms of the loop's experiment, three ways:

- *measured*: from the impression log, clicks drawn by the simulated shoppers
  (what a real shop would see), shopper-level delta-method intervals;
- *expected*: from the simulator's hidden click probabilities of the very pages
  served (:class:`~shopfront.feedback.loop.PageTruth`), which removes the noise
  of the clicks themselves but not that of which shoppers came;
- *paired*: the page served against the page the other arm would have served
  the same shopper at the same moment (:class:`~shopfront.feedback.loop.PairedTruth`),
  which removes the differences between shoppers too.

The bandit and retraining claims are read on the second half of the run, once
the bandit has learned and retrained bundles have had time to differ.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from shopfront.feedback.analysis import comparison_dict, estimate_dict
from shopfront.feedback.loop import LoopResult, PageTruth, PairedTruth
from shopfront.feedback.stats import (
    Comparison,
    Estimate,
    compare_estimates,
    describe_comparison,
    paired_ratio_comparison,
    ratio_estimate,
)

CLAIMS: tuple[tuple[str, str, str, bool], ...] = (
    ("personalized_vs_popular", "personal", "popular", False),
    ("bandit_vs_fixed_order", "bandit", "personal", True),
    ("retrained_vs_frozen", "personal", "frozen", True),
)
"""(claim, treatment arm, control arm, read on the second half only)."""


def expected_ctr(truths: Sequence[PageTruth], arm: str, *, first_day: int = 0) -> Estimate:
    """Expected clicks per impression of an arm's pages, with a shopper-level interval."""
    pages = [t for t in truths if t.arm == arm and t.day >= first_day]
    users = sorted({t.user_id for t in pages})
    index = {user: i for i, user in enumerate(users)}
    clicks, shown = np.zeros(len(users)), np.zeros(len(users))
    for t in pages:
        clicks[index[t.user_id]] += t.expected_clicks
        shown[index[t.user_id]] += t.impressions
    return ratio_estimate(clicks, shown)


def expected_ctr_by_day(truths: Sequence[PageTruth]) -> dict[str, list[float]]:
    """Per arm, the expected CTR of each day (NaN on a day without pages)."""
    days = max((t.day for t in truths), default=-1) + 1
    result: dict[str, list[float]] = {}
    for arm in sorted({t.arm for t in truths}):
        clicks, shown = np.zeros(days), np.zeros(days)
        for t in truths:
            if t.arm == arm:
                clicks[t.day] += t.expected_clicks
                shown[t.day] += t.impressions
        with np.errstate(invalid="ignore", divide="ignore"):
            result[arm] = (clicks / shown).tolist()
    return result


def paired_expected_ctr(
    pairs: Sequence[PairedTruth], arm: str, shadow_arm: str, *, first_day: int = 0
) -> Comparison:
    """Expected CTR of ``arm``'s pages against ``shadow_arm``'s previews of the same moments."""
    chosen = [
        p for p in pairs if p.arm == arm and p.shadow_arm == shadow_arm and p.day >= first_day
    ]
    users = sorted({p.user_id for p in chosen})
    index = {user: i for i, user in enumerate(users)}
    sums = np.zeros((4, len(users)))
    for p in chosen:
        u = index[p.user_id]
        sums[:, u] += (
            p.shadow_expected_clicks,
            p.shadow_impressions,
            p.expected_clicks,
            p.impressions,
        )
    return paired_ratio_comparison(sums[0], sums[1], sums[2], sums[3])


def paired_gain_by_day(pairs: Sequence[PairedTruth], arm: str, shadow_arm: str) -> list[float]:
    """Per day, expected CTR of ``arm``'s pages minus that of ``shadow_arm``'s previews."""
    days = max((p.day for p in pairs), default=-1) + 1
    gains = []
    for day in range(days):
        today = [p for p in pairs if p.arm == arm and p.shadow_arm == shadow_arm and p.day == day]
        served = sum(p.expected_clicks for p in today) / max(sum(p.impressions for p in today), 1)
        shadow = sum(p.shadow_expected_clicks for p in today) / max(
            sum(p.shadow_impressions for p in today), 1
        )
        gains.append(served - shadow if today else math.nan)
    return gains


def claims(result: LoopResult) -> dict[str, Any]:
    """Each claim with its measured and expected comparison (arms missing are skipped)."""
    arms = {arm.name for arm in result.config.arms}
    half = result.config.days // 2
    found: dict[str, Any] = {}
    for name, treatment, control, late in CLAIMS:
        if not {treatment, control} <= arms:
            continue
        report = result.late_report if late else result.report
        first_day = half if late else 0
        expected = compare_estimates(
            expected_ctr(result.truths, control, first_day=first_day),
            expected_ctr(result.truths, treatment, first_day=first_day),
        )
        found[name] = {
            "period": "second half" if late else "whole run",
            "measured": comparison_dict(report.compare(treatment, control, "ctr")),
            "expected": _described(expected, "expected CTR", treatment, control),
        }
        pairs = [p for p in result.pairs if (p.arm, p.shadow_arm) == (treatment, control)]
        if pairs:
            paired = paired_expected_ctr(pairs, treatment, control, first_day=first_day)
            found[name]["paired"] = {
                **_described(paired, "expected CTR on the same page views", treatment, control),
                "pairs": sum(p.day >= first_day for p in pairs),
                "gain_by_day": [_number(g) for g in paired_gain_by_day(pairs, treatment, control)],
            }
    return found


def summarize_loop(result: LoopResult) -> dict[str, Any]:
    """The run's measurements as JSON-ready numbers and sentences."""
    summary: dict[str, Any] = {
        "config": result.config.model_dump(mode="json"),
        "seconds": round(result.seconds, 1),
        "bundles": sorted(set(result.bundles)),
        "claims": claims(result),
        "whole_run": result.report.as_dict(),
        "second_half": result.late_report.as_dict(),
        "expected_ctr_by_day": {
            arm: [_number(v) for v in values]
            for arm, values in expected_ctr_by_day(result.truths).items()
        },
        "daily": [row.as_dict() for row in result.daily],
    }
    check = result.offpolicy
    if check is not None:
        summary["offpolicy"] = {
            "target": "the fixed (engagement) order, estimated from the bandit arm's logs",
            "logged_pages": check.logged_pages,
            "online": estimate_dict(check.online),
            "same_pages": estimate_dict(check.same_pages) if check.same_pages else None,
            "estimates": {
                name: {
                    **estimate_dict(value.estimate),
                    "effective_sample_size": round(value.effective_sample_size, 1),
                    "match_rate": value.match_rate,
                    "agrees_online": check.agrees(name)
                    if math.isfinite(value.estimate.std_error)
                    else None,
                    "agrees_same_pages": check.agrees(name, truth="same_pages")
                    if math.isfinite(value.estimate.std_error) and check.same_pages
                    else None,
                }
                for name, value in check.estimates.items()
            },
        }
    return summary


def loop_report_lines(result: LoopResult) -> list[str]:
    """The run's findings as plain lines, for a terminal."""
    config = result.config
    lines = [
        f"closed loop: {config.n_users} shoppers, {config.n_items} items, "
        f"{config.days} days x {config.page_views_per_day} page views, {result.seconds:.0f} s"
    ]
    for arm in result.report.arms:
        ctr = arm.metrics["ctr"]
        lines.append(
            f"  {arm.name:<9} page views {arm.page_views:>5}  CTR {100 * ctr.value:.2f}% "
            f"({100 * ctr.low:.2f}-{100 * ctr.high:.2f})  "
            f"revenue/page view {arm.metrics['revenue_per_page_view'].value:.2f}"
        )
    for name, claim in claims(result).items():
        lines.append(f"{name} ({claim['period']}):")
        lines.append(f"  measured: {claim['measured']['statement']}")
        lines.append(f"  expected: {claim['expected']['statement']}")
        if "paired" in claim:
            lines.append(f"  paired:   {claim['paired']['statement']}")
    if result.offpolicy is not None:
        lines += _offpolicy_lines(result)
    return lines


def _offpolicy_lines(result: LoopResult) -> list[str]:
    check = result.offpolicy
    assert check is not None  # the caller checked
    truths = [("online", check.online), ("same pages", check.same_pages)]
    lines = [
        f"off-policy: the fixed order from {check.logged_pages} bandit pages, clicks/page view"
    ]
    for label, truth in truths:
        if truth is not None:
            lines.append(f"  {label:<10} {truth.value:.3f} ({truth.low:.3f}-{truth.high:.3f})")
    for name, value in check.estimates.items():
        e = value.estimate
        if not math.isfinite(e.std_error):
            verdict = f"no interval (effective sample {value.effective_sample_size:.0f})"
        else:
            online = "agrees" if check.agrees(name) else "disagrees"
            same = "agrees" if check.agrees(name, truth="same_pages") else "disagrees"
            verdict = f"{online} with online, {same} with same pages"
        lines.append(f"  {name:<10} {e.value:.3f} ({e.low:.3f}-{e.high:.3f}) {verdict}")
    return lines


def _described(comparison: Comparison, metric: str, treatment: str, control: str) -> dict[str, Any]:
    statement = describe_comparison(comparison, metric=metric, treatment=treatment, control=control)
    return {**_comparison_numbers(comparison), "statement": statement}


def _comparison_numbers(comparison: Comparison) -> dict[str, Any]:
    return {
        "control": estimate_dict(comparison.control),
        "treatment": estimate_dict(comparison.treatment),
        "difference": _number(comparison.difference),
        "low": _number(comparison.low),
        "high": _number(comparison.high),
        "p_value": _number(comparison.p_value),
        "significant": comparison.significant,
    }


def _number(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None
