"""The storefront pages (``/``, ``/category/…``, ``/search``) and the small JSON helpers they use.

The homepage itself comes from ``GET /v1/homepage/{user_id}`` in the browser, so
the storefront is served exactly like a shop's own front end would be; the
``/web/…`` helpers add what a shop's front end already knows (product cards,
search). The operator's dashboard (:mod:`shopfront.web.dashboard`) is mounted
on the same router.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import HTMLResponse, Response

from shopfront.api.services import Services, get_services
from shopfront.homepage.bundle import ModelBundle
from shopfront.store import queries
from shopfront.web import catalog, dashboard
from shopfront.web.rendering import render, static_file

router = APIRouter(tags=["web"])
router.include_router(dashboard.router)

MAX_CARDS = 100


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def storefront(services: Services = Depends(get_services)) -> HTMLResponse:
    """The storefront: pick a shopper, see their homepage, open, cart and buy products."""
    return render("storefront.html", **_chrome(services, query=""))


@router.get("/category/{category:path}", response_class=HTMLResponse, include_in_schema=False)
def category_page(category: str, services: Services = Depends(get_services)) -> HTMLResponse:
    """The most interacted-with products of a category (a path or any prefix of it)."""
    items = catalog.category_items(services.store, category, bundle=_bundle(services))
    subcategories = catalog.subcategories(services.store, category)
    return render(
        "listing.html",
        heading=category,
        source="category",
        cards=[catalog.item_card(item) for item in items],
        subcategories=subcategories,
        **_chrome(services, query=""),
    )


@router.get("/search", response_class=HTMLResponse, include_in_schema=False)
def search_page(
    q: str = Query(default="", max_length=200), services: Services = Depends(get_services)
) -> HTMLResponse:
    """Products whose title or brand contains every word typed."""
    items = catalog.search(services.store, q, n=48)
    return render(
        "listing.html",
        heading=f"Results for “{q}”" if q.strip() else "Search",
        source="search",
        cards=[catalog.item_card(item) for item in items],
        subcategories=[],
        **_chrome(services, query=q),
    )


@router.get("/web/shoppers")
def shoppers(
    n: int = Query(default=30, ge=1, le=500), services: Services = Depends(get_services)
) -> list[str]:
    """The most active shoppers, for the shopper switcher.

    With a live bundle, users its training left out (bots, deleted users) are
    skipped, so the switcher offers real shoppers.
    """
    bundle = _bundle(services)
    if bundle is None:
        return services.store.active_user_ids(n=n)
    known = bundle.snapshot.users
    return [u for u in services.store.active_user_ids(n=4 * n) if u in known][:n]


@router.get("/web/search")
def search_items(
    q: str = Query(default="", max_length=200, description="Words the title must contain."),
    n: int = Query(default=8, ge=1, le=MAX_CARDS),
    services: Services = Depends(get_services),
) -> dict[str, Any]:
    """Title search for the storefront's search box: ``{"query", "items": [card, …]}``."""
    items = catalog.search(services.store, q, n=n)
    return {"query": q, "items": [catalog.item_card(item) for item in items]}


@router.get("/web/items")
def item_cards(
    ids: list[str] = Query(default=[], description="Catalog item ids (at most 100 are read)."),
    services: Services = Depends(get_services),
) -> list[dict[str, Any]]:
    """Product cards (title, category, brand, price, picture) of catalog items, in order."""
    items = queries.items_by_ids(services.store, ids[:MAX_CARDS])
    return [catalog.item_card(item) for item in items]


@router.get("/web/static/{name}", include_in_schema=False)
def static(name: str) -> Response:
    """The storefront's and dashboard's CSS and JavaScript."""
    return static_file(name)


def _chrome(services: Services, *, query: str) -> dict[str, Any]:
    """What every storefront page's header needs."""
    return {"categories": catalog.top_categories(services.store), "query": query}


def _bundle(services: Services) -> ModelBundle | None:
    pair = services.holder.current()
    return pair[0] if pair else None
