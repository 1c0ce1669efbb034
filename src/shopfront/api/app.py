"""The FastAPI app factory."""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI, Request, Response

from shopfront import __version__
from shopfront.api.errors import install_error_handlers
from shopfront.api.metrics import ServiceMetrics
from shopfront.api.routers import admin, events, feedback, health, homepage, items, profiles, users
from shopfront.api.security import install_security, pseudonymize_user_id
from shopfront.api.services import Services
from shopfront.config import Settings
from shopfront.errors import BundleError
from shopfront.feedback.install import install_feedback
from shopfront.feedback.retrain import load_live_bundle
from shopfront.homepage.service import BundleHolder, HomepageService
from shopfront.ingest.batch import EventIngestor
from shopfront.privacy.pseudonymization import pseudonymizer_from_settings
from shopfront.store.cache import history_cache_from_url
from shopfront.store.store import Store

logger = logging.getLogger(__name__)


def create_app(
    settings: Settings | None = None,
    *,
    store: Store | None = None,
    holder: BundleHolder | None = None,
) -> FastAPI:
    """A Shopfront service over ``settings.db_url`` and its live bundle.

    Args:
        settings: Deployment settings (environment by default).
        store: An open store to use instead of opening ``settings.db_url``.
        holder: A bundle holder to use instead of loading the live bundle.
    """
    settings = settings or Settings()
    store = store or Store(settings.db_url)
    if holder is None:
        holder = _initial_holder(store)
    pseudonymizer = pseudonymizer_from_settings(settings)
    services = Services(
        settings=settings,
        store=store,
        holder=holder,
        ingestor=EventIngestor(store, pseudonymize=pseudonymizer),
        homepages=HomepageService(store, holder),
    )
    services.extras["pseudonymizer"] = pseudonymizer
    metrics = ServiceMetrics()
    services.extras["metrics"] = metrics
    # Impressions, attribution, experiments, the bandit and scheduled retraining.
    feedback_services = install_feedback(services)
    history_cache = history_cache_from_url(settings.redis_url)
    services.homepages.cache = history_cache
    services.extras["history_cache"] = history_cache

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        feedback_services.close()

    app = FastAPI(
        title="Shopfront",
        version=__version__,
        description="A personalized homepage for every shopper, learned from what shoppers do.",
        lifespan=lifespan,
    )
    app.state.services = services
    install_error_handlers(app)
    # Every route naming a shopper in its path gets the stored id (pseudonym when on).
    privacy = [Depends(pseudonymize_user_id)]
    for module in (events, items, homepage, users, profiles, feedback, admin, health):
        app.include_router(module.router, dependencies=privacy)
    _install_web(app)
    install_security(app, settings)
    _install_timing(app, metrics)
    return app


def _initial_holder(store: Store) -> BundleHolder:
    """The live bundle, or none when it cannot be loaded: ingest must go on regardless."""
    try:
        return BundleHolder(load_live_bundle(store))
    except BundleError:
        logger.exception("live bundle cannot be loaded; serving without one until the next swap")
        return BundleHolder()


def _install_web(app: FastAPI) -> None:
    """Mount the storefront and dashboard pages."""
    from shopfront.web.pages import router as web_router

    app.include_router(web_router)


def _install_timing(app: FastAPI, metrics: ServiceMetrics) -> None:
    @app.middleware("http")
    async def time_requests(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        started = time.perf_counter()
        response = await call_next(request)
        route = request.scope.get("route")
        path = getattr(route, "path", "unmatched")
        metrics.requests.labels(path, str(response.status_code)).inc()
        metrics.latency.labels(path).observe(time.perf_counter() - started)
        return response
