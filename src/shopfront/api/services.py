"""The objects a running service shares between requests, injected into routers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fastapi import Request

from shopfront.config import Settings
from shopfront.homepage.service import BundleHolder, HomepageService
from shopfront.ingest.batch import EventIngestor
from shopfront.store.store import Store


@dataclass
class Services:
    """Store, live bundle and the services built on them."""

    settings: Settings
    store: Store
    holder: BundleHolder
    ingestor: EventIngestor
    homepages: HomepageService
    extras: dict[str, Any] = field(default_factory=dict)


def get_services(request: Request) -> Services:
    """FastAPI dependency: the services of the app serving this request."""
    services: Services = request.app.state.services
    return services
