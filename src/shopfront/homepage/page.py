"""What a homepage is: titled sections of items, each with a reason."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from shopfront.homepage.policy import SectionOrder


@dataclass(frozen=True, slots=True)
class PageItem:
    """One product on the page.

    Attributes:
        item_id: External catalog id.
        title: Product title, for display.
        score: The score that placed it (float32 semantics, higher is better);
            non-increasing along a row.
        reason: Why it is shown, in words a shopper understands; it names the
            evidence (an item of the shopper's history) or the interest.
        position: 1-based position within its section.
    """

    item_id: str
    title: str
    score: float
    reason: str
    position: int


@dataclass(frozen=True, slots=True)
class Section:
    """One titled row of the page.

    Attributes:
        id: Stable section id such as ``"top_picks:Home"``, used in metrics.
        title: Row title for display.
        reason: Why the row is on the page.
        items: The products, left to right.
        kind: The section type (``"top_picks"``), shared by all its ids.
        anchor_item_id: The product a *Because you viewed* row is built around.
    """

    id: str
    title: str
    reason: str
    items: list[PageItem]
    kind: str = ""
    anchor_item_id: str | None = None


@dataclass(frozen=True, slots=True)
class Homepage:
    """A whole page for one page view.

    Attributes:
        request_id: Id of the page view; impressions and clicks refer to it.
        user_id: The shopper.
        model_version: Version of the bundle that composed the page.
        degraded: True when composed without the shopper's history.
        sections: The rows, top to bottom.
        experiment: A/B experiment assignment, filled by the feedback stage.
        ordering: The section order the policy chose and its propensity, for
            logging (``None`` only on pages built by hand).
    """

    request_id: str
    user_id: str
    model_version: str
    degraded: bool
    sections: list[Section]
    experiment: dict[str, Any] = field(default_factory=dict)
    ordering: SectionOrder | None = None

    def item_ids(self) -> list[str]:
        """Every item id on the page, top to bottom, left to right."""
        return [item.item_id for section in self.sections for item in section.items]


@dataclass(frozen=True, slots=True)
class PageConfig:
    """The page's shape, configurable per request.

    Attributes:
        n_sections: At most this many sections.
        n_items: At most this many items per section.
        mmr_lambda: Maximal-marginal-relevance trade-off inside a row: 1 ranks
            by score alone; lower values trade score for variety of item
            embeddings and categories.
    """

    n_sections: int = 6
    n_items: int = 10
    mmr_lambda: float = 0.75

    def __post_init__(self) -> None:
        if not 1 <= self.n_sections <= 20:
            raise ValueError(f"n_sections must be between 1 and 20, got {self.n_sections}")
        if not 1 <= self.n_items <= 50:
            raise ValueError(f"n_items must be between 1 and 50, got {self.n_items}")
        if not 0.0 <= self.mmr_lambda <= 1.0:
            raise ValueError(f"mmr_lambda must be between 0 and 1, got {self.mmr_lambda}")
