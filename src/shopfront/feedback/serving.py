"""Serving with feedback: experiment arms, the section order bandit, impression logging.

:class:`FeedbackHomepageService` is a drop-in
:class:`~shopfront.homepage.service.HomepageService`. For each page view it:

1. assigns the shopper to an arm of the running experiment (if any);
2. composes the page as the arm says — the live composer, or a variant built
   from a pinned bundle version, a subset of the candidate generators, no
   ranker, or no personalization; the arm's layout;
3. lets :class:`FeedbackOrderPolicy`, the composer's section order policy,
   order the sections with the arm's policy (the composer's default order or
   the bandit), recording what it was offered;
4. logs the page view and its impressions, with the arm and the propensity.

The arm travels from step 1 to step 3 in a context variable, so one composer
(and its per-bundle resources) serves every arm that uses the live bundle.
"""

from __future__ import annotations

import contextvars
import dataclasses
import logging
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path

from shopfront.errors import BundleError
from shopfront.feedback.bandit import ThompsonOrderPolicy
from shopfront.feedback.experiments import ArmConfig
from shopfront.feedback.impressions import ImpressionLogger
from shopfront.feedback.journal import DecisionJournal, RecordingPolicy
from shopfront.feedback.registry import Assignment, ExperimentRegistry
from shopfront.homepage.bundle import ModelBundle
from shopfront.homepage.composer import HomepageComposer
from shopfront.homepage.page import Homepage, PageConfig
from shopfront.homepage.policy import (
    EngagementOrderPolicy,
    OrderContext,
    SectionCandidate,
    SectionOrder,
    SectionOrderPolicy,
)
from shopfront.homepage.rules import PageRules
from shopfront.homepage.service import (
    BundleHolder,
    HomepageService,
)
from shopfront.prep.history import history_of
from shopfront.prep.snapshot import History
from shopfront.store.store import Store

logger = logging.getLogger(__name__)

current_arm: contextvars.ContextVar[ArmConfig | None] = contextvars.ContextVar(
    "current_arm", default=None
)
"""The experiment arm of the page being composed (``None`` outside experiments)."""

ComposerFactory = Callable[..., HomepageComposer]


class FeedbackOrderPolicy:
    """The section order policy of a service with feedback: the arm's policy, recorded.

    Args:
        bandit: The exploring policy, for arms (or a service) with ``section_order="bandit"``.
        journal: Where every decision is recorded for the impression log.
        default: The composer's usual policy.
        section_order: The policy used outside experiments.
    """

    name = "feedback"

    def __init__(
        self,
        bandit: ThompsonOrderPolicy,
        journal: DecisionJournal,
        *,
        default: SectionOrderPolicy | None = None,
        section_order: str = "default",
    ) -> None:
        segmentation = bandit.config.segmentation
        self.journal = journal
        self.bandit = RecordingPolicy(bandit, journal, segmentation=segmentation)
        self.default = RecordingPolicy(
            default or EngagementOrderPolicy(), journal, segmentation=segmentation
        )
        self.section_order = section_order

    def order(self, sections: Sequence[SectionCandidate], context: OrderContext) -> SectionOrder:
        """The order chosen by the current arm's policy."""
        arm = current_arm.get()
        choice = arm.section_order if arm is not None else self.section_order
        policy = self.bandit if choice == "bandit" else self.default
        return policy.order(sections, context)


