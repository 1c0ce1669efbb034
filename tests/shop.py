"""A tiny hand-made shop for API and end-to-end tests: two tastes, two categories."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from shopfront.feedback.retrain import train_bundle
from shopfront.homepage.bundle import ModelBundle
from shopfront.store.records import Interaction, InteractionType, Item
from shopfront.store.store import Store

FAST_MODELS = ["popularity", "trending", "cooccurrence", "als"]


def tiny_catalog(n_items: int = 80) -> list[Item]:
    """Half beauty, half kitchen; a few items out of stock."""
    half = n_items // 2
    return [
        Item(
            item_id=f"sku-{i}",
            title=f"{'Rose lipstick' if i < half else 'Steel pan'} no. {i}",
            category="Beauty > Lipstick" if i < half else "Home > Kitchen",
            brand=f"brand-{i % 4}",
            price=float(5 + i % 20),
            in_stock=i % 17 != 16,
            created_at=1.7e9,
        )
        for i in range(n_items)
    ]


def tiny_events(n_users: int = 60, n_items: int = 80, seed: int = 1) -> list[Interaction]:
    """Even shoppers like beauty, odd ones kitchen; views, clicks and a few purchases."""
    rng = np.random.default_rng(seed)
    half = n_items // 2
    start = time.time() - 20 * 86_400
    events = []
    for user in range(n_users):
        pool = np.arange(half) + (0 if user % 2 == 0 else half)
        for position, item in enumerate(rng.choice(pool, size=12, replace=False)):
            kind = InteractionType.PURCHASE if position % 6 == 5 else InteractionType.VIEW
            at = start + user * 1000 + position * 60
            events.append(
                Interaction(f"ev-{user}-{position}", f"user-{user}", f"sku-{item}", kind, at)
            )
    return events


def build_tiny_shop(db_url: str, bundle_dir: Path) -> tuple[Store, ModelBundle]:
    """Store the tiny shop and train a live bundle on it."""
    store = Store(db_url)
    store.upsert_items(tiny_catalog())
    store.insert_interactions(tiny_events())
    bundle = train_bundle(store, bundle_dir, models=FAST_MODELS)
    return store, bundle
