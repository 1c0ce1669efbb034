"""PNG charts of the feedback loop, for the docs and reports (matplotlib, no display needed).

- :func:`plot_daily_metric`: one metric per day and arm, with 95% Wilson bands
  for proportions;
- :func:`plot_offpolicy`: each off-policy estimate of a policy's clicks per page
  view with its interval, next to the value measured online.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from shopfront.feedback.offpolicy import OffPolicyEstimate
from shopfront.feedback.online import MetricRow
from shopfront.feedback.stats import Estimate, wilson_interval

METRIC_TITLES = {
    "ctr": "Click-through rate (clicked impressions / impressions)",
    "add_to_cart_rate": "Add-to-cart rate (carted impressions / impressions)",
    "conversion": "Conversion (page views with a purchase / page views)",
    "revenue_per_page_view": "Revenue per page view",
}
PROPORTION_COUNTS = {"ctr": ("clicks", "impressions"), "add_to_cart_rate": ("carts", "impressions")}


def _pyplot() -> Any:
    """matplotlib's pyplot on the file-only Agg backend (imported late: it is heavy)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def plot_daily_metric(
    rows: Sequence[MetricRow],
    path: Path,
    *,
    metric: str = "ctr",
    series: str = "arm",
    title: str | None = None,
    labels: dict[str, str] | None = None,
) -> Path:
    """Draw ``metric`` per day, one line per value of the ``series`` grouping.

    Args:
        rows: Metrics grouped by ``day`` and ``series``.
        path: Where to write the PNG.
        metric: A property of :class:`~shopfront.feedback.online.MetricRow`.
        series: The grouping that makes the lines (``"arm"``, ``"section_kind"``).
        title: Chart title; the metric's description by default.
        labels: Display name of each series value.

    Raises:
        ValueError: ``rows`` are not grouped by ``day`` and ``series``.
    """
    if rows and not {"day", series} <= set(rows[0].group):
        raise ValueError(f"rows must be grouped by day and {series}, got {list(rows[0].group)}")
    plt = _pyplot()
    figure, axis = plt.subplots(figsize=(8, 4.5), dpi=110)
    days = sorted({row.group["day"] for row in rows})
    for name in sorted({row.group[series] for row in rows}):
        by_day = {row.group["day"]: row for row in rows if row.group[series] == name}
        x = [i + 1 for i, day in enumerate(days) if day in by_day]
        points = [by_day[day] for day in days if day in by_day]
        scale = 100.0 if metric in PROPORTION_COUNTS else 1.0
        values = np.array([getattr(row, metric) for row in points]) * scale
        label = (labels or {}).get(name, name)
        (line,) = axis.plot(x, values, marker="o", markersize=3, label=label)
        if metric in PROPORTION_COUNTS:
            low, high = _wilson_band(points, metric)
            axis.fill_between(x, low * scale, high * scale, color=line.get_color(), alpha=0.15)
    axis.set_xlabel("simulated day")
    axis.set_ylabel(f"{metric} (%)" if metric in PROPORTION_COUNTS else metric)
    axis.set_title(title or METRIC_TITLES.get(metric, metric), fontsize=10)
    axis.grid(alpha=0.3)
    axis.legend(fontsize=8)
    return _save(figure, path)


def plot_daily_series(
    series: Mapping[str, Sequence[float]],
    path: Path,
    *,
    ylabel: str,
    title: str,
    labels: dict[str, str] | None = None,
    scale: float = 100.0,
    zero_line: bool = False,
) -> Path:
    """Draw one value per day for each named series (NaN days are left out)."""
    plt = _pyplot()
    figure, axis = plt.subplots(figsize=(8, 4.5), dpi=110)
    if zero_line:
        axis.axhline(0.0, color="black", linewidth=0.8)
    for name, values in sorted(series.items()):
        y = np.asarray(values, dtype=np.float64) * scale
        x = np.arange(1, len(y) + 1)
        keep = np.isfinite(y)
        label = (labels or {}).get(name, name)
        axis.plot(x[keep], y[keep], marker="o", markersize=3, label=label)
    axis.set_xlabel("simulated day")
    axis.set_ylabel(ylabel)
    axis.set_title(title, fontsize=10)
    axis.grid(alpha=0.3)
    axis.legend(fontsize=8)
    return _save(figure, path)


def plot_offpolicy(
    estimates: dict[str, OffPolicyEstimate],
    online: Estimate,
    path: Path,
    *,
    truths: Mapping[str, Estimate] | None = None,
    title: str = "Off-policy estimates against the online value (95% intervals)",
) -> Path:
    """Draw each estimator's interval next to the value measured online (and other truths)."""
    plt = _pyplot()
    figure, axis = plt.subplots(figsize=(8, 4.2), dpi=110)
    names = [
        f"{name}\n(ESS {value.effective_sample_size:.0f}"
        + (")" if np.isfinite(value.estimate.std_error) else ", no interval)")
        for name, value in estimates.items()
    ] + [*(truths or {}), "online"]
    values = [e.estimate for e in estimates.values()] + [*(truths or {}).values(), online]
    for i, estimate in enumerate(values):
        low, high = _finite_bounds(estimate)
        colour = "tab:blue" if i < len(estimates) else "black"
        axis.errorbar(
            [estimate.value],
            [i],
            xerr=[[estimate.value - low], [high - estimate.value]],
            fmt="o",
            color=colour,
            capsize=4,
        )
    axis.axvline(online.value, color="black", linestyle="--", linewidth=0.8)
    axis.set_yticks(range(len(names)), names)
    axis.set_xlabel("clicks per page view")
    axis.set_title(title, fontsize=10)
    axis.grid(axis="x", alpha=0.3)
    return _save(figure, path)


def _wilson_band(points: Sequence[MetricRow], metric: str) -> tuple[np.ndarray, np.ndarray]:
    successes, trials = PROPORTION_COUNTS[metric]
    bands = [wilson_interval(getattr(r, successes), getattr(r, trials)) for r in points]
    return np.array([b.low for b in bands]), np.array([b.high for b in bands])


def _finite_bounds(estimate: Estimate) -> tuple[float, float]:
    low = estimate.low if np.isfinite(estimate.low) else estimate.value
    high = estimate.high if np.isfinite(estimate.high) else estimate.value
    return float(low), float(high)


def _save(figure: Any, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.tight_layout()
    figure.savefig(path)
    _pyplot().close(figure)
    return path
