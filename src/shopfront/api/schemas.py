"""Request and response schemas of the HTTP API (apart from domain objects)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class EventIn(BaseModel):
    """One behaviour event, as a shop sends it. Validated field by field by the ingestor."""

    event_id: str | None = Field(
        default=None, description="Unique id; a retry with the same id is counted once."
    )
    user_id: Any = Field(description="The shop's id of the shopper.")
    item_id: Any = Field(description="Catalog id of the product.")
    type: Any = Field(description="One of view, click, add_to_cart, purchase.")
    timestamp: Any = Field(description="Unix seconds (or ms) or an ISO 8601 time with zone.")
    request_id: str | None = Field(default=None, description="Homepage request that led here.")
    context: dict[str, Any] | None = Field(default=None, description="Free-form context.")


class EventBatchIn(BaseModel):
    """A batch of events (at most 10,000)."""

    events: list[dict[str, Any]] = Field(
        description="Events with the fields of EventIn; each is validated on its own.",
        max_length=10_000,
    )


class EventError(BaseModel):
    """Why one event of a batch was rejected."""

    index: int
    field: str
    constraint: str
    value: Any
    message: str


class EventBatchOut(BaseModel):
    """What happened to a batch: every accepted event is committed."""

    accepted: int
    duplicates: int
    rejected: int
    errors: list[EventError]


class ItemIn(BaseModel):
    """One catalog item."""

    item_id: str = Field(min_length=1, max_length=256)
    title: str = ""
    category: str = Field(default="", description="Category path, e.g. 'Beauty > Nails'.")
    brand: str = ""
    price: float | None = Field(default=None, ge=0)
    attributes: dict[str, Any] = Field(default_factory=dict)
    in_stock: bool = True
    created_at: float | None = Field(default=None, description="Unix seconds.")


class ItemsIn(BaseModel):
    """A batch of catalog items to insert or replace."""

    items: list[ItemIn] = Field(max_length=10_000)


class ItemOut(ItemIn):
    """A catalog item as stored."""


class ItemsUpserted(BaseModel):
    upserted: int


class PageItemOut(BaseModel):
    item_id: str
    title: str
    score: float
    reason: str
    position: int = Field(description="1-based position within the section.")


class SectionOut(BaseModel):
    id: str
    title: str
    reason: str
    items: list[PageItemOut]
    anchor_item_id: str | None = Field(
        default=None, description="The product a 'Because you viewed' row is built around."
    )


class HomepageOut(BaseModel):
    """A whole homepage for one page view."""

    request_id: str
    user_id: str
    model_version: str
    degraded: bool = Field(description="True when served without the shopper's history.")
    sections: list[SectionOut]
    ordering: dict[str, Any] | None = Field(
        default=None,
        description="The section order chosen for this page, its policy and propensity.",
    )


class DeletedOut(BaseModel):
    user_id: str
    deleted_events: int


class HealthOut(BaseModel):
    status: str
    database: bool
    model_version: str | None
