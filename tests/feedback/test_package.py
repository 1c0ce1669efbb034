"""The public names of the feedback stage, and the decision journal."""

from __future__ import annotations

import shopfront.feedback as feedback
from shopfront.feedback.bandit import ThompsonOrderPolicy
from shopfront.feedback.journal import DecisionJournal, RecordingPolicy
from shopfront.homepage.policy import EngagementOrderPolicy, OrderContext, SectionCandidate

CANDIDATES = [
    SectionCandidate("trending", "trending", 0.3),
    SectionCandidate("recommended", "recommended", 0.8),
]


def test_all_names_are_exported() -> None:
    assert sorted(feedback.__all__) == feedback.__all__
    for name in feedback.__all__:
        assert hasattr(feedback, name), name


def test_recording_policy_keeps_the_decision_until_popped() -> None:
    journal = DecisionJournal()
    policy = RecordingPolicy(EngagementOrderPolicy(), journal)
    order = policy.order(CANDIDATES, OrderContext(user_id="u", request_id="r1", n_events=0))
    assert order.section_ids == ("recommended", "trending")
    decision = journal.pop("r1")
    assert decision is not None and decision.segment == "new"
    assert decision.keys == ("trending#0", "recommended#0")
    assert decision.as_dict()["shown"] == ["recommended", "trending"]
    assert journal.pop("r1") is None


def test_journal_forgets_the_oldest_beyond_its_capacity() -> None:
    journal = DecisionJournal(capacity=3)
    policy = RecordingPolicy(ThompsonOrderPolicy(), journal)
    for i in range(5):
        policy.order(CANDIDATES, OrderContext(user_id="u", request_id=f"r{i}"))
    assert len(journal) == 3
    assert journal.pop("r0") is None and journal.pop("r4") is not None
