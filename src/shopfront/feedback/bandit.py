"""A Thompson-sampling bandit that chooses the order of homepage sections.

Each (segment, section key) pair is an arm with a Beta posterior on ``θ``, the
chance that the shopper clicks at least one product of the section's row when
they look at it. Rows lower on the page are looked at less: a row at slot ``r``
is read with probability ``w_r`` (``w_0 = 1``), the position-based click model
of Craswell et al. (WSDM 2008). A clicked row therefore counts as a success
and each row shown as ``w_r`` trials, so a section is not rewarded merely for
having been placed on top; the weights ``w_r`` are estimated from the logs
themselves (:func:`estimate_position_weights`). The reward is per row, not per
product, so a short row (*Complete your purchase*, two products) competes
fairly with a full one.

For each page the bandit draws ``θ`` from every candidate's posterior and
orders the sections by it (Thompson 1933; Chapelle and Li, NIPS 2011). With
probability ``exploration_rate`` it instead returns a uniformly random order,
which keeps every order possible for off-policy evaluation. The propensity of
the order and of each section at each position are exact mixtures of the two
(see :mod:`shopfront.feedback.order_probability`).

Every candidate is ordered, not only as many as the page shows: the composer
fills the page from the top of the order and skips a section left with too few
products, so the section after the cut may be shown. Logging the whole order
keeps the logged action equal to what decided the page.

A section key is the section's kind and its rank among sections of that kind
on the page (``"top_picks#0"`` is the shopper's first category), so arms are
shared by shoppers whose rows have different categories.
"""

from __future__ import annotations

import logging
import math
import threading
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from shopfront.feedback.order_probability import ThompsonOrderModel
from shopfront.homepage.policy import OrderContext, SectionCandidate, SectionOrder

logger = logging.getLogger(__name__)

POSITION_WEIGHT_ITERATIONS = 25
MIN_SLOT_TRIALS = 200.0


class BanditConfig(BaseModel):
    """Settings of the section order bandit."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    exploration_rate: float = Field(
        default=0.1,
        ge=0.0,
        le=1.0,
        description="Share of pages that get a uniformly random section order (on top of "
        "Thompson sampling's own exploration); > 0 keeps every order evaluable offline.",
    )
    prior_clicks: float = Field(default=1.0, gt=0, description="Beta prior successes of every arm.")
    prior_misses: float = Field(default=4.0, gt=0, description="Beta prior failures of every arm.")
    segmentation: Literal["none", "activity", "profile"] = Field(
        default="activity",
        description="How shoppers are grouped: one group, new vs returning, or the profile's "
        "segment (returning shoppers without one count as returning).",
    )
    learn_position_weights: bool = Field(
        default=True, description="Estimate the examination weight of each slot from the logs."
    )
    seed: int = Field(
        default=0, ge=0, description="Seed of the draws (combined with the request id)."
    )


@dataclass(frozen=True, slots=True)
class SectionObservation:
    """One section shown on one page, and whether it was clicked.

    Attributes:
        segment: The shopper's segment when the page was served.
        key: The section key (``"top_picks#0"``).
        slot: 0-based row of the section on the page.
        clicked: Whether a click was attributed to one of the row's products.
    """

    segment: str
    key: str
    slot: int
    clicked: bool


@dataclass(frozen=True)
class BanditState:
    """What the bandit has learned: rows shown and rows clicked per arm and slot.

    Attributes:
        clicks: ``(segment, key)`` → float64 clicked rows per slot.
        shown: ``(segment, key)`` → float64 rows shown per slot.
        position_weights: float64 examination weight per slot, ``w_0 = 1``.
    """

    clicks: dict[tuple[str, str], np.ndarray] = field(default_factory=dict)
    shown: dict[tuple[str, str], np.ndarray] = field(default_factory=dict)
    position_weights: np.ndarray = field(default_factory=lambda: default_position_weights(20))

    def posterior(self, segment: str, key: str, config: BanditConfig) -> tuple[float, float]:
        """The Beta parameters ``(α, β)`` of one arm."""
        clicks = self.clicks.get((segment, key))
        if clicks is None:
            return config.prior_clicks, config.prior_misses
        shown = self.shown[(segment, key)]
        weights = self.position_weights[: len(shown)]
        trials = float(shown @ weights)
        successes = float(clicks.sum())
        return config.prior_clicks + successes, config.prior_misses + max(trials - successes, 0.0)


def default_position_weights(n_slots: int) -> np.ndarray:
    """float64 prior examination weights ``1 / log2(r + 2)`` until the logs say otherwise."""
    return 1.0 / np.log2(np.arange(n_slots, dtype=np.float64) + 2.0)


def section_keys(sections: Sequence[SectionCandidate]) -> list[str]:
    """The bandit key of each candidate: its kind and rank among sections of that kind.

    Example:
        >>> cands = [SectionCandidate("top_picks:Home", "top_picks", 0.5),
        ...          SectionCandidate("trending", "trending", 0.2),
        ...          SectionCandidate("top_picks:Toys", "top_picks", 0.4)]
        >>> section_keys(cands)
        ['top_picks#0', 'trending#0', 'top_picks#1']
    """
    seen: dict[str, int] = {}
    keys = []
    for section in sections:
        kind = section.kind or section.id.split(":", 1)[0]
        keys.append(f"{kind}#{seen.get(kind, 0)}")
        seen[kind] = seen.get(kind, 0) + 1
    return keys


def segment_of(context: OrderContext, segmentation: str) -> str:
    """The shopper's segment for the bandit (``"all"``, ``"new"``, ``"returning"``, ``"s3"``)."""
    if segmentation == "none":
        return "all"
    if context.n_events == 0:
        return "new"
    profile = context.profile
    segment = getattr(profile, "segment", None) if profile is not None else None
    if segmentation == "profile" and segment is not None:
        return f"s{segment.segment_id}"
    return "returning"


