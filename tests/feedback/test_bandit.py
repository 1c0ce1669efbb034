"""The section order bandit: valid orders, exact propensities, learning from clicks."""

from __future__ import annotations

import itertools
from collections import Counter

import numpy as np
import pytest

from shopfront.feedback.bandit import (
    BanditConfig,
    SectionObservation,
    ThompsonOrderPolicy,
    default_position_weights,
    estimate_position_weights,
    section_keys,
    segment_of,
)
from shopfront.homepage.policy import OrderContext, SectionCandidate

CANDIDATES = [
    SectionCandidate("recommended", "recommended", 0.9),
    SectionCandidate("trending", "trending", 0.2),
    SectionCandidate("top_picks:Home", "top_picks", 0.5),
    SectionCandidate("top_picks:Toys", "top_picks", 0.4),
]
TRUE_CTR = {"recommended#0": 0.6, "trending#0": 0.1, "top_picks#0": 0.3, "top_picks#1": 0.2}


def context(request_id: str, *, n_events: int = 5, n_slots: int = 6) -> OrderContext:
    return OrderContext(user_id="u1", request_id=request_id, n_events=n_events, n_slots=n_slots)


def simulated_observations(n_pages: int, seed: int = 0) -> list[SectionObservation]:
    """Pages in random order, rows clicked by TRUE_CTR times the slot's examination."""
    rng = np.random.default_rng(seed)
    weights = default_position_weights(4)
    rows = []
    for _ in range(n_pages):
        for slot, key in enumerate(rng.permutation(list(TRUE_CTR))):
            clicked = bool(rng.random() < TRUE_CTR[key] * weights[slot])
            rows.append(SectionObservation("returning", key, slot, clicked))
    return rows


def test_order_is_a_permutation_of_every_candidate() -> None:
    policy = ThompsonOrderPolicy()
    chosen = policy.order(CANDIDATES, context("r1", n_slots=3))
    assert sorted(chosen.section_ids) == sorted(c.id for c in CANDIDATES)
    assert 0 < chosen.propensity <= 1
    assert len(chosen.position_propensities) == len(CANDIDATES)
    assert all(0 < p <= 1 for p in chosen.position_propensities)


def test_same_request_gets_the_same_order() -> None:
    policy = ThompsonOrderPolicy()
    assert policy.order(CANDIDATES, context("r7")) == policy.order(CANDIDATES, context("r7"))


def test_propensities_match_the_frequencies_of_orders() -> None:
    policy = ThompsonOrderPolicy(BanditConfig(exploration_rate=0.2)).fit(simulated_observations(30))
    chosen = [policy.order(CANDIDATES, context(f"r{i}")) for i in range(3000)]
    counts = Counter(order.section_ids for order in chosen)
    for order in chosen[:50]:
        assert order.propensity == pytest.approx(counts[order.section_ids] / 3000, abs=0.025)


def test_propensities_of_all_orders_sum_to_one() -> None:
    policy = ThompsonOrderPolicy(BanditConfig(exploration_rate=0.3)).fit(simulated_observations(20))
    keys = section_keys(CANDIDATES)
    total = sum(
        policy.shown_probability("returning", keys, list(order))
        for order in itertools.permutations(range(4))
    )
    assert total == pytest.approx(1.0, abs=2e-3)


def test_bandit_learns_the_best_section_first() -> None:
    policy = ThompsonOrderPolicy(BanditConfig(exploration_rate=0.0)).fit(
        simulated_observations(400)
    )
    tops = Counter(policy.order(CANDIDATES, context(f"r{i}")).section_ids[0] for i in range(200))
    assert tops.most_common(1)[0][0] == "recommended"
    assert tops["recommended"] > 180


def test_new_shoppers_learn_apart_from_returning_ones() -> None:
    policy = ThompsonOrderPolicy(BanditConfig(exploration_rate=0.0)).fit(
        simulated_observations(400)
    )
    alpha, beta = policy.state.posterior("new", "recommended#0", policy.config)
    assert (alpha, beta) == (policy.config.prior_clicks, policy.config.prior_misses)
    assert segment_of(context("r", n_events=0), "activity") == "new"
    assert segment_of(context("r", n_events=0), "none") == "all"


def test_position_weights_are_recovered_from_random_orders() -> None:
    observations = simulated_observations(6000, seed=2)
    clicks: dict[tuple[str, str], np.ndarray] = {}
    shown: dict[tuple[str, str], np.ndarray] = {}
    for row in observations:
        arm = (row.segment, row.key)
        clicks.setdefault(arm, np.zeros(4))[row.slot] += row.clicked
        shown.setdefault(arm, np.zeros(4))[row.slot] += 1
    flat = np.ones(4)  # a wrong prior: no position effect at all
    weights = estimate_position_weights(clicks, shown, prior=flat, prior_trials=1.0)
    assert weights == pytest.approx(default_position_weights(4), abs=0.05)


def test_exploration_rate_must_be_a_probability() -> None:
    with pytest.raises(ValueError, match="exploration_rate"):
        BanditConfig(exploration_rate=1.5)