class FeedbackHomepageService(HomepageService):
    """A homepage service that runs experiments and logs every page it serves.

    Args:
        store: Source of the shopper's latest events and of bundle records.
        holder: The live bundle; its composer must use ``policy``.
        policy: The section order policy of every composer of this service.
        impressions: The impression logger.
        registry: The experiment registry (no experiments when ``None``).
        clock: Current time in Unix seconds (the simulated clock in the closed loop).
    """

    def __init__(
        self,
        store: Store,
        holder: BundleHolder,
        *,
        policy: FeedbackOrderPolicy,
        impressions: ImpressionLogger,
        registry: ExperimentRegistry | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(store, holder)
        self.policy = policy
        self.impressions = impressions
        self.registry = registry
        self.clock = clock
        self._variants: dict[tuple[str, str], tuple[ModelBundle, HomepageComposer]] = {}
        self._pinned: dict[str, ModelBundle] = {}
        self._lock = threading.Lock()

    def homepage(
        self,
        user_id: str,
        *,
        page: PageConfig | None = None,
        request_id: str | None = None,
        rules: PageRules | None = None,
    ) -> Homepage:
        """The homepage of ``user_id`` in their arm, logged before it is returned."""
        assignment = self.registry.assign(user_id) if self.registry is not None else None
        arm = assignment.arm if assignment is not None else None
        request_id = request_id or uuid.uuid4().hex
        served = self._compose(user_id, arm, page, request_id, rules)
        served = _with_assignment(served, assignment)
        self.impressions.log(served, served_at=self.clock())
        return served

    def preview(self, user_id: str, arm: ArmConfig, *, page: PageConfig | None = None) -> Homepage:
        """The page ``arm`` would serve ``user_id`` now, neither logged nor recorded.

        For comparisons of arms on the same shopper at the same moment (the
        closed loop's paired measurements); the section order bandit's state is
        left as it was.
        """
        request_id = f"preview-{uuid.uuid4().hex}"
        previewed = self._compose(user_id, arm, page, request_id, None)
        self.policy.journal.pop(request_id)
        return previewed

    def _compose(
        self,
        user_id: str,
        arm: ArmConfig | None,
        page: PageConfig | None,
        request_id: str,
        rules: PageRules | None,
    ) -> Homepage:
        """The page of ``user_id`` as ``arm`` (or the service's default) makes it."""
        if arm is not None and arm.layout is not None:
            page = PageConfig(n_sections=arm.layout.n_sections, n_items=arm.layout.n_items)
        token = current_arm.set(arm)
        try:
            if arm is None or _uses_live_composer(arm):
                return super().homepage(user_id, page=page, request_id=request_id, rules=rules)
            return self._variant_page(arm, user_id, page, request_id, rules)
        finally:
            current_arm.reset(token)

    def _variant_page(
        self,
        arm: ArmConfig,
        user_id: str,
        page: PageConfig | None,
        request_id: str,
        rules: PageRules | None,
    ) -> Homepage:
        """A page composed from the arm's variant of the bundle."""
        bundle, composer = self._variant(arm)
        history, degraded = History.empty(), False
        if arm.personalized:
            interactions, degraded = self.recent_interactions(user_id)
            history = history_of(interactions, bundle.snapshot)
        return composer.compose(
            user_id,
            history,
            page=page,
            request_id=request_id,
            degraded=degraded,
            rules=rules,
            in_stock=self.stock.in_stock(bundle.snapshot.items),
        )

    def _variant(self, arm: ArmConfig) -> tuple[ModelBundle, HomepageComposer]:
        """The arm's bundle and composer, built once per live bundle version."""
        base = self._pinned_bundle(arm.bundle_version) if arm.bundle_version else None
        if base is None:
            pair = self.holder.current()
            if pair is None:
                raise BundleError("no model bundle is live yet; run `shopfront train` first")
            base = pair[0]
        key = (base.version, arm.model_dump_json())
        with self._lock:
            cached = self._variants.get(key)
            if cached is None:
                variant = variant_bundle(base, arm)
                cached = (variant, self.holder.make_composer(variant))
                live = self.holder.current()
                live_version = live[0].version if live is not None else None
                keep = {live_version, *self._pinned}
                self._variants = {k: v for k, v in self._variants.items() if k[0] in keep}
                self._variants[key] = cached
                logger.info("built variant composer arm=%s version=%s", arm.name, base.version)
        return cached

    def _pinned_bundle(self, version: str) -> ModelBundle:
        """A bundle version recorded in the store, loaded once.

        Raises:
            BundleError: The store has no such version, or it cannot be loaded.
        """
        if version not in self._pinned:
            record = next((b for b in self.store.bundles() if b["version"] == version), None)
            if record is None:
                raise BundleError(f"bundle_version {version!r} is not recorded in the store")
            self._pinned[version] = ModelBundle.load(Path(record["path"]))
        return self._pinned[version]


def variant_bundle(bundle: ModelBundle, arm: ArmConfig) -> ModelBundle:
    """``bundle`` restricted to the arm's candidate generators, without ranker if asked.

    The ranker is also left out when it reads a generator the arm does not use.

    Raises:
        BundleError: None of the arm's models is in the bundle.
    """
    models = bundle.models
    if arm.models is not None:
        models = {name: model for name, model in bundle.models.items() if name in arm.models}
        if not models:
            raise BundleError(
                f"arm {arm.name!r}: models {arm.models} are not in bundle {bundle.version} "
                f"(it has {sorted(bundle.models)})"
            )
    ranker = bundle.ranker if arm.ranker else None

    # A ranker reading generators the arm left out cannot serve it: the arm goes without.
    if any(name not in models for name in getattr(ranker, "generators", ())):
        ranker = None
    return dataclasses.replace(bundle, models=models, ranker=ranker)


def _uses_live_composer(arm: ArmConfig) -> bool:
    """Whether the arm is served by the live composer as it is."""
    return arm.bundle_version is None and arm.models is None and arm.ranker and arm.personalized


def _with_assignment(page: Homepage, assignment: Assignment | None) -> Homepage:
    if assignment is None:
        return page
    return dataclasses.replace(page, experiment={**page.experiment, **assignment.as_dict()})


def composer_factory(previous: ComposerFactory, policy: FeedbackOrderPolicy) -> ComposerFactory:
    """A composer factory like ``previous`` whose composers use ``policy``.

    Installing feedback twice over one bundle holder (several apps sharing it)
    replaces the policy rather than wrapping a factory that already has one.
    """
    base: ComposerFactory = getattr(previous, "base_factory", previous)

    def make(bundle: ModelBundle) -> HomepageComposer:
        return base(bundle, policy=policy)

    make.base_factory = base  # type: ignore[attr-defined]
    return make
