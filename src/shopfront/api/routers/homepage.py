"""``GET /v1/homepage/{user_id}``: the whole page for one page view."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter, Depends, HTTPException, Query
from pydantic import ValidationError

from shopfront.api.schemas import HomepageOut
from shopfront.api.services import Services, get_services
from shopfront.homepage.page import PageConfig
from shopfront.homepage.rules import PageRules

router = APIRouter(prefix="/v1", tags=["homepage"])


@router.get("/homepage/{user_id}", response_model=HomepageOut)
def get_homepage(
    user_id: str,
    sections: int = Query(default=6, ge=1, le=20, description="At most this many sections."),
    items: int = Query(default=10, ge=1, le=50, description="At most this many items a section."),
    exclude_items: list[str] = Query(
        default=[], description="Item ids never to show on this page (repeat the parameter)."
    ),
    exclude_categories: list[str] = Query(
        default=[], description="Category paths never to show, sub-categories included."
    ),
    # Bounded: prices are float32 in the snapshot, and a larger bound overflowed (schemathesis).
    min_price: float | None = Query(default=None, ge=0, le=1e9, description="Lowest price shown."),
    max_price: float | None = Query(default=None, ge=0, le=1e9, description="Highest price shown."),
    services: Services = Depends(get_services),
) -> HomepageOut:
    """Titled sections of products, each with a reason; no product twice.

    An unknown shopper gets the page for new shoppers, not an error. The rule
    parameters narrow the shop's configured rules for this page only.
    """
    try:
        rules = PageRules(
            exclude_items=tuple(exclude_items),
            exclude_categories=tuple(exclude_categories),
            min_price=min_price,
            max_price=max_price,
        )
    except ValidationError as error:
        raise HTTPException(
            status_code=422, detail=error.errors(include_url=False, include_context=False)
        ) from None
    page = services.homepages.homepage(
        user_id, page=PageConfig(n_sections=sections, n_items=items), rules=rules
    )
    metrics = services.extras.get("metrics")
    if metrics is not None:
        metrics.homepages.labels(str(page.degraded).lower()).inc()
    return HomepageOut(**asdict(page))
