"""The feedback stage: what shoppers did with the pages they were shown, and learning from it.

- ``impressions``: every served page is logged (page view, and one impression
  per product with section, position, model version, arm and propensity);
- ``attribution``: clicks, cart adds and purchases are attributed to the
  impression that earned them (request id, or an attribution window);
- ``online``: CTR, add-to-cart rate, conversion and revenue per page view per
  day, section, slot, model version and experiment arm;
- ``experiments``, ``registry``, ``analysis``, ``stats``: A/B experiments with
  hashed assignment, per-arm intervals and a plain-language verdict;
- ``bandit``, ``order_probability``, ``journal``: the Thompson-sampling section
  order with exact propensities, and the record of what it was offered;
- ``logs``, ``offpolicy``: the page-view log read back, and IPS/SNIPS estimates
  of another policy's value;
- ``retrain``, ``retraining``, ``jobs``: training of a bundle, retraining on a
  schedule or after N events, and the hot swap;
- ``serving``, ``install``: the homepage service with all of the above, and its
  wiring into the API;
- ``loop``, ``charts``: the closed loop on a simulated shop, and its charts.

``loop`` and ``charts`` are not imported here (they pull in the simulator and
matplotlib); import them from their modules.
"""

from shopfront.feedback.analysis import ExperimentReport, analyze_experiment
from shopfront.feedback.attribution import AttributedImpressions, attribute
from shopfront.feedback.bandit import BanditConfig, SectionObservation, ThompsonOrderPolicy
from shopfront.feedback.experiments import ArmConfig, ExperimentConfig, PageLayout, assign_arm
from shopfront.feedback.impressions import ImpressionLogger
from shopfront.feedback.install import (
    FeedbackServices,
    FeedbackSettings,
    build_feedback,
    install_feedback,
)
from shopfront.feedback.logs import LoggedPage, logged_pages, section_observations
from shopfront.feedback.offpolicy import (
    BanditTarget,
    DeterministicTarget,
    OffPolicyEstimate,
    evaluate_policy,
    on_policy_value,
)
from shopfront.feedback.online import MetricRow, online_metrics
from shopfront.feedback.registry import ExperimentRegistry, UnknownExperimentError
from shopfront.feedback.retraining import RetrainConfig, RetrainScheduler
from shopfront.feedback.serving import FeedbackHomepageService, FeedbackOrderPolicy

__all__ = [
    "ArmConfig",
    "AttributedImpressions",
    "BanditConfig",
    "BanditTarget",
    "DeterministicTarget",
    "ExperimentConfig",
    "ExperimentRegistry",
    "ExperimentReport",
    "FeedbackHomepageService",
    "FeedbackOrderPolicy",
    "FeedbackServices",
    "FeedbackSettings",
    "ImpressionLogger",
    "LoggedPage",
    "MetricRow",
    "OffPolicyEstimate",
    "PageLayout",
    "RetrainConfig",
    "RetrainScheduler",
    "SectionObservation",
    "ThompsonOrderPolicy",
    "UnknownExperimentError",
    "analyze_experiment",
    "assign_arm",
    "attribute",
    "build_feedback",
    "evaluate_policy",
    "install_feedback",
    "logged_pages",
    "on_policy_value",
    "online_metrics",
    "section_observations",
]
