"""Which sections a shopper sees, and in what order: the section order policy.

The composer drafts every section it can for a shopper, describes each as a
:class:`SectionCandidate` (with the builder's estimate of the shopper's
engagement), and asks a :class:`SectionOrderPolicy` for the order. The policy
returns a :class:`SectionOrder`: the ordered section ids, the probability with
which the policy chose that order (its propensity, 1 for a deterministic
policy) and, per position, the probability of the section shown there. The
order travels with the page (:attr:`~shopfront.homepage.page.Homepage.ordering`)
so that impressions can be logged with their propensities and an exploring
policy (a bandit of the feedback stage) can be trained off-policy.

Any object with a ``name`` and an ``order`` method fits; pass it to
:class:`~shopfront.homepage.composer.HomepageComposer`.

Example:
    >>> policy = EngagementOrderPolicy()
    >>> sections = [SectionCandidate("trending", "trending", 0.3),
    ...             SectionCandidate("recommended", "recommended", 0.8)]
    >>> policy.order(sections, OrderContext(user_id="u1", request_id="r1")).section_ids
    ('recommended', 'trending')
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from shopfront.profiles.profile import Profile


@dataclass(frozen=True, slots=True)
class SectionCandidate:
    """A section the page could show, as the policy sees it.

    Attributes:
        id: Section id (``"top_picks:Home"``).
        kind: Section type (``"top_picks"``).
        engagement: The builder's estimate, in ``[0, 1]``, of how likely the
            shopper engages with the row (from the profile and history).
        n_candidates: Products the row could show.
    """

    id: str
    kind: str
    engagement: float
    n_candidates: int = 0


@dataclass(frozen=True, slots=True)
class OrderContext:
    """What a policy knows of the request.

    Attributes:
        user_id: The shopper.
        request_id: The page view.
        n_events: Events in the shopper's history.
        n_session_events: Events in the shopper's current session.
        n_slots: How many sections the page will show at most.
        profile: The shopper's profile, when profiles are built.
    """

    user_id: str
    request_id: str
    n_events: int = 0
    n_session_events: int = 0
    n_slots: int = 6
    profile: Profile | None = None


@dataclass(frozen=True, slots=True)
class SectionOrder:
    """The chosen order of sections, with what off-policy learning needs.

    Attributes:
        section_ids: Section ids, top first; sections left out are not shown.
        propensity: Probability that the policy chose this order.
        position_propensities: Per position, probability of its section there.
        policy: Name of the policy.
        arm: Experiment arm or bandit arm, when the policy has one.
        scores: The policy's score of each section, aligned with ``section_ids``.
    """

    section_ids: tuple[str, ...]
    propensity: float = 1.0
    position_propensities: tuple[float, ...] = ()
    policy: str = ""
    arm: str | None = None
    scores: tuple[float, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form, for logs and the API."""
        return {
            "section_ids": list(self.section_ids),
            "propensity": self.propensity,
            "position_propensities": list(self.position_propensities),
            "policy": self.policy,
            "arm": self.arm,
            "scores": [round(s, 6) for s in self.scores],
        }


class SectionOrderPolicy(Protocol):
    """Decides which sections appear and in what order, per shopper."""

    @property
    def name(self) -> str:  # pragma: no cover - protocol
        """Name of the policy, logged with each order."""
        ...

    def order(
        self, sections: Sequence[SectionCandidate], context: OrderContext
    ) -> SectionOrder:  # pragma: no cover - protocol
        """The order of ``sections`` for the shopper of ``context``."""
        ...


@dataclass(frozen=True)
class EngagementOrderPolicy:
    """Orders sections by the shopper's expected engagement, highest first.

    Deterministic (propensity 1). Ties keep the order in which the sections
    were drafted.

    Attributes:
        kind_weights: Multiplier of the engagement of each section kind (an
            operator's lever; kinds not listed weigh 1).
    """

    kind_weights: Mapping[str, float] = field(default_factory=dict)
    name: str = "engagement"

    def order(self, sections: Sequence[SectionCandidate], context: OrderContext) -> SectionOrder:
        """Sections sorted by weighted engagement."""
        scored = [
            (s.engagement * self.kind_weights.get(s.kind, 1.0), position, s.id)
            for position, s in enumerate(sections)
        ]
        scored.sort(key=lambda row: (-row[0], row[1]))
        return SectionOrder(
            section_ids=tuple(row[2] for row in scored),
            propensity=1.0,
            position_propensities=tuple(1.0 for _ in scored),
            policy=self.name,
            scores=tuple(row[0] for row in scored),
        )
