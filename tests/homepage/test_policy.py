"""The section order policy: default order, and a custom policy plugged into the composer."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from shopfront.homepage.bundle import ModelBundle
from shopfront.homepage.composer import HomepageComposer
from shopfront.homepage.policy import (
    EngagementOrderPolicy,
    OrderContext,
    SectionCandidate,
    SectionOrder,
)


def test_engagement_policy_sorts_and_keeps_ties_in_draft_order() -> None:
    sections = [
        SectionCandidate("a", "trending", 0.3),
        SectionCandidate("b", "top_picks", 0.7),
        SectionCandidate("c", "top_picks", 0.7),
    ]
    order = EngagementOrderPolicy().order(sections, OrderContext("u", "r"))

    assert order.section_ids == ("b", "c", "a")
    assert order.propensity == 1.0 and order.policy == "engagement"


def test_kind_weights_move_a_kind() -> None:
    sections = [SectionCandidate("a", "trending", 0.3), SectionCandidate("b", "top_picks", 0.5)]
    policy = EngagementOrderPolicy(kind_weights={"trending": 3.0})

    assert policy.order(sections, OrderContext("u", "r")).section_ids == ("a", "b")


@dataclass
class ReversePolicy:
    """Shows the drafted sections in reverse, with a made-up propensity."""

    name: str = "reverse"
    seen: list[OrderContext] = field(default_factory=list)

    def order(self, sections: Sequence[SectionCandidate], context: OrderContext) -> SectionOrder:
        self.seen.append(context)
        ids = tuple(s.id for s in reversed(sections))[:2]
        return SectionOrder(ids, propensity=0.25, policy=self.name, arm="explore")


def test_composer_follows_a_plugged_policy_and_returns_its_order(
    shop_bundle: ModelBundle,
) -> None:
    policy = ReversePolicy()
    composer = HomepageComposer(shop_bundle, policy=policy)
    page = composer.compose("u5", shop_bundle.snapshot.history(5), request_id="req-1")

    assert page.ordering is not None
    assert [s.id for s in page.sections] == list(page.ordering.section_ids)
    assert page.ordering.propensity == 0.25 and page.ordering.arm == "explore"
    assert policy.seen[0].request_id == "req-1" and policy.seen[0].profile is not None
    assert page.ordering.as_dict()["policy"] == "reverse"
