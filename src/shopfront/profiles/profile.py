"""The shopper profile: what one shopper is into, at one moment, and why.

A :class:`Profile` is a frozen record built by
:class:`~shopfront.profiles.builder.ProfileBuilder` from one shopper's history.
Every figure in it can be read by a person: interests come with the events that
drove them, the segment comes with a description, and :meth:`Profile.as_dict`
gives JSON-ready output for the API and the operator's dashboard.

A shopper with no events (or unknown to the shop) gets :meth:`Profile.empty`:
no interests, no affinities, no price band, no segment. The homepage treats it
like a new shopper and falls back to non-personal sections.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

PRICE_BANDS: tuple[str, ...] = ("budget", "mid", "premium")


@dataclass(frozen=True, slots=True)
class Evidence:
    """One item that pushed a shopper towards an interest.

    Attributes:
        item_id: External id of the item.
        title: The item's title, for a person reading the profile.
        type: Label of the strongest interaction with the item (``"purchase"``).
        timestamp: Unix seconds of the latest interaction with the item.
        contribution: Share of the interest's probability that this item's events
            make up, in ``[0, 1]``; the shares of one interest sum to at most 1.
    """

    item_id: str
    title: str
    type: str
    timestamp: float
    contribution: float

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "item_id": self.item_id,
            "title": self.title,
            "type": self.type,
            "timestamp": self.timestamp,
            "contribution": round(self.contribution, 4),
        }


@dataclass(frozen=True, slots=True)
class Interest:
    """One category a shopper is interested in.

    Attributes:
        category: Category name (the top level of the item category path, or an
            attribute value, depending on the builder).
        probability: P(category | behaviour): the weighted mean, over the shopper's
            events, of each event's naive-Bayes posterior of the category (see
            :mod:`shopfront.profiles.interest`); sums to 1 over all categories.
        affinity: Share of the shopper's weighted, decayed activity in the category.
        price_band: ``"budget"``, ``"mid"`` or ``"premium"`` within this category,
            or ``None`` when no priced item of the category was seen.
        evidence: The items that drove the interest, strongest first.
    """

    category: str
    probability: float
    affinity: float
    price_band: str | None
    evidence: tuple[Evidence, ...]

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "category": self.category,
            "probability": round(self.probability, 4),
            "affinity": round(self.affinity, 4),
            "price_band": self.price_band,
            "evidence": [e.as_dict() for e in self.evidence],
        }


@dataclass(frozen=True, slots=True)
class Activity:
    """Recency, frequency and monetary figures of one shopper.

    Attributes:
        recency_days: Days from the latest event to the time of the profile;
            ``None`` without events.
        n_events: Number of events.
        n_sessions: Number of sessions (events split by an idle gap).
        n_purchases: Number of purchase events.
        purchase_value: Sum of the prices of purchased items (unknown prices count 0).
        events_by_type: Number of events per interaction type label.
    """

    recency_days: float | None = None
    n_events: int = 0
    n_sessions: int = 0
    n_purchases: int = 0
    purchase_value: float = 0.0
    events_by_type: Mapping[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        recency = None if self.recency_days is None else round(self.recency_days, 3)
        return {
            "recency_days": recency,
            "n_events": self.n_events,
            "n_sessions": self.n_sessions,
            "n_purchases": self.n_purchases,
            "purchase_value": round(self.purchase_value, 2),
            "events_by_type": dict(self.events_by_type),
        }


@dataclass(frozen=True, slots=True)
class Segment:
    """A cluster of similar shoppers, with words for it.

    Attributes:
        segment_id: Cluster number, 0-based.
        description: Human-readable summary, e.g. ``"premium beauty buyers, frequent"``.
    """

    segment_id: int
    description: str

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"id": self.segment_id, "description": self.description}


@dataclass(frozen=True)
class Profile:
    """Everything Shopfront knows about one shopper's tastes at one moment.

    Attributes:
        user_id: External user id, or ``None`` when built without one.
        built_at: The time (Unix seconds) the profile describes; decay ages are
            measured from it.
        interests: Top interests, most probable first.
        category_affinity: Share of weighted, decayed activity per category
            (non-zero entries only, summing to 1).
        brand_affinity: Same, per brand.
        price_band: Overall ``"budget"``/``"mid"``/``"premium"``, relative to the
            price distribution of each item's category; ``None`` without prices.
        price_percentile: Weighted median percentile, in ``[0, 1]``, of the prices
            seen within their categories; ``None`` without prices.
        activity: Recency, frequency and monetary figures.
        segment: The shopper's segment, or ``None`` when segments were not learned.
        embedding: float32 (D,) vector from a sequential model, when one was given.
    """

    user_id: str | None = None
    built_at: float = 0.0
    interests: tuple[Interest, ...] = ()
    category_affinity: Mapping[str, float] = field(default_factory=dict)
    brand_affinity: Mapping[str, float] = field(default_factory=dict)
    price_band: str | None = None
    price_percentile: float | None = None
    activity: Activity = field(default_factory=Activity)
    segment: Segment | None = None
    embedding: np.ndarray | None = field(default=None, compare=False)

    @classmethod
    def empty(cls, user_id: str | None = None, *, built_at: float = 0.0) -> Profile:
        """The profile of a shopper with no events, or one the shop does not know.

        It has no interests, affinities, price band or segment; callers should
        treat it like a new shopper (popular and trending sections).
        """
        return cls(user_id=user_id, built_at=built_at)

    @property
    def is_empty(self) -> bool:
        """Whether the profile carries no behaviour at all."""
        return self.activity.n_events == 0

    def top_categories(self, n: int = 3) -> list[str]:
        """The ``n`` most probable interest categories, best first (fewer if unknown)."""
        return [interest.category for interest in self.interests[:n]]

    def top_brands(self, n: int = 3) -> list[str]:
        """The ``n`` brands with the highest affinity, best first."""
        ranked = sorted(self.brand_affinity.items(), key=lambda pair: -pair[1])
        return [brand for brand, _ in ranked[:n]]

    def describe(self) -> str:
        """One sentence a person can read, e.g. for the operator's dashboard."""
        if self.is_empty:
            return "No activity yet."
        shares = ", ".join(
            f"{i.category} ({i.affinity:.0%})" for i in self.interests[:3] if i.affinity > 0
        )
        parts = [f"Mostly interested in {shares}" if shares else "No clear interest yet"]
        if self.price_band is not None:
            parts.append(f"{self.price_band} price range")
        if self.activity.recency_days is not None:
            parts.append(f"last active {self.activity.recency_days:.1f} days ago")
        if self.segment is not None:
            parts.append(f"segment: {self.segment.description}")
        return "; ".join(parts) + "."

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form of the whole profile, evidence included."""
        percentile = self.price_percentile
        return {
            "user_id": self.user_id,
            "built_at": self.built_at,
            "summary": self.describe(),
            "interests": [interest.as_dict() for interest in self.interests],
            "category_affinity": _rounded(self.category_affinity),
            "brand_affinity": _rounded(self.brand_affinity),
            "price": {
                "band": self.price_band,
                "percentile": None if percentile is None else round(percentile, 4),
            },
            "activity": self.activity.as_dict(),
            "segment": None if self.segment is None else self.segment.as_dict(),
            "embedding": None if self.embedding is None else _floats(self.embedding),
        }


def _rounded(shares: Mapping[str, float]) -> dict[str, float]:
    """Shares rounded for display, largest first."""
    ranked = sorted(shares.items(), key=lambda pair: -pair[1])
    return {name: round(value, 4) for name, value in ranked}


def _floats(vector: np.ndarray) -> list[float | None]:
    """A vector as JSON numbers (non-finite values become ``None``)."""
    return [float(v) if math.isfinite(v) else None for v in vector.tolist()]