class ThompsonOrderPolicy:
    """Orders sections by Thompson sampling, with a uniform exploration floor.

    Implements the :class:`~shopfront.homepage.policy.SectionOrderPolicy`
    protocol. :meth:`fit` replaces what was learned (atomically, so it may run in
    a background thread while pages are served).

    Args:
        config: Exploration rate, prior, segmentation and seed.

    Example:
        >>> policy = ThompsonOrderPolicy(BanditConfig(exploration_rate=0.2))
        >>> cands = [SectionCandidate("recommended", "recommended", 0.8),
        ...          SectionCandidate("trending", "trending", 0.3)]
        >>> chosen = policy.order(cands, OrderContext(user_id="u1", request_id="r1", n_events=4))
        >>> sorted(chosen.section_ids), round(chosen.propensity, 2)
        (['recommended', 'trending'], 0.5)
    """

    name = "thompson"

    def __init__(self, config: BanditConfig | None = None) -> None:
        self.config = config or BanditConfig()
        self._state = BanditState()
        self._cache: dict[tuple[str, tuple[str, ...]], _ArmSet] = {}
        self._lock = threading.Lock()

    @property
    def state(self) -> BanditState:
        """What has been learned so far."""
        return self._state

    def order(self, sections: Sequence[SectionCandidate], context: OrderContext) -> SectionOrder:
        """A sampled order of all ``sections``, with its propensities."""
        n = len(sections)
        if n == 0:
            return SectionOrder((), 1.0, (), self.name)
        segment = segment_of(context, self.config.segmentation)
        arms = self._arms(segment, tuple(section_keys(sections)))
        rng = np.random.default_rng([self.config.seed, zlib.crc32(context.request_id.encode())])

        # Explore uniformly with probability ε; otherwise one posterior draw per arm.
        if rng.random() < self.config.exploration_rate:
            draws = rng.random(n)
        else:
            draws = rng.beta(arms.alphas, arms.betas)
        shown = np.argsort(-draws, kind="stable")
        return SectionOrder(
            section_ids=tuple(sections[int(i)].id for i in shown),
            propensity=self.probability(arms, shown.tolist(), n),
            position_propensities=tuple(float(arms.ranks[i, r]) for r, i in enumerate(shown)),
            policy=self.name,
            scores=tuple(float(draws[i]) for i in shown),
        )

    def shown_probability(self, segment: str, keys: Sequence[str], shown: Sequence[int]) -> float:
        """Probability that this policy puts the candidates ``shown`` (indices) first, in order."""
        return self.probability(self._arms(segment, tuple(keys)), list(shown), len(keys))

    def rank_probabilities(self, segment: str, keys: Sequence[str]) -> np.ndarray:
        """float64 (n, n): probability of each candidate at each position of the order."""
        return self._arms(segment, tuple(keys)).ranks

    def probability(self, arms: _ArmSet, shown: list[int], n: int) -> float:
        """The ε-mixture probability of one shown order."""
        epsilon = self.config.exploration_rate
        uniform = 1.0 / math.perm(n, len(shown))
        thompson = arms.model.order_probability(shown) if epsilon < 1 else 0.0
        return float(epsilon * uniform + (1.0 - epsilon) * thompson)

    def fit(self, observations: Iterable[SectionObservation]) -> ThompsonOrderPolicy:
        """Learn from every observation given (replacing what was learned) and return ``self``."""
        clicks: dict[tuple[str, str], np.ndarray] = {}
        shown: dict[tuple[str, str], np.ndarray] = {}
        n_slots = 20
        for row in observations:
            if not 0 <= row.slot < n_slots:
                continue
            arm = (row.segment, row.key)
            if arm not in clicks:
                clicks[arm], shown[arm] = np.zeros(n_slots), np.zeros(n_slots)
            clicks[arm][row.slot] += float(row.clicked)
            shown[arm][row.slot] += 1.0
        weights = default_position_weights(n_slots)
        if self.config.learn_position_weights and clicks:
            weights = estimate_position_weights(clicks, shown, prior=weights)
        with self._lock:
            self._state = BanditState(clicks, shown, weights)
            self._cache = {}
        logger.info("fitted section order bandit arms=%d", len(clicks))
        return self

    def _arms(self, segment: str, keys: tuple[str, ...]) -> _ArmSet:
        """Posteriors and rank probabilities of one set of candidates (cached until ``fit``)."""
        cache_key = (segment, keys)
        cached = self._cache.get(cache_key)
        if cached is not None:
            return cached
        state = self._state
        params = np.array([state.posterior(segment, key, self.config) for key in keys])
        model = ThompsonOrderModel(params[:, 0], params[:, 1])
        epsilon = self.config.exploration_rate
        ranks = epsilon / len(keys) + (1.0 - epsilon) * model.rank_probabilities(len(keys))
        arms = _ArmSet(params[:, 0], params[:, 1], model, ranks)
        self._cache[cache_key] = arms
        return arms


