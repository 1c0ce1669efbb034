"""``GET /v1/homepage/{user_id}``: the whole page for one page view."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter, Depends, Query

from shopfront.api.schemas import HomepageOut
from shopfront.api.services import Services, get_services
from shopfront.homepage.page import PageConfig

router = APIRouter(prefix="/v1", tags=["homepage"])


@router.get("/homepage/{user_id}", response_model=HomepageOut)
def get_homepage(
    user_id: str,
    sections: int = Query(default=6, ge=1, le=20, description="At most this many sections."),
    items: int = Query(default=10, ge=1, le=50, description="At most this many items a section."),
    services: Services = Depends(get_services),
) -> HomepageOut:
    """Titled sections of products, each with a reason; no product twice.

    An unknown shopper gets the page for new shoppers, not an error.
    """
    page = services.homepages.homepage(user_id, page=PageConfig(n_sections=sections, n_items=items))
    metrics = services.extras.get("metrics")
    if metrics is not None:
        metrics.homepages.labels(str(page.degraded).lower()).inc()
    return HomepageOut(**asdict(page))
