"""The closed loop: the real feedback stage serving a simulated shop, day after day.

A simulated shop (:func:`~shopfront.simulate.simulate_shop`) provides a
catalog, shoppers with hidden tastes and their organic browsing. The first
``warmup_days`` of browsing are stored and a first bundle is trained. Then,
for each of ``days`` simulated days:

1. the organic events of the day flow into the store as their time comes;
2. ``page_views_per_day`` shoppers (the more active, the more often) open the
   homepage, served by :class:`~shopfront.feedback.serving.FeedbackHomepageService`
   in their arm of one experiment, and logged;
3. each shopper reacts through :class:`~shopfront.simulate.ShopperResponder`
   (position bias, hidden tastes): clicks carry the page's request id, carts
   and purchases come minutes later without it (attributed by the window);
4. at the end of the day the bandit is refitted from the log, and a new bundle
   is trained and hot-swapped (every ``retrain_every_days``).

Every number comes from the production code path: impressions, attribution,
online metrics, the experiment report and off-policy estimates are read back
from the store. The default arms answer four questions: does personalization
beat the popularity page (``personal`` against ``popular``), does the bandit's
section order beat the fixed one (``bandit`` against ``personal``), does
retraining help (``personal``, retrained daily, against ``frozen``, pinned to
the first bundle), and does the off-policy estimate of the fixed order, from
the bandit's logs, agree with the ``personal`` arm's measured value.

Example:
    >>> result = run_loop(LoopConfig(n_users=60, n_items=300, days=1,
    ...                               page_views_per_day=8))  # doctest: +SKIP
"""

from __future__ import annotations

import logging
import tempfile
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from shopfront.feedback.analysis import ExperimentReport, report_from_impressions
from shopfront.feedback.attribution import AttributedImpressions, attribute
from shopfront.feedback.experiments import ArmConfig, ExperimentConfig
from shopfront.feedback.install import FeedbackServices, FeedbackSettings, build_feedback
from shopfront.feedback.logs import logged_pages
from shopfront.feedback.offpolicy import (
    DeterministicTarget,
    OffPolicyEstimate,
    evaluate_policy,
    on_policy_value,
)
from shopfront.feedback.online import MetricRow, summarize
from shopfront.feedback.retrain import train_bundle
from shopfront.feedback.retraining import RetrainConfig
from shopfront.feedback.stats import Estimate, ratio_estimate
from shopfront.homepage.bundle import ModelBundle
from shopfront.homepage.page import Homepage
from shopfront.homepage.policy import EngagementOrderPolicy
from shopfront.homepage.service import BundleHolder
from shopfront.simulate import (
    Reaction,
    ShopperResponder,
    SimulatedShop,
    SimulationConfig,
    simulate_shop,
)
from shopfront.store.records import Interaction, InteractionType
from shopfront.store.store import Store

logger = logging.getLogger(__name__)

DAY = 86_400.0
EXPERIMENT_ID = "loop"
CLICK_DELAY_S = 8.0
CART_DELAY_S = 90.0
PURCHASE_DELAY_S = 600.0

SHADOWS = {"bandit": "personal", "personal": "frozen"}
"""Served arm → the arm whose page is previewed next to it (paired comparisons)."""

DayCallback = Callable[[int, int], None]


def default_arms() -> list[ArmConfig]:
    """The arms of the closed loop (see the module docstring).

    The popularity arm gets half the traffic of the others: its gap is wide, and
    the finer comparisons (bandit, retraining) need the shoppers more.
    """
    return [
        ArmConfig(
            name="popular",
            weight=1.0,
            description="The page of a new shopper: popularity and trending only",
            models=["popularity", "trending"],
            personalized=False,
        ),
        ArmConfig(name="personal", weight=2.0, description="Personalized, fixed section order"),
        ArmConfig(
            name="bandit",
            weight=2.0,
            description="Personalized, section order by the bandit",
            section_order="bandit",
        ),
        ArmConfig(
            name="frozen",
            weight=2.0,
            description="Personalized from the first bundle, never retrained",
        ),
    ]


