"""``/v1/admin/…``: the figures behind the operator's dashboard, as JSON.

Every route needs an API key with the ``admin`` scope when the service has keys
(``X-API-Key`` header or ``?key=``); an open service answers everyone.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query

from shopfront.api.services import Services, get_services
from shopfront.web.access import require_admin
from shopfront.web.dashboard import models_context
from shopfront.web.health import data_health
from shopfront.web.inspector import inspect_shopper

router = APIRouter(prefix="/v1/admin", tags=["admin"], dependencies=[Depends(require_admin)])


@router.get("/health")
def get_data_health(
    days: int = Query(default=90, ge=1, le=366, description="Most days in the daily window."),
    services: Services = Depends(get_services),
) -> dict[str, Any]:
    """Events per type per day, active shoppers, catalog coverage and ingest outcomes."""
    metrics = services.extras.get("metrics")
    return data_health(services.store, metrics=metrics, days=days).as_dict()


@router.get("/models")
def get_models(services: Services = Depends(get_services)) -> dict[str, Any]:
    """Every bundle version (status, timings, figures), the one served, and offline results."""
    return models_context(services)


@router.get("/shoppers/{user_id}")
def get_shopper(
    user_id: str,
    history: int = Query(default=50, ge=1, le=200, description="Recent events to list."),
    runners_up: int = Query(default=5, ge=0, le=20, description="Runners-up per section."),
    services: Services = Depends(get_services),
) -> dict[str, Any]:
    """A shopper's profile, recent history, and homepage with the candidates each row beat."""
    return inspect_shopper(
        services.store, services.holder, user_id, n_history=history, n_runners_up=runners_up
    )
