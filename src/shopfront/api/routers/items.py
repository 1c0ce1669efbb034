"""``/v1/items``: the catalog."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query

from shopfront.api.schemas import ItemOut, ItemsIn, ItemsUpserted
from shopfront.api.services import Services, get_services
from shopfront.errors import UnknownItemError
from shopfront.store.records import Item

router = APIRouter(prefix="/v1", tags=["items"])


@router.put("/items", response_model=ItemsUpserted)
def put_items(batch: ItemsIn, services: Services = Depends(get_services)) -> ItemsUpserted:
    """Insert or replace catalog items by ``item_id``."""
    items = [Item(**item.model_dump()) for item in batch.items]
    return ItemsUpserted(upserted=services.store.upsert_items(items))


@router.get("/items", response_model=list[ItemOut])
def list_items(
    category: str | None = Query(default=None, description="Category path or prefix."),
    limit: int = Query(default=50, ge=1, le=1000),
    # Bounded: a larger offset overflows the database's integer (a 500 found by schemathesis).
    offset: int = Query(default=0, ge=0, le=2**31 - 1),
    services: Services = Depends(get_services),
) -> list[ItemOut]:
    """Catalog items, optionally of one category."""
    items = services.store.list_items(category=category, limit=limit, offset=offset)
    return [_item_out(item) for item in items]


@router.get("/items/{item_id}", response_model=ItemOut)
def get_item(item_id: str, services: Services = Depends(get_services)) -> ItemOut:
    """One catalog item; 404 when the catalog does not have it."""
    item = services.store.get_item(item_id)
    if item is None:
        raise UnknownItemError(f"item {item_id!r} is not in the catalog")
    return _item_out(item)


def _item_out(item: Item) -> ItemOut:
    return ItemOut.model_validate({name: getattr(item, name) for name in ItemOut.model_fields})
