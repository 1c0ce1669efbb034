"""Off-policy estimators on a synthetic position-based world where the truth is known."""

from __future__ import annotations

import numpy as np
import pytest

from shopfront.feedback.bandit import (
    BanditConfig,
    SectionObservation,
    ThompsonOrderPolicy,
    default_position_weights,
    section_keys,
)
from shopfront.feedback.logs import LoggedPage
from shopfront.feedback.offpolicy import (
    BanditTarget,
    DeterministicTarget,
    evaluate_policy,
    on_policy_value,
)
from shopfront.homepage.policy import EngagementOrderPolicy, OrderContext, SectionCandidate

CANDIDATES = (
    SectionCandidate("recommended", "recommended", 0.9),
    SectionCandidate("because_viewed", "because_viewed", 0.7),
    SectionCandidate("trending", "trending", 0.2),
    SectionCandidate("top_picks:Home", "top_picks", 0.5),
)
ROW_CLICK_RATE = np.array([1.2, 0.5, 0.9, 0.4])  # expected clicks of each section in the top row
WEIGHTS = default_position_weights(4)


def serve(policy: object, n_pages: int, rng: np.random.Generator) -> list[LoggedPage]:
    """Pages ordered by ``policy``, with Poisson clicks under the position-based model."""
    pages = []
    keys = tuple(section_keys(CANDIDATES))
    for i in range(n_pages):
        context = OrderContext(user_id="u", request_id=f"r{i}-{rng.integers(1 << 30)}", n_slots=3)
        order = policy.order(list(CANDIDATES), context)  # type: ignore[attr-defined]
        index = {c.id: j for j, c in enumerate(CANDIDATES)}
        shown = tuple(index[section_id] for section_id in order.section_ids)

        # The composer shows the first 3 sections of the order; the others earn nothing.
        clicks = tuple(
            int(rng.poisson(ROW_CLICK_RATE[c] * WEIGHTS[r])) if r < 3 else 0
            for r, c in enumerate(shown)
        )
        pages.append(
            LoggedPage(
                request_id=context.request_id,
                served_at=float(i),
                user_id=f"u{i % 500}",
                segment="new",
                candidates=CANDIDATES,
                keys=keys,
                shown=shown,
                propensity=order.propensity,
                position_propensities=order.position_propensities,
                n_events=0,
                n_slots=3,
                slot_clicks=clicks,
                slot_rows=tuple(r if r < 3 else -1 for r in range(len(shown))),
                slot_items=tuple(10 if r < 3 else 0 for r in range(len(shown))),
                arm=None,
                policy=order.policy,
            )
        )
    return pages


@pytest.fixture(scope="module")
def logging_policy() -> ThompsonOrderPolicy:
    """A bandit that half-learned, exploring a third of the time."""
    rows = [
        SectionObservation("new", key, slot, bool(ROW_CLICK_RATE[c] * WEIGHTS[slot] > 0.5))
        for c, key in enumerate(section_keys(CANDIDATES))
        for slot in range(3)
    ]
    return ThompsonOrderPolicy(BanditConfig(exploration_rate=0.3)).fit(rows)


def true_value() -> float:
    """Clicks per page of the engagement order: its top 3 sections in slots 0, 1, 2."""
    return float(ROW_CLICK_RATE[[0, 1, 3]] @ WEIGHTS[:3])


def test_estimators_recover_the_fixed_order_from_bandit_logs(
    logging_policy: ThompsonOrderPolicy,
) -> None:
    pages = serve(logging_policy, 6000, np.random.default_rng(1))
    estimates = evaluate_policy(pages, DeterministicTarget(EngagementOrderPolicy()))
    for name in ("ips", "snips", "slot_ips", "slot_snips"):
        estimate = estimates[name].estimate
        assert estimate.low <= true_value() <= estimate.high, name
    assert estimates["slot_ips"].estimate.std_error < estimates["ips"].estimate.std_error


def test_estimate_of_the_logging_policy_is_its_own_mean(
    logging_policy: ThompsonOrderPolicy,
) -> None:
    pages = serve(logging_policy, 500, np.random.default_rng(2))
    estimates = evaluate_policy(pages, BanditTarget(logging_policy))
    assert estimates["ips"].estimate.value == pytest.approx(on_policy_value(pages).value, rel=1e-6)
    assert estimates["snips"].estimate.value == pytest.approx(on_policy_value(pages).value)
    assert estimates["ips"].match_rate == 1.0


def test_online_value_of_the_fixed_order_matches_the_truth() -> None:
    pages = serve(EngagementOrderPolicy(), 4000, np.random.default_rng(3))
    value = on_policy_value(pages)
    assert value.low <= true_value() <= value.high


def test_pages_without_propensity_are_refused(logging_policy: ThompsonOrderPolicy) -> None:
    page = serve(logging_policy, 1, np.random.default_rng(4))[0]
    broken = LoggedPage(**{**{f: getattr(page, f) for f in page.__slots__}, "propensity": 0.0})
    with pytest.raises(ValueError, match="propensity"):
        evaluate_policy([broken], DeterministicTarget(EngagementOrderPolicy()))
