"""``/healthz`` and ``/metrics``."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from shopfront.api.schemas import HealthOut
from shopfront.api.services import Services, get_services

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=HealthOut)
def healthz(services: Services = Depends(get_services)) -> HealthOut:
    """Liveness and readiness: database reachable, bundle live."""
    pair = services.holder.current()
    database = services.store.ping()
    version = pair[0].version if pair else None
    status = "ok" if database and pair else "degraded"
    return HealthOut(status=status, database=database, model_version=version)


@router.get("/metrics", include_in_schema=False)
def metrics(services: Services = Depends(get_services)) -> Response:
    """Prometheus exposition of the service's counters and latencies."""
    registry = services.extras["metrics"].registry
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
