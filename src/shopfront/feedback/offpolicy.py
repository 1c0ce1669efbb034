"""Off-policy evaluation of section order policies from the impression log.

A logging policy (the bandit) chose each page's section order with a known
propensity. The value of another policy — clicks per page view — is estimated
from those logs without serving it:

- ``ips``: inverse propensity scoring of whole orders, ``mean(w · r)`` with
  ``w = π_new(order) / π_log(order)`` (Horvitz and Thompson 1952); unbiased,
  but an order has many alternatives, so few logged orders match a new
  policy's and the interval is wide;
- ``snips``: the self-normalized version, ``Σ w·r / Σ w`` (Swaminathan and
  Joachims, NIPS 2015): slightly biased, much steadier;
- ``slot_ips`` and ``slot_snips``: the same per row, with each row's clicks
  weighted by ``π_new(section at slot) / π_log(section at slot)``. They assume
  a row's clicks depend only on its section and its slot (the position-based
  click model of Li et al., "Offline Evaluation of Ranking Policies with Click
  Models", KDD 2018), which makes the weights far smaller.

Intervals are normal approximations, with shoppers as the independent units:
the sample variance for IPS, the delta method for the self-normalized
estimators. Below an effective sample size (``(Σw)² / Σw²``) of
``MIN_EFFECTIVE_SAMPLE`` an estimate gets no interval (it is infinite).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from shopfront.feedback.bandit import ThompsonOrderPolicy
from shopfront.feedback.logs import LoggedPage
from shopfront.feedback.stats import Estimate, z_value
from shopfront.homepage.policy import OrderContext, SectionOrderPolicy

ESTIMATORS = ("ips", "snips", "slot_ips", "slot_snips")
MIN_EFFECTIVE_SAMPLE = 10.0


class TargetPolicy(Protocol):
    """A policy to evaluate: the probabilities it gives to logged decisions."""

    def order_probability(self, page: LoggedPage) -> float:
        """Probability that the policy chooses the page's logged order."""
        ...

    def rank_probabilities(self, page: LoggedPage) -> np.ndarray:
        """float64 (n_candidates, n_slots): probability of each candidate at each slot."""
        ...


class DeterministicTarget:
    """A deterministic section order policy, replayed on the logged candidates.

    Args:
        policy: Any section order policy whose choice is a function of its input.
    """

    def __init__(self, policy: SectionOrderPolicy) -> None:
        self.policy = policy

    def chosen(self, page: LoggedPage) -> tuple[int, ...]:
        """Indices of the candidates the policy would show, top first."""
        context = OrderContext(
            user_id="", request_id=page.request_id, n_events=page.n_events, n_slots=page.n_slots
        )
        order = self.policy.order(list(page.candidates), context)
        index = {candidate.id: i for i, candidate in enumerate(page.candidates)}
        return tuple(index[section_id] for section_id in order.section_ids)

    def order_probability(self, page: LoggedPage) -> float:
        """1 when the policy would have shown the logged sections in the logged order, else 0."""
        return float(self.chosen(page)[: len(page.shown)] == page.shown)

    def rank_probabilities(self, page: LoggedPage) -> np.ndarray:
        """Indicator of each candidate at the slot the policy would give it."""
        ranks = np.zeros((len(page.candidates), len(page.shown)))
        for slot, candidate in enumerate(self.chosen(page)[: len(page.shown)]):
            ranks[candidate, slot] = 1.0
        return ranks


class BanditTarget:
    """A (frozen) Thompson bandit as the policy to evaluate.

    Args:
        policy: The bandit, with what it has learned.
    """

    def __init__(self, policy: ThompsonOrderPolicy) -> None:
        self.policy = policy

    def order_probability(self, page: LoggedPage) -> float:
        """The bandit's probability of the logged order."""
        return self.policy.shown_probability(page.segment, page.keys, page.shown)

    def rank_probabilities(self, page: LoggedPage) -> np.ndarray:
        """The bandit's probability of each candidate at each shown slot."""
        return self.policy.rank_probabilities(page.segment, page.keys)[:, : len(page.shown)]


@dataclass(frozen=True, slots=True)
class OffPolicyEstimate:
    """An estimate of a policy's clicks per page view.

    Attributes:
        estimator: One of :data:`ESTIMATORS`.
        estimate: Value with its interval.
        effective_sample_size: ``(Σw)² / Σw²`` of the weights used.
        match_rate: Share of logged pages whose order the policy could have chosen.
    """

    estimator: str
    estimate: Estimate
    effective_sample_size: float
    match_rate: float