@dataclass(frozen=True, slots=True)
class _ArmSet:
    """Posteriors of one set of candidates, with their order model and rank probabilities."""

    alphas: np.ndarray
    betas: np.ndarray
    model: ThompsonOrderModel
    ranks: np.ndarray


def estimate_position_weights(
    clicks: dict[tuple[str, str], np.ndarray],
    shown: dict[tuple[str, str], np.ndarray],
    *,
    prior: np.ndarray,
    prior_trials: float = MIN_SLOT_TRIALS,
) -> np.ndarray:
    """Examination weight of each slot under the position-based click model.

    Fits ``E[clicked rows of arm a at slot r] = w_r · θ_a · shown`` by
    alternating closed-form updates (a rank-one Poisson factorization), with
    ``w_0 = 1``. Each slot's weight is shrunk towards ``prior`` with
    ``prior_trials`` pseudo-rows, so a slot seldom used keeps its prior weight.

    Returns:
        float64 (n_slots,) weights.
    """
    arms = list(clicks)
    c = np.array([clicks[a] for a in arms])
    n = np.array([shown[a] for a in arms])
    weights = prior.copy()
    theta = c.sum(1) / np.maximum(n @ weights, 1e-9)
    for _ in range(POSITION_WEIGHT_ITERATIONS):
        theta = c.sum(1) / np.maximum(n @ weights, 1e-9)
        expected = theta @ n  # rows shown per slot, weighted by their arms' θ
        mean_theta = float(theta.mean()) if len(theta) else 0.0
        pseudo = prior_trials * mean_theta
        weights = (c.sum(0) + pseudo * prior) / np.maximum(expected + pseudo, 1e-12)
        weights = weights / weights[0] if weights[0] > 0 else prior.copy()
    clipped: np.ndarray = np.clip(weights, 1e-3, None)
    return clipped
