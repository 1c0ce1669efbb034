"""What a homepage is: titled sections of items, each with a reason."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class PageItem:
    """One product on the page.

    Attributes:
        item_id: External catalog id.
        title: Product title, for display.
        score: The score that placed it (float32 semantics, higher is better).
        reason: Why it is shown, in words a shopper understands.
        position: 1-based position within its section.
    """

    item_id: str
    title: str
    score: float
    reason: str
    position: int


@dataclass(frozen=True, slots=True)
class Section:
    """One titled row of the page."""

    id: str
    title: str
    reason: str
    items: list[PageItem]


@dataclass(frozen=True, slots=True)
class Homepage:
    """A whole page for one page view."""

    request_id: str
    user_id: str
    model_version: str
    degraded: bool
    sections: list[Section]
    experiment: dict[str, Any] = field(default_factory=dict)

    def item_ids(self) -> list[str]:
        """Every item id on the page, top to bottom, left to right."""
        return [item.item_id for section in self.sections for item in section.items]


@dataclass(frozen=True, slots=True)
class PageConfig:
    """The page's shape, configurable per request.

    Attributes:
        n_sections: At most this many sections.
        n_items: At most this many items per section.
    """

    n_sections: int = 6
    n_items: int = 10

    def __post_init__(self) -> None:
        if not 1 <= self.n_sections <= 20:
            raise ValueError(f"n_sections must be between 1 and 20, got {self.n_sections}")
        if not 1 <= self.n_items <= 50:
            raise ValueError(f"n_items must be between 1 and 50, got {self.n_items}")