class LoopConfig(BaseModel):
    """Size and settings of a closed-loop run."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    n_users: int = Field(default=1_500, ge=10, description="Simulated shoppers.")
    n_items: int = Field(default=3_000, ge=200, description="Catalog items.")
    warmup_days: int = Field(
        default=7, ge=1, description="Days of organic browsing before the loop."
    )
    days: int = Field(default=14, ge=1, description="Simulated days of the loop.")
    page_views_per_day: int = Field(default=400, ge=1, description="Homepages served a day.")
    models: list[str] = Field(
        default_factory=lambda: ["popularity", "trending", "cooccurrence", "als"],
        description="Candidate generators of every bundle.",
    )
    arms: list[ArmConfig] = Field(default_factory=default_arms, description="Experiment arms.")
    exploration_rate: float = Field(
        default=0.1, ge=0, le=1, description="Bandit's uniform exploration."
    )
    retrain_every_days: int = Field(
        default=1, ge=0, description="Days between retrainings; 0 never."
    )
    attribution_window_s: float = Field(default=86_400.0, ge=0, description="Attribution window.")
    organic: bool = Field(default=True, description="Keep storing the shop's organic browsing.")
    shadow_share: float = Field(
        default=0.5,
        ge=0,
        le=1,
        description="Share of the pages of an arm in SHADOWS also previewed (not shown) as "
        "their comparison arm would make them, for paired expected CTRs.",
    )
    seed: int = Field(
        default=0, ge=0, description="Seed of the shop, the visits and the reactions."
    )


@dataclass(frozen=True)
class OffPolicyCheck:
    """The fixed order's value estimated from the bandit's logs, against its true value.

    Attributes:
        estimates: Each off-policy estimator's estimate of clicks per page view.
        online: Clicks per page view measured on the arm that served the fixed order
            (other shoppers than the bandit's, drawn from the same population).
        same_pages: Expected clicks per page view of the fixed order's pages previewed
            on the bandit arm's own page views (the simulator's truth for exactly the
            page views the estimates use); ``None`` without previews.
        logged_pages: Bandit pages the estimates used.
    """

    estimates: dict[str, OffPolicyEstimate]
    online: Estimate
    same_pages: Estimate | None
    logged_pages: int

    def agrees(self, estimator: str, *, truth: str = "online") -> bool:
        """Whether the ``"online"`` or ``"same_pages"`` value lies inside the interval."""
        reference = self.online if truth == "online" else self.same_pages
        if reference is None:
            return False
        estimate = self.estimates[estimator].estimate
        return bool(estimate.low <= reference.value <= estimate.high)


@dataclass(frozen=True, slots=True)
class PageTruth:
    """What the simulator knows of one served page.

    Attributes:
        day: 0-based day of the loop.
        arm: The page's experiment arm.
        user_id: The shopper.
        expected_clicks: Sum of the hidden click probabilities of the page's
            products (:meth:`~shopfront.simulate.ShopperResponder.click_probabilities`):
            the page's value without the noise of the clicks drawn.
        impressions: Products shown.
    """

    day: int
    arm: str
    user_id: str
    expected_clicks: float
    impressions: int


@dataclass(frozen=True, slots=True)
class PairedTruth:
    """A served page and the page another arm would have served at that moment.

    Attributes:
        day: 0-based day of the loop.
        arm: The arm that served the page.
        shadow_arm: The arm whose page was previewed for comparison.
        user_id: The shopper.
        expected_clicks: Expected clicks of the served page.
        impressions: Products of the served page.
        shadow_expected_clicks: Expected clicks of the previewed page.
        shadow_impressions: Products of the previewed page.
    """

    day: int
    arm: str
    shadow_arm: str
    user_id: str
    expected_clicks: float
    impressions: int
    shadow_expected_clicks: float
    shadow_impressions: int


@dataclass(frozen=True)
class LoopResult:
    """What a closed-loop run measured.

    Attributes:
        config: The run's settings.
        daily: Online metrics per day and arm.
        report: The experiment report over the whole run.
        late_report: The experiment report over the second half of the run, once
            the bandit has learned and retraining has had time to matter.
        offpolicy: The off-policy check (``None`` without a ``bandit`` and a
            ``personal`` arm).
        truths: The simulator's expected clicks of every page served.
        pairs: Served pages with the page of their comparison arm (see ``SHADOWS``).
        bundles: Version of the bundle live at the end of each day.
        seconds: Wall time of the run.
        folder: Where the bundles were written (the store is in memory).
    """

    config: LoopConfig
    daily: list[MetricRow]
    report: ExperimentReport
    late_report: ExperimentReport
    offpolicy: OffPolicyCheck | None
    truths: list[PageTruth]
    pairs: list[PairedTruth]
    bundles: list[str]
    seconds: float
    folder: Path


def run_loop(
    config: LoopConfig | None = None,
    folder: Path | None = None,
    *,
    on_day: DayCallback | None = None,
) -> LoopResult:
    """Run the closed loop and measure it (see the module docstring).

    Args:
        config: Size and settings; :class:`LoopConfig` defaults when ``None``.
        folder: Where to write the bundles (a new temporary folder by default).
        on_day: Called with (day, days) after each simulated day, for progress display.
    """
    config = config or LoopConfig()
    folder = folder or Path(tempfile.mkdtemp(prefix="shopfront-loop-"))
    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    runner = _LoopRunner(config, folder)
    bundles = []
    for day in range(config.days):
        runner.run_day(day)
        bundles.append(runner.end_day(day))
        if on_day is not None:
            on_day(day + 1, config.days)
    result = runner.measure(bundles, time.perf_counter() - started)
    runner.close()
    return result


class _LoopRunner:
    """The state of one run: shop, store, feedback services, responder and pending events."""

    def __init__(self, config: LoopConfig, folder: Path) -> None:
        self.config = config
        self.folder = folder
        simulation = SimulationConfig(
            n_users=config.n_users,
            n_items=config.n_items,
            days=config.warmup_days + config.days,
            seed=config.seed,
        )
        self.shop = simulate_shop(simulation)
        self.start = self.shop.start + config.warmup_days * DAY
        self.clock = self.start
        # In memory: a throwaway simulation needs no durable commits (thousands a day).
        self.store = Store("sqlite://")
        self.store.upsert_items(self.shop.catalog)
        self.organic = _organic_events(self.shop)
        self.next_organic = self._store_organic_until(self.start, 0)

        first = train_bundle(self.store, folder / "bundles", models=config.models)
        self.feedback = self._feedback(first)
        arms = [_pinned(arm, first.version) for arm in config.arms]
        self.experiment = ExperimentConfig(experiment_id=EXPERIMENT_ID, arms=arms)
        self.feedback.registry.start(self.experiment)

        self.responder = ShopperResponder(self.shop, seed=config.seed)
        self.visitors, self.visit_weights = _visitors(self.shop)
        self.pending: list[Interaction] = []
        self.truths: list[PageTruth] = []
        self.pairs: list[PairedTruth] = []
        self.arm_configs = {arm.name: arm for arm in self.experiment.arms}
        self.shadow_rng = np.random.default_rng([config.seed, 29])
        self.rng = np.random.default_rng([config.seed, 17])

    def _feedback(self, first_bundle: ModelBundle) -> FeedbackServices:
        settings = FeedbackSettings(
            exploration_rate=self.config.exploration_rate,
            attribution_window_s=self.config.attribution_window_s,
        )
        retrain = None
        if self.config.retrain_every_days:
            retrain = RetrainConfig(
                after_events=1, models=self.config.models, seed=self.config.seed
            )
        holder = BundleHolder(first_bundle)
        return build_feedback(
            self.store,
            holder,
            settings,
            retrain=retrain,
            bundle_dir=self.folder / "bundles",
            clock=lambda: self.clock,
        )

    def run_day(self, day: int) -> None:
        """Serve the day's page views in time order, with organic events in between."""
        day_start = self.start + day * DAY
        times = np.sort(day_start + self.rng.random(self.config.page_views_per_day) * DAY)
        users = self.rng.choice(self.visitors, size=len(times), p=self.visit_weights)
        for k, (at, user_id) in enumerate(zip(times.tolist(), users.tolist(), strict=True)):
            self._store_events_until(at)
            self.clock = at
            # Request ids seed the bandit's draws: deterministic ones make runs repeatable.
            request_id = f"loop{self.config.seed}-d{day:03d}-{k:05d}"
            page = self.feedback.homepages.homepage(user_id, request_id=request_id)
            rows = [[item.item_id for item in section.items] for section in page.sections]
            expected = self._expected_clicks(user_id, page)
            arm = page.experiment.get("arm", "")
            self.truths.append(PageTruth(day, arm, user_id, expected, len(page.item_ids())))
            self._shadow(day, arm, user_id, page, expected)
            reactions = self.responder.respond(user_id, rows)
            self.pending += _reaction_events(reactions, user_id, page.request_id, at)
        self._store_events_until(day_start + DAY)

    def _expected_clicks(self, user_id: str, page: Homepage) -> float:
        rows = [[item.item_id for item in section.items] for section in page.sections]
        chances = self.responder.click_probabilities(user_id, rows)
        return float(sum(row.sum() for row in chances))

    def _shadow(self, day: int, arm: str, user_id: str, page: Homepage, expected: float) -> None:
        """Preview the comparison arm's page for the same shopper, at this same moment."""
        shadow = SHADOWS.get(arm)
        if shadow not in self.arm_configs or self.shadow_rng.random() >= self.config.shadow_share:
            return
        preview = self.feedback.homepages.preview(user_id, self.arm_configs[shadow])
        self.pairs.append(
            PairedTruth(
                day,
                arm,
                shadow,
                user_id,
                expected,
                len(page.item_ids()),
                self._expected_clicks(user_id, preview),
                len(preview.item_ids()),
            )
        )

    def end_day(self, day: int) -> str:
        """Refit the bandit and, when due, retrain; returns the live bundle version."""
        self.clock = self.start + (day + 1) * DAY
        self.feedback.refit_bandit(now=self.clock)
        retrainer = self.feedback.retrainer
        every = self.config.retrain_every_days
        if (
            retrainer is not None
            and every
            and (day + 1) % every == 0
            and day + 1 < self.config.days
        ):
            retrainer.retrain()
        live = self.feedback.homepages.holder.current()
        return live[0].version if live is not None else ""

    def measure(self, bundles: list[str], seconds: float) -> LoopResult:
        """Read every measurement back from the store."""
        self.feedback.impressions.flush()
        frame = attribute(self.store.engine, window_s=self.config.attribution_window_s)
        daily = summarize(frame, ["day", "arm"])
        report = report_from_impressions(frame, self.experiment)
        half = self.start + (self.config.days // 2) * DAY
        late = report_from_impressions(frame.select(frame.served_at >= half), self.experiment)
        offpolicy = self._offpolicy(frame)
        return LoopResult(
            self.config,
            daily,
            report,
            late,
            offpolicy,
            self.truths,
            self.pairs,
            bundles,
            seconds,
            self.folder,
        )

    def close(self) -> None:
        self.feedback.close()
        self.store.close()

    def _offpolicy(self, frame: AttributedImpressions) -> OffPolicyCheck | None:
        names = {arm.name for arm in self.config.arms}
        if not {"bandit", "personal"} <= names:
            return None
        logged = logged_pages(self.store.engine, arm="bandit", attributed=frame)
        served = logged_pages(self.store.engine, arm="personal", attributed=frame)
        estimates = evaluate_policy(logged, DeterministicTarget(EngagementOrderPolicy()))
        previews = [p for p in self.pairs if (p.arm, p.shadow_arm) == ("bandit", "personal")]
        same_pages = _mean_by_user(previews) if previews else None
        return OffPolicyCheck(estimates, on_policy_value(served), same_pages, len(logged))

    def _store_events_until(self, until: float) -> None:
        """Store organic events and pending reactions that happened before ``until``."""
        ready = [event for event in self.pending if event.timestamp < until]
        self.pending = [event for event in self.pending if event.timestamp >= until]
        if self.config.organic:
            self.next_organic = self._store_organic_until(until, self.next_organic)
        if ready:
            self.store.insert_interactions(ready)

    def _store_organic_until(self, until: float, first: int) -> int:
        """Store the organic events from index ``first`` up to ``until``; returns the next index."""
        stop = int(np.searchsorted(self.organic.timestamps, until, side="left"))
        if stop > first:
            frame = self.organic
            self.store.insert_event_columns(
                frame.event_ids[first:stop].tolist(),
                frame.user_ids[first:stop].tolist(),
                frame.item_ids[first:stop].tolist(),
                frame.types[first:stop].tolist(),
                frame.timestamps[first:stop].tolist(),
            )
        return max(stop, first)


@dataclass(frozen=True)
class _OrganicEvents:
    event_ids: np.ndarray
    user_ids: np.ndarray
    item_ids: np.ndarray
    types: np.ndarray
    timestamps: np.ndarray


def _organic_events(shop: SimulatedShop) -> _OrganicEvents:
    """The shop's own browsing, sorted by time."""
    events = shop.events
    order = np.argsort(np.asarray(events.timestamps), kind="stable")
    return _OrganicEvents(
        np.asarray(shop.event_ids)[order],
        np.asarray(events.user_ids)[order],
        np.asarray(events.item_ids)[order],
        np.asarray(events.types)[order],
        np.asarray(events.timestamps, dtype=np.float64)[order],
    )


def _visitors(shop: SimulatedShop) -> tuple[np.ndarray, np.ndarray]:
    """Shoppers who may open the homepage (bots excluded), weighted by how often they shop."""
    shoppers = [(user_id, t) for user_id, t in shop.tastes.items() if not t.is_bot]
    weights = np.array([t.sessions_per_week for _, t in shoppers], dtype=np.float64)
    ids = np.array([user_id for user_id, _ in shoppers], dtype=object)
    return ids, weights / weights.sum()


def _mean_by_user(pairs: list[PairedTruth]) -> Estimate:
    """Mean expected clicks of the previewed pages, with a shopper-level interval."""
    users = sorted({p.user_id for p in pairs})
    index = {user: i for i, user in enumerate(users)}
    clicks, pages = np.zeros(len(users)), np.zeros(len(users))
    for p in pairs:
        clicks[index[p.user_id]] += p.shadow_expected_clicks
        pages[index[p.user_id]] += 1.0
    return ratio_estimate(clicks, pages)


def _pinned(arm: ArmConfig, version: str) -> ArmConfig:
    """The ``frozen`` arm pinned to the first bundle; other arms as they are."""
    if arm.name != "frozen" or arm.bundle_version is not None:
        return arm
    return arm.model_copy(update={"bundle_version": version})


def _reaction_events(
    reactions: list[Reaction], user_id: str, request_id: str, at: float
) -> list[Interaction]:
    """Events of a shopper's reactions; only clicks carry the page's request id."""
    delays = {
        InteractionType.CLICK: CLICK_DELAY_S,
        InteractionType.ADD_TO_CART: CART_DELAY_S,
        InteractionType.PURCHASE: PURCHASE_DELAY_S,
    }
    events = []
    for k, reaction in enumerate(reactions):
        kind = InteractionType.parse(reaction.type)
        item_id = reaction.item_id
        event_id = f"loop-{zlib.crc32(request_id.encode()):08x}-{request_id[:12]}-{k}"
        events.append(
            Interaction(
                event_id=event_id,
                user_id=user_id,
                item_id=item_id,
                type=kind,
                timestamp=at + delays[kind] + k,
                request_id=request_id if kind == InteractionType.CLICK else None,
            )
        )
    return events
