"""A small hand-made shop with hidden tastes, for the profile tests.

Eight top-level categories of three sub-categories each, brands that sell
mostly in one top-level category, and log-normal prices. Every shopper has a
hidden ranked top three of categories (weights 0.5, 0.3, 0.2); 15 % of their
views go to popular items whatever their tastes, the rest to items of their
categories. Some views become clicks, carts and purchases.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

from shopfront.prep.builder import build_snapshot
from shopfront.prep.snapshot import Snapshot
from shopfront.store.records import InteractionFrame, InteractionType, Item

TOPS = ("Beauty", "Home", "Garden", "Toys", "Books", "Sports", "Kitchen", "Pets")
TASTE_WEIGHTS = np.array([0.5, 0.3, 0.2])
DAY = 86_400.0
START = 1_780_000_000.0


@dataclass(frozen=True)
class HandMadeShop:
    """A snapshot and each shopper's hidden ranked top three (by user index)."""

    snapshot: Snapshot
    tastes: dict[int, tuple[str, str, str]]


def make_catalog(rng: np.random.Generator, items_per_sub: int = 20) -> list[Item]:
    """Items over 8 × 3 sub-categories, 4 brands per top category."""
    catalog = []
    for t, top in enumerate(TOPS):
        base = 10.0 * (1 + t % 4)
        for s in range(3):
            for i in range(items_per_sub):
                brand = f"{top[:3]}co{int(rng.integers(4))}"
                catalog.append(
                    Item(
                        item_id=f"{top[:2].lower()}{s}-{i}",
                        title=f"{top} thing {s}.{i}",
                        category=f"{top} > Sub{s}",
                        brand=brand,
                        price=float(round(base * rng.lognormal(0.0, 0.5), 2)),
                    )
                )
    return catalog


def make_shop(n_users: int = 300, *, seed: int = 0, days: float = 30.0) -> HandMadeShop:
    """A shop whose shoppers have between 5 and 60 events each."""
    rng = np.random.default_rng(seed)
    catalog = make_catalog(rng)
    tops = np.array([TOPS.index(item.top_category) for item in catalog])
    popularity = rng.pareto(1.5, len(catalog)) + 0.1
    rows: list[tuple[str, str, int, float]] = []
    tastes: dict[str, tuple[str, str, str]] = {}
    for u in range(n_users):
        ranked = rng.choice(len(TOPS), size=3, replace=False)
        user = f"user{u}"
        tastes[user] = tuple(TOPS[t] for t in ranked)  # type: ignore[assignment]
        times = np.sort(START + rng.uniform(0, days * DAY, int(rng.integers(5, 61))))
        for when in times:
            pool = np.flatnonzero(tops == ranked[rng.choice(3, p=TASTE_WEIGHTS)])
            if rng.random() < 0.15:
                pool = np.arange(len(catalog))
            weights = popularity[pool] / popularity[pool].sum()
            item = catalog[int(rng.choice(pool, p=weights))].item_id
            kind = int(rng.choice(4, p=[0.7, 0.2, 0.06, 0.04])) + 1
            rows.append((user, item, kind, float(when)))

    frame = InteractionFrame(
        user_ids=np.array([r[0] for r in rows], dtype=object),
        item_ids=np.array([r[1] for r in rows], dtype=object),
        types=np.array([r[2] for r in rows], dtype=np.int8),
        timestamps=np.array([r[3] for r in rows], dtype=np.float64),
    )
    snapshot, _ = build_snapshot(frame, catalog)
    by_index = {snapshot.users.index(user): taste for user, taste in tastes.items()}
    return HandMadeShop(snapshot=snapshot, tastes=by_index)


@pytest.fixture(scope="session")
def shop() -> HandMadeShop:
    """The hand-made shop shared by the profile tests."""
    return make_shop()


assert int(InteractionType.PURCHASE) == 4  # the event kinds above are 1..4
