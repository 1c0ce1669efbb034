"""Wiring of the feedback stage into a running service.

:func:`install_feedback` takes the service's shared objects and:

- makes every composer order its sections with :class:`FeedbackOrderPolicy`
  (the composer's default order, or the bandit for arms that ask for it);
- replaces ``services.homepages`` by a :class:`FeedbackHomepageService`, which
  assigns experiment arms and logs every page served;
- registers what it built under ``services.extras["feedback"]`` (and the
  impression logger under ``services.extras["impressions"]``);
- starts the background jobs: impression flushing, refitting the bandit from
  the log, and retraining when configured.

Settings come from ``SHOPFRONT_FEEDBACK_*`` environment variables
(:class:`FeedbackSettings`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from shopfront.feedback.attribution import DEFAULT_WINDOW_S
from shopfront.feedback.bandit import BanditConfig, ThompsonOrderPolicy
from shopfront.feedback.impressions import ImpressionLogger
from shopfront.feedback.jobs import PeriodicJob
from shopfront.feedback.journal import DecisionJournal
from shopfront.feedback.learning import BanditLearner
from shopfront.feedback.registry import ExperimentRegistry
from shopfront.feedback.retraining import RetrainConfig, RetrainScheduler
from shopfront.feedback.serving import (
    FeedbackHomepageService,
    FeedbackOrderPolicy,
    composer_factory,
)
from shopfront.homepage.service import BundleHolder
from shopfront.store.store import Store

logger = logging.getLogger(__name__)

DAY = 86_400.0


class FeedbackSettings(BaseSettings):
    """Settings of the feedback loop of one deployment."""

    model_config = SettingsConfigDict(env_prefix="SHOPFRONT_FEEDBACK_", extra="ignore")

    attribution_window_s: float = Field(
        default=DEFAULT_WINDOW_S,
        ge=0,
        description="Events without a request id are attributed to an impression of the same "
        "item to the same shopper at most this many seconds earlier.",
    )
    section_order: Literal["default", "bandit"] = Field(
        default="default",
        description="Section order outside experiments: the composer's or the bandit's.",
    )
    exploration_rate: float = Field(
        default=0.1,
        ge=0,
        le=1,
        description="Share of bandit pages with a uniformly random section order.",
    )
    segmentation: Literal["none", "activity", "profile"] = Field(
        default="activity", description="Shopper groups the bandit learns apart."
    )
    bandit_refresh_s: float = Field(
        default=300.0, gt=0, description="Seconds between refits of the bandit from the log."
    )
    bandit_lookback_days: float = Field(
        default=28.0, gt=0, description="Days of logged page views the bandit learns from."
    )
    impression_flush_s: float = Field(
        default=1.0, gt=0, description="Seconds between writes of buffered impressions."
    )
    retrain_every_s: float | None = Field(
        default=None,
        gt=0,
        description="Retrain when this many seconds passed since the last bundle.",
    )
    retrain_after_events: int | None = Field(
        default=None, ge=1, description="Retrain when this many new events arrived."
    )
    retrain_check_s: float = Field(
        default=30.0, gt=0, description="Seconds between retraining checks."
    )


@dataclass
class FeedbackServices:
    """What :func:`install_feedback` built, for routes and for shutting down."""

    settings: FeedbackSettings
    bandit: ThompsonOrderPolicy
    impressions: ImpressionLogger
    registry: ExperimentRegistry
    homepages: FeedbackHomepageService
    learner: BanditLearner
    retrainer: RetrainScheduler | None = None
    jobs: list[PeriodicJob] = field(default_factory=list)

    def refit_bandit(self, *, now: float | None = None) -> int:
        """Refit the bandit from the page views of the lookback window; returns pages read."""
        self.impressions.flush()
        return self.learner.refit(time.time() if now is None else now)

    def close(self) -> None:
        """Stop the background jobs and write the buffered impressions."""
        for job in self.jobs:
            job.stop()
        if self.retrainer is not None:
            self.retrainer.stop()
        self.impressions.close()


def install_feedback(
    services: Any,
    settings: FeedbackSettings | None = None,
    *,
    start_jobs: bool = True,
) -> FeedbackServices:
    """Add experiments, exploration, impression logging and retraining to a service.

    Args:
        services: The app's :class:`~shopfront.api.services.Services` (``store``,
            ``holder``, ``settings``, ``homepages`` and ``extras`` are used).
        settings: Feedback settings (environment by default).
        start_jobs: Start the background threads (tests may drive them by hand).
    """
    settings = settings or FeedbackSettings()
    retrain = None
    if settings.retrain_every_s is not None or settings.retrain_after_events is not None:
        retrain = RetrainConfig(
            every_s=settings.retrain_every_s,
            after_events=settings.retrain_after_events,
            check_interval_s=settings.retrain_check_s,
            models=list(services.settings.models),
            model_options=services.settings.model_options,
        )
    feedback = build_feedback(
        services.store,
        services.holder,
        settings,
        retrain=retrain,
        bundle_dir=Path(services.settings.bundle_dir),
    )
    services.homepages = feedback.homepages
    services.extras["feedback"] = feedback
    services.extras["impressions"] = feedback.impressions
    if start_jobs:
        _start_jobs(feedback)
    return feedback


def build_feedback(
    store: Store,
    holder: BundleHolder,
    settings: FeedbackSettings,
    *,
    retrain: RetrainConfig | None = None,
    bundle_dir: Path | None = None,
    clock: Callable[[], float] = time.time,
) -> FeedbackServices:
    """The feedback services over ``store`` and ``holder``, without starting any thread.

    The live composer is rebuilt so that it orders sections with the feedback
    policy, and the bandit is fitted on the logged page views.

    Raises:
        ValueError: ``retrain`` is given without ``bundle_dir``.
    """
    bandit = ThompsonOrderPolicy(
        BanditConfig(exploration_rate=settings.exploration_rate, segmentation=settings.segmentation)
    )
    journal = DecisionJournal()
    policy = FeedbackOrderPolicy(bandit, journal, section_order=settings.section_order)
    holder.make_composer = composer_factory(holder.make_composer, policy)
    live = holder.current()
    if live is not None:
        holder.swap(live[0])

    impressions = ImpressionLogger(store.engine, journal=journal)
    registry = ExperimentRegistry(store.engine)
    homepages = FeedbackHomepageService(
        store, holder, policy=policy, impressions=impressions, registry=registry, clock=clock
    )
    learner = BanditLearner(
        bandit,
        store.engine,
        window_s=settings.attribution_window_s,
        lookback_s=settings.bandit_lookback_days * DAY,
    )
    feedback = FeedbackServices(settings, bandit, impressions, registry, homepages, learner)
    if retrain is not None:
        if bundle_dir is None:
            raise ValueError("bundle_dir must be given with retrain")
        feedback.retrainer = RetrainScheduler(store, holder, bundle_dir, config=retrain)
    feedback.refit_bandit(now=clock())
    return feedback


def _start_jobs(feedback: FeedbackServices) -> None:
    feedback.impressions.start(feedback.settings.impression_flush_s)
    job = PeriodicJob("bandit-refit", feedback.refit_bandit, feedback.settings.bandit_refresh_s)
    job.start()
    feedback.jobs.append(job)
    if feedback.retrainer is not None:
        feedback.retrainer.start()
