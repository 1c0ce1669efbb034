"""What the section order policy saw and chose, kept until the page is logged.

Off-policy evaluation replays another policy on the same inputs, so the log of
a page view must hold the candidates the policy was offered, not only the order
it chose. :class:`RecordingPolicy` wraps any section order policy and writes
each decision into a :class:`DecisionJournal` under the request id; the
impression logger takes it from there when the page is logged.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from shopfront.feedback.bandit import section_keys, segment_of
from shopfront.homepage.policy import (
    OrderContext,
    SectionCandidate,
    SectionOrder,
    SectionOrderPolicy,
)

DEFAULT_CAPACITY = 10_000


@dataclass(frozen=True, slots=True)
class OrderDecision:
    """One decision of a section order policy.

    Attributes:
        candidates: The sections offered, in the order the composer drafted them.
        keys: The bandit key of each candidate (``"top_picks#0"``).
        segment: The shopper's segment.
        n_events: Events in the shopper's history.
        n_slots: Sections the page could show.
        order: What the policy chose.
    """

    candidates: tuple[SectionCandidate, ...]
    keys: tuple[str, ...]
    segment: str
    n_events: int
    n_slots: int
    order: SectionOrder

    def as_dict(self) -> dict[str, Any]:
        """The JSON form stored with the page view."""
        return {
            "candidates": [
                {"id": c.id, "kind": c.kind, "key": k, "engagement": round(c.engagement, 6)}
                for c, k in zip(self.candidates, self.keys, strict=True)
            ],
            "shown": list(self.order.section_ids),
            "position_propensities": list(self.order.position_propensities),
            "n_events": self.n_events,
            "n_slots": self.n_slots,
        }


class DecisionJournal:
    """The latest decisions by request id, bounded so that unlogged ones never pile up.

    Args:
        capacity: Decisions kept at most; the oldest is dropped first.
    """

    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        self.capacity = capacity
        self._decisions: OrderedDict[str, OrderDecision] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._decisions)

    def record(self, request_id: str, decision: OrderDecision) -> None:
        """Keep ``decision`` until :meth:`pop` asks for it."""
        with self._lock:
            self._decisions[request_id] = decision
            while len(self._decisions) > self.capacity:
                self._decisions.popitem(last=False)

    def pop(self, request_id: str) -> OrderDecision | None:
        """The decision for ``request_id``, removed from the journal (``None`` if unknown)."""
        with self._lock:
            return self._decisions.pop(request_id, None)


class RecordingPolicy:
    """A section order policy that records every decision of the policy it wraps.

    Args:
        policy: The policy that decides.
        journal: Where decisions are recorded.
        segmentation: How the recorded segment is derived (see
            :func:`~shopfront.feedback.bandit.segment_of`).
    """

    def __init__(
        self,
        policy: SectionOrderPolicy,
        journal: DecisionJournal,
        *,
        segmentation: str = "activity",
    ) -> None:
        self.policy = policy
        self.journal = journal
        self.segmentation = segmentation
        self.name = policy.name

    def order(self, sections: Sequence[SectionCandidate], context: OrderContext) -> SectionOrder:
        """The wrapped policy's order, recorded under ``context.request_id``."""
        order = self.policy.order(sections, context)
        decision = OrderDecision(
            candidates=tuple(sections),
            keys=tuple(section_keys(sections)),
            segment=segment_of(context, self.segmentation),
            n_events=context.n_events,
            n_slots=context.n_slots,
            order=order,
        )
        self.journal.record(context.request_id, decision)
        return order
