"""Plain records that cross stage boundaries: interaction types and the item record.

These sit at the bottom of the pipeline so that every stage can speak of an
interaction or an item without importing a stage above it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any


class InteractionType(enum.IntEnum):
    """What a shopper did with an item, ordered by strength of intent."""

    VIEW = 1
    CLICK = 2
    ADD_TO_CART = 3
    PURCHASE = 4

    @classmethod
    def parse(cls, value: str | int) -> InteractionType:
        """Read a type from its name (``"add_to_cart"``), an alias, or its number.

        Raises:
            ValueError: The value names no interaction type.
        """
        if isinstance(value, int) and not isinstance(value, bool):
            return cls(value)
        name = str(value).strip().lower()
        if name in _ALIASES:
            return _ALIASES[name]
        raise ValueError(f"unknown interaction type {value!r}")

    @property
    def label(self) -> str:
        """The lowercase name used in the API (``"add_to_cart"``)."""
        return self.name.lower()


_ALIASES: dict[str, InteractionType] = {
    "view": InteractionType.VIEW,
    "views": InteractionType.VIEW,
    "page_view": InteractionType.VIEW,
    "click": InteractionType.CLICK,
    "clicks": InteractionType.CLICK,
    "add_to_cart": InteractionType.ADD_TO_CART,
    "cart": InteractionType.ADD_TO_CART,
    "carts": InteractionType.ADD_TO_CART,
    "addtocart": InteractionType.ADD_TO_CART,
    "purchase": InteractionType.PURCHASE,
    "order": InteractionType.PURCHASE,
    "orders": InteractionType.PURCHASE,
    "transaction": InteractionType.PURCHASE,
    "buy": InteractionType.PURCHASE,
}

INTERACTION_LABELS: tuple[str, ...] = tuple(t.label for t in InteractionType)


@dataclass(frozen=True, slots=True)
class Item:
    """One catalog item as the shop describes it.

    ``category`` is a path such as ``"Beauty > Nails"``; its first segment is the
    top-level category. ``created_at`` is a Unix timestamp in seconds.
    """

    item_id: str
    title: str = ""
    category: str = ""
    brand: str = ""
    price: float | None = None
    attributes: dict[str, Any] = field(default_factory=dict)
    in_stock: bool = True
    created_at: float | None = None

    @property
    def top_category(self) -> str:
        """The first segment of the category path."""
        return self.category.split(">")[0].strip()


@dataclass(frozen=True, slots=True)
class Interaction:
    """One stored event: who did what to which item, when (Unix seconds)."""

    event_id: str
    user_id: str
    item_id: str
    type: InteractionType
    timestamp: float
    request_id: str | None = None
    context: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class InteractionFrame:
    """Many interactions as aligned columns, the bulk form between store and prep.

    Attributes:
        user_ids: object array of external user ids.
        item_ids: object array of external item ids.
        types: int8 array of ``InteractionType`` values.
        timestamps: float64 Unix seconds.
    """

    user_ids: Any
    item_ids: Any
    types: Any
    timestamps: Any

    def __len__(self) -> int:
        return len(self.user_ids)
