"""Online metrics of the served homepages, grouped as the caller asks.

For each group of impressions (by day, section, slot, model version, experiment
arm, …):

- ``ctr``: share of impressions clicked;
- ``add_to_cart_rate``: share of impressions added to the cart;
- ``conversion``: share of page views with at least one attributed purchase;
- ``revenue_per_page_view``: attributed revenue divided by page views.

A page view counts in a group when at least one of its impressions does (so
per section, the page views are those that showed the section).

Example:
    >>> from shopfront.store.store import Store
    >>> online_metrics(Store("sqlite://").engine, group_by=["day"])
    []
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import Engine

from shopfront.feedback.attribution import DEFAULT_WINDOW_S, AttributedImpressions, attribute


def _day(frame: AttributedImpressions) -> np.ndarray:
    days = frame.served_at.astype("datetime64[s]").astype("datetime64[D]")
    return days.astype(str).astype(object)


GROUPINGS: dict[str, Callable[[AttributedImpressions], np.ndarray]] = {
    "day": _day,
    "section": lambda f: f.section_ids,
    "section_kind": lambda f: np.array([s.split(":", 1)[0] for s in f.section_ids], dtype=object),
    "slot": lambda f: f.section_positions,
    "position": lambda f: f.positions,
    "model_version": lambda f: f.model_versions,
    "arm": lambda f: f.arms,
    "experiment": lambda f: np.array([a.split(":", 1)[0] for a in f.arms], dtype=object),
}
"""The ways impressions can be grouped, by name."""


@dataclass(frozen=True, slots=True)
class MetricRow:
    """The online metrics of one group of impressions.

    Attributes:
        group: The group's value for each grouping asked (``{"day": "2026-09-01"}``).
        page_views: Distinct page views with an impression in the group.
        impressions: Products shown.
        clicks: Impressions clicked.
        carts: Impressions added to the cart.
        purchases: Attributed purchases.
        converted_page_views: Page views of the group with an attributed purchase.
        revenue: Attributed revenue.
    """

    group: dict[str, Any]
    page_views: int
    impressions: int
    clicks: int
    carts: int
    purchases: int
    converted_page_views: int
    revenue: float

    @property
    def ctr(self) -> float:
        """Share of impressions clicked."""
        return self.clicks / self.impressions if self.impressions else 0.0

    @property
    def add_to_cart_rate(self) -> float:
        """Share of impressions added to the cart."""
        return self.carts / self.impressions if self.impressions else 0.0

    @property
    def conversion(self) -> float:
        """Share of page views with an attributed purchase."""
        return self.converted_page_views / self.page_views if self.page_views else 0.0

    @property
    def revenue_per_page_view(self) -> float:
        """Attributed revenue per page view."""
        return self.revenue / self.page_views if self.page_views else 0.0

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form, counts and rates together."""
        return {
            **self.group,
            "page_views": self.page_views,
            "impressions": self.impressions,
            "clicks": self.clicks,
            "carts": self.carts,
            "purchases": self.purchases,
            "revenue": round(self.revenue, 2),
            "ctr": self.ctr,
            "add_to_cart_rate": self.add_to_cart_rate,
            "conversion": self.conversion,
            "revenue_per_page_view": self.revenue_per_page_view,
        }


def online_metrics(
    engine: Engine,
    *,
    group_by: Sequence[str] = ("day",),
    since: float | None = None,
    until: float | None = None,
    window_s: float = DEFAULT_WINDOW_S,
) -> list[MetricRow]:
    """Metrics of the impressions served in ``[since, until)``, one row per group.

    Args:
        engine: The store's engine.
        group_by: Names from :data:`GROUPINGS`; empty for one overall row.
        since: First serving time included (Unix seconds).
        until: Serving times before this are included.
        window_s: Attribution window (see :mod:`shopfront.feedback.attribution`).

    Raises:
        ValueError: A grouping is unknown.
    """
    check_groupings(group_by)
    return summarize(attribute(engine, since=since, until=until, window_s=window_s), group_by)


def check_groupings(group_by: Sequence[str]) -> None:
    """Raise ValueError naming the first grouping that is not in :data:`GROUPINGS`."""
    for name in group_by:
        if name not in GROUPINGS:
            known = ", ".join(GROUPINGS)
            raise ValueError(f"group_by must be among {known}, got {name!r}")


def summarize(frame: AttributedImpressions, group_by: Sequence[str]) -> list[MetricRow]:
    """Metrics of already attributed impressions, one row per group, sorted by group."""
    check_groupings(group_by)
    if len(frame) == 0:
        return []
    keys = [GROUPINGS[name](frame) for name in group_by]
    groups, inverse = _group_index(keys, len(frame))
    n_groups = len(groups)

    def total(values: np.ndarray) -> np.ndarray:
        return np.bincount(inverse, weights=values, minlength=n_groups)

    # Page views per group: distinct (group, request) pairs, and those with a purchase.
    _, requests = np.unique(frame.request_ids.astype(str), return_inverse=True)
    pairs, pair_inverse = np.unique(inverse * (requests.max() + 1) + requests, return_inverse=True)
    pair_group = pairs // (requests.max() + 1)
    bought = np.bincount(pair_inverse, weights=frame.purchases, minlength=len(pairs)) > 0

    page_views = np.bincount(pair_group, minlength=n_groups)
    converted = np.bincount(pair_group, weights=bought, minlength=n_groups)
    impressions = np.bincount(inverse, minlength=n_groups)
    clicks, carts = total(frame.clicks > 0), total(frame.carts > 0)
    purchases, revenue = total(frame.purchases), total(frame.revenue)
    return [
        MetricRow(
            group=dict(zip(group_by, groups[g], strict=True)),
            page_views=int(page_views[g]),
            impressions=int(impressions[g]),
            clicks=int(clicks[g]),
            carts=int(carts[g]),
            purchases=int(purchases[g]),
            converted_page_views=int(converted[g]),
            revenue=float(revenue[g]),
        )
        for g in range(n_groups)
    ]


def _group_index(keys: list[np.ndarray], n: int) -> tuple[list[tuple[Any, ...]], np.ndarray]:
    """The distinct key tuples, sorted, and each row's group number."""
    if not keys:
        return [()], np.zeros(n, dtype=np.int64)
    tuples = list(zip(*[k.tolist() for k in keys], strict=True))
    groups = sorted(set(tuples))
    number = {key: i for i, key in enumerate(groups)}
    return groups, np.array([number[key] for key in tuples], dtype=np.int64)
