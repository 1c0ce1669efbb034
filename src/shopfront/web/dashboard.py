"""The operator's dashboard (``/admin``): data health, models, online metrics, one shopper.

Pages are rendered on the server; charts are drawn in the browser by the
dashboard's own small script from the figures embedded in the page (or, for
online metrics and experiments, fetched from the feedback routes). When the
service has API keys, every page needs a key with the ``admin`` scope, passed
as ``?key=`` (kept in every link of the dashboard) or in the ``X-API-Key`` header.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from shopfront.api.services import Services, get_services
from shopfront.web.access import check_admin, request_key
from shopfront.web.bundles import (
    bundle_rows,
    metric_names,
    offline_result_files,
    offline_results,
)
from shopfront.web.health import data_health
from shopfront.web.inspector import inspect_shopper
from shopfront.web.rendering import render

router = APIRouter(prefix="/admin", include_in_schema=False)

TABS = (
    ("health", "/admin", "Data health"),
    ("models", "/admin/models", "Models"),
    ("online", "/admin/online", "Online metrics & experiments"),
    ("shopper", "/admin/shopper", "Shopper inspector"),
)


@router.get("", response_class=HTMLResponse)
def health_page(request: Request, services: Services = Depends(get_services)) -> HTMLResponse:
    """Events per type per day, active shoppers, catalog coverage, rejected events."""
    return _page(request, services, "health", lambda: _health(services))


@router.get("/models", response_class=HTMLResponse)
def models_page(request: Request, services: Services = Depends(get_services)) -> HTMLResponse:
    """Bundle versions, training times, offline metrics and which bundle is live."""
    return _page(request, services, "models", lambda: models_context(services))


@router.get("/online", response_class=HTMLResponse)
def online_page(request: Request, services: Services = Depends(get_services)) -> HTMLResponse:
    """Online metrics and experiments, fetched and charted by the page's script."""
    return _page(request, services, "online", dict)


@router.get("/shopper", response_class=HTMLResponse)
def shopper_page(
    request: Request,
    user_id: str = Query(default="", max_length=256),
    services: Services = Depends(get_services),
) -> HTMLResponse:
    """One shopper's profile, history and homepage with the candidates each row beat."""
    return _page(request, services, "shopper", lambda: _shopper(services, user_id.strip()))


def models_context(services: Services) -> dict[str, Any]:
    """Bundles and offline results, as the models page and ``/v1/admin/models`` show them."""
    pair = services.holder.current()
    serving = pair[0].version if pair else None
    rows = bundle_rows(services.store, serving_version=serving)
    files = offline_result_files(services.settings.bundle_dir)
    offline = offline_results(files)
    return {
        "serving_version": serving,
        "bundles": [row.as_dict() for row in rows],
        "offline": offline,
        "offline_metric_names": metric_names(offline),
        "offline_files": [str(path) for path in files],
    }


def _health(services: Services) -> dict[str, Any]:
    health = data_health(services.store, metrics=services.extras.get("metrics"))
    return {"health": health.as_dict()}


def _shopper(services: Services, user_id: str) -> dict[str, Any]:
    shoppers = services.store.active_user_ids(n=50)
    if not user_id:
        return {"user_id": "", "shoppers": shoppers, "inspection": None}
    inspection = inspect_shopper(
        services.store, services.holder, user_id, stock=services.homepages.stock
    )
    return {"user_id": user_id, "shoppers": shoppers, "inspection": inspection}


def _page(
    request: Request, services: Services, tab: str, build: Callable[[], dict[str, Any]]
) -> HTMLResponse:
    """Render ``admin_<tab>.html``, or the key form when the request may not see it."""
    key = request_key(request)
    denied = check_admin(services.settings.api_keys, key)
    query_key = request.query_params.get("key", "")
    suffix = urlencode({"key": query_key}) if query_key else ""
    common: dict[str, Any] = {
        "tabs": TABS,
        "tab": tab,
        "key": query_key,
        "key_query": f"?{suffix}" if suffix else "",
        "key_amp": f"&{suffix}" if suffix else "",
    }
    if denied is not None:
        return render(
            "admin_denied.html",
            status_code=denied.status_code,
            message=denied.message,
            next_path=request.url.path,
            **common,
        )
    pair = services.holder.current()
    common["live_version"] = pair[0].version if pair else None
    return render(f"admin_{tab}.html", **common, **build())
