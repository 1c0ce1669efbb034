"""The storefront page (``/``) and the small JSON helpers it uses."""

from __future__ import annotations

from importlib import resources

from fastapi import APIRouter, Depends, Query
from fastapi.responses import HTMLResponse

from shopfront.api.services import Services, get_services

router = APIRouter(tags=["web"])


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def storefront() -> HTMLResponse:
    """The storefront: pick a shopper, see their homepage, click a product."""
    page = resources.files("shopfront.web").joinpath("templates/storefront.html").read_text()
    return HTMLResponse(page)


@router.get("/web/shoppers", tags=["web"])
def shoppers(
    n: int = Query(default=30, ge=1, le=500), services: Services = Depends(get_services)
) -> list[str]:
    """The most active shoppers, for the shopper switcher."""
    return services.store.active_user_ids(n=n)
