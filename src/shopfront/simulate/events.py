"""Simulated events as index columns, before they get external ids.

Every generator of the simulator returns an :class:`EventColumns`; the
simulator concatenates them, sorts them by time and only then turns user and
item indices into ids, which keeps each generator free of strings.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from shopfront.store.records import InteractionType


@dataclass(frozen=True)
class EventColumns:
    """Aligned event columns.

    Attributes:
        users: int64 user indices.
        items: int64 item indices.
        types: int8 ``InteractionType`` values.
        timestamps: float64 Unix seconds.
    """

    users: np.ndarray
    items: np.ndarray
    types: np.ndarray
    timestamps: np.ndarray

    def __len__(self) -> int:
        return len(self.users)

    @classmethod
    def empty(cls) -> EventColumns:
        """No events."""
        return cls.of(np.zeros(0), np.zeros(0), InteractionType.VIEW, np.zeros(0))

    @classmethod
    def of(
        cls,
        users: np.ndarray,
        items: np.ndarray,
        interaction_type: InteractionType,
        timestamps: np.ndarray,
    ) -> EventColumns:
        """Events all of one type."""
        return cls(
            users=np.asarray(users, dtype=np.int64),
            items=np.asarray(items, dtype=np.int64),
            types=np.full(len(users), int(interaction_type), dtype=np.int8),
            timestamps=np.asarray(timestamps, dtype=np.float64),
        )

    @classmethod
    def concat(cls, parts: list[EventColumns]) -> EventColumns:
        """All events of ``parts``, in order."""
        if not parts:
            return cls.empty()
        return cls(
            users=np.concatenate([p.users for p in parts]),
            items=np.concatenate([p.items for p in parts]),
            types=np.concatenate([p.types for p in parts]),
            timestamps=np.concatenate([p.timestamps for p in parts]),
        )

    def select(self, rows: np.ndarray) -> EventColumns:
        """The events at ``rows`` (a bool mask or int positions)."""
        return EventColumns(
            users=self.users[rows],
            items=self.items[rows],
            types=self.types[rows],
            timestamps=self.timestamps[rows],
        )


def later(timestamps: np.ndarray, median_seconds: float, rng: np.random.Generator) -> np.ndarray:
    """Whole-second times at least one second after ``timestamps``, log-normally spread."""
    gaps = rng.lognormal(np.log(median_seconds), 0.7, len(timestamps))
    return timestamps + np.ceil(gaps)


def funnel_chain(
    users: np.ndarray,
    items: np.ndarray,
    view_times: np.ndarray,
    rng: np.random.Generator,
) -> EventColumns:
    """The full view → click → add to cart → purchase chain of a deliberate purchase."""
    click_times = later(view_times, 5.0, rng)
    cart_times = later(click_times, 45.0, rng)
    purchase_times = later(cart_times, 120.0, rng)
    return EventColumns.concat(
        [
            EventColumns.of(users, items, InteractionType.VIEW, view_times),
            EventColumns.of(users, items, InteractionType.CLICK, click_times),
            EventColumns.of(users, items, InteractionType.ADD_TO_CART, cart_times),
            EventColumns.of(users, items, InteractionType.PURCHASE, purchase_times),
        ]
    )
