"""Routes of the feedback stage: online metrics, experiments and the section order bandit.

- ``GET /v1/metrics/online``: CTR, add-to-cart rate, conversion and revenue per
  page view, grouped by day, section, slot, model version or experiment arm;
- ``GET /v1/experiments`` and ``GET /v1/experiments/{experiment_id}``: the
  experiments, and one with its per-arm report and verdict;
- ``POST /v1/admin/experiments`` and ``POST /v1/admin/experiments/{id}/stop``:
  start and stop an experiment (admin scope);
- ``GET /v1/bandit``: what the section order bandit has learned.

Metrics and experiments are read from the store, so these routes work on any
service; the bandit needs :func:`~shopfront.feedback.install.install_feedback`.
"""

from __future__ import annotations

import math
import time
from typing import Any

from fastapi import APIRouter, Depends, Query, status
from pydantic import BaseModel, Field

from shopfront.api.services import Services, get_services
from shopfront.errors import ValidationError
from shopfront.feedback.analysis import analyze_experiment
from shopfront.feedback.attribution import DEFAULT_WINDOW_S
from shopfront.feedback.experiments import ExperimentConfig
from shopfront.feedback.online import GROUPINGS, check_groupings, online_metrics
from shopfront.feedback.registry import ExperimentRecord, ExperimentRegistry

router = APIRouter(prefix="/v1", tags=["feedback"])

DAY = 86_400.0


class MetricsOut(BaseModel):
    """Online metrics, one row per group."""

    group_by: list[str]
    since: float | None = Field(description="First serving time included (Unix seconds).")
    until: float | None = Field(description="Serving times before this are included.")
    attribution_window_s: float
    rows: list[dict[str, Any]] = Field(
        description="Group values, then page_views, impressions, clicks, carts, purchases, "
        "revenue, ctr, add_to_cart_rate, conversion and revenue_per_page_view."
    )


class ExperimentOut(BaseModel):
    """An experiment, its status and config; ``report`` when one experiment is asked for."""

    experiment_id: str
    status: str
    created_at: float
    updated_at: float
    config: dict[str, Any]
    report: dict[str, Any] | None = None


class BanditArmOut(BaseModel):
    """One arm of the bandit: a section key in a segment, and its posterior."""

    segment: str
    key: str
    alpha: float
    beta: float
    mean: float
    clicks: float
    shown: float


class BanditOut(BaseModel):
    """What the section order bandit has learned."""

    exploration_rate: float
    segmentation: str
    position_weights: list[float]
    arms: list[BanditArmOut]


@router.get("/metrics/online", response_model=MetricsOut)
def get_online_metrics(
    group_by: list[str] = Query(
        default=["day"], description=f"Groupings, repeatable: {', '.join(GROUPINGS)}."
    ),
    since: float | None = Query(default=None, description="From this Unix time (inclusive)."),
    until: float | None = Query(default=None, description="Until this Unix time (exclusive)."),
    days: float | None = Query(
        default=None, gt=0, description="The last N days (ignored when since is given)."
    ),
    services: Services = Depends(get_services),
) -> MetricsOut:
    """CTR, add-to-cart rate, conversion and revenue per page view of the served homepages."""
    try:
        check_groupings(group_by)
    except ValueError as error:
        raise ValidationError(str(error)) from error
    if since is None and days is not None:
        since = (until or time.time()) - days * DAY
    window = _window(services)
    rows = online_metrics(
        services.store.engine, group_by=group_by, since=since, until=until, window_s=window
    )
    return MetricsOut(
        group_by=group_by,
        since=since,
        until=until,
        attribution_window_s=window,
        rows=[_finite(row.as_dict()) for row in rows],
    )


@router.get("/experiments", response_model=list[ExperimentOut])
def list_experiments(services: Services = Depends(get_services)) -> list[ExperimentOut]:
    """Every experiment, newest first."""
    return [_experiment_out(record) for record in _registry(services).list()]


@router.get("/experiments/{experiment_id}", response_model=ExperimentOut)
def get_experiment(
    experiment_id: str,
    since: float | None = Query(default=None, description="From this Unix time (inclusive)."),
    until: float | None = Query(default=None, description="Until this Unix time (exclusive)."),
    services: Services = Depends(get_services),
) -> ExperimentOut:
    """One experiment with its per-arm metrics, intervals and plain-language verdict."""
    record = _registry(services).get(experiment_id)
    report = analyze_experiment(
        services.store.engine,
        record.config,
        since=since if since is not None else record.created_at,
        until=until,
        window_s=_window(services),
    )
    return _experiment_out(record, report.as_dict())


@router.post(
    "/admin/experiments", response_model=ExperimentOut, status_code=status.HTTP_201_CREATED
)
def start_experiment(
    config: ExperimentConfig, services: Services = Depends(get_services)
) -> ExperimentOut:
    """Start an experiment; only one runs at a time."""
    return _experiment_out(_registry(services).start(config))


@router.post("/admin/experiments/{experiment_id}/stop", response_model=ExperimentOut)
def stop_experiment(
    experiment_id: str, services: Services = Depends(get_services)
) -> ExperimentOut:
    """Stop an experiment; its data stays for its report."""
    return _experiment_out(_registry(services).stop(experiment_id))


@router.get("/bandit", response_model=BanditOut)
def get_bandit(services: Services = Depends(get_services)) -> BanditOut:
    """The bandit's posterior for each section key in each segment."""
    feedback = services.extras.get("feedback")
    if feedback is None:
        raise ValidationError("the feedback stage is not installed in this service")
    bandit = feedback.bandit
    state = bandit.state
    arms = []
    for (segment, key), clicks in sorted(state.clicks.items()):
        alpha, beta = state.posterior(segment, key, bandit.config)
        shown = state.shown[(segment, key)]
        arms.append(
            BanditArmOut(
                segment=segment,
                key=key,
                alpha=alpha,
                beta=beta,
                mean=alpha / (alpha + beta),
                clicks=float(clicks.sum()),
                shown=float(shown.sum()),
            )
        )
    used = max((int(s.nonzero()[0].max()) + 1 for s in state.shown.values() if s.any()), default=1)
    return BanditOut(
        exploration_rate=bandit.config.exploration_rate,
        segmentation=bandit.config.segmentation,
        position_weights=[float(w) for w in state.position_weights[:used]],
        arms=arms,
    )


def _registry(services: Services) -> ExperimentRegistry:
    feedback = services.extras.get("feedback")
    if feedback is not None:
        registry: ExperimentRegistry = feedback.registry
        return registry
    return ExperimentRegistry(services.store.engine)


def _window(services: Services) -> float:
    feedback = services.extras.get("feedback")
    return float(feedback.settings.attribution_window_s) if feedback else DEFAULT_WINDOW_S


def _experiment_out(
    record: ExperimentRecord, report: dict[str, Any] | None = None
) -> ExperimentOut:
    return ExperimentOut(
        experiment_id=record.config.experiment_id,
        status=record.status,
        created_at=record.created_at,
        updated_at=record.updated_at,
        config=record.config.model_dump(mode="json"),
        report=report,
    )


def _finite(row: dict[str, Any]) -> dict[str, Any]:
    return {k: None if isinstance(v, float) and not math.isfinite(v) else v for k, v in row.items()}