def evaluate_policy(
    pages: Sequence[LoggedPage], target: TargetPolicy, *, confidence: float = 0.95
) -> dict[str, OffPolicyEstimate]:
    """Every estimator of :data:`ESTIMATORS` for ``target`` on the logged ``pages``.

    Intervals treat shoppers, not pages, as independent: the pages of one
    shopper are summed before the variance is taken.

    Raises:
        ValueError: A logged page has no positive propensity.
    """
    if not pages:
        empty = Estimate(math.nan, math.nan, math.nan, math.nan, 0)
        return {name: OffPolicyEstimate(name, empty, 0.0, 0.0) for name in ESTIMATORS}
    for page in pages:
        if not page.propensity > 0 or not all(p > 0 for p in page.position_propensities):
            raise ValueError(
                f"propensity must be > 0 for off-policy evaluation, got {page.propensity} "
                f"on request {page.request_id!r}"
            )
    rewards = np.array([page.reward for page in pages])
    weights = np.array([target.order_probability(p) / p.propensity for p in pages])
    slot_weights, slot_rewards = _slot_terms(pages, target)
    terms = _Terms(_user_groups(pages), float((weights > 0).mean()), z_value(confidence))
    return {
        "ips": terms.mean("ips", weights * rewards, weights),
        "snips": terms.ratio("snips", [weights * rewards], [weights], weights),
        "slot_ips": terms.mean("slot_ips", (slot_weights * slot_rewards).sum(1), slot_weights),
        "slot_snips": terms.ratio(
            "slot_snips",
            list((slot_weights * slot_rewards).T),
            list(slot_weights.T),
            slot_weights,
        ),
    }


def on_policy_value(pages: Sequence[LoggedPage], *, confidence: float = 0.95) -> Estimate:
    """Clicks per page view of the policy that served ``pages``, clustered by shopper."""
    rewards = np.array([page.reward for page in pages], dtype=np.float64)
    if len(rewards) == 0:
        return Estimate(math.nan, math.nan, math.nan, math.nan, 0)
    terms = _Terms(_user_groups(pages), 1.0, z_value(confidence))
    return terms.mean("on_policy", rewards, np.ones(len(rewards))).estimate


def _slot_terms(pages: Sequence[LoggedPage], target: TargetPolicy) -> tuple[np.ndarray, np.ndarray]:
    """Per page and slot, the weight of the section shown there and its clicks (padded with 0)."""
    n_slots = max(len(page.shown) for page in pages)
    weights = np.zeros((len(pages), n_slots))
    rewards = np.zeros((len(pages), n_slots))
    for i, page in enumerate(pages):
        ranks = target.rank_probabilities(page)
        for slot, candidate in enumerate(page.shown):
            weights[i, slot] = ranks[candidate, slot] / page.position_propensities[slot]
            rewards[i, slot] = page.slot_clicks[slot]
    return weights, rewards


def _user_groups(pages: Sequence[LoggedPage]) -> np.ndarray:
    """int64 group number of each page: its shopper (a page of its own when unknown)."""
    keys = [page.user_id or f"request:{page.request_id}" for page in pages]
    return np.unique(np.array(keys, dtype=object).astype(str), return_inverse=True)[1]


@dataclass(frozen=True, slots=True)
class _Terms:
    """Turns per-page terms into estimates with shopper-clustered intervals."""

    groups: np.ndarray
    match: float
    z: float

    def mean(self, name: str, terms: np.ndarray, weights: np.ndarray) -> OffPolicyEstimate:
        """``mean(terms)``."""
        value = float(terms.mean())
        return self._estimate(name, value, terms - value, weights)

    def ratio(
        self,
        name: str,
        numerators: list[np.ndarray],
        denominators: list[np.ndarray],
        weights: np.ndarray,
    ) -> OffPolicyEstimate:
        """``Σ_k Σ_i a_ki / Σ_i b_ki`` with its delta-method influence per page."""
        value = 0.0
        influence = np.zeros(len(self.groups))
        for a, b in zip(numerators, denominators, strict=True):
            if b.sum() <= 0:
                continue
            ratio = float(a.sum() / b.sum())
            value += ratio
            influence += (a - ratio * b) / b.mean()
        return self._estimate(name, value, influence, weights)

    def _estimate(
        self, name: str, value: float, influence: np.ndarray, weights: np.ndarray
    ) -> OffPolicyEstimate:
        """The estimate with the standard error of the clustered influence."""
        n = len(influence)
        sums = np.bincount(self.groups, weights=influence)
        n_groups = len(sums)
        ess = _effective_size(weights.ravel())
        std_error = math.inf
        # With a handful of matching pages the variance estimate means nothing: no interval.
        if n_groups > 1 and ess >= MIN_EFFECTIVE_SAMPLE:
            std_error = float(np.sqrt((sums**2).sum() * n_groups / (n_groups - 1)) / n)
        estimate = Estimate(
            value, value - self.z * std_error, value + self.z * std_error, std_error, n
        )
        return OffPolicyEstimate(name, estimate, ess, self.match)


def _effective_size(weights: np.ndarray) -> float:
    total = float((weights**2).sum())
    return float(weights.sum() ** 2 / total) if total > 0 else 0.0
