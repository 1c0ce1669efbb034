"""A small hand-made shop for the web tests: four categories, shoppers with one taste each.

Titles are built from a few words per category so that search, category pages
and the placeholder pictures have something to show; events end two days ago,
so an event sent now is the newest of a shopper's history.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from shopfront.feedback.retrain import train_bundle
from shopfront.homepage.bundle import ModelBundle
from shopfront.store.records import Interaction, InteractionType, Item
from shopfront.store.store import Store

FAST_MODELS = ["popularity", "trending", "cooccurrence", "als"]
FAST_OPTIONS = {"als": {"iterations": 3, "embedding_dim": 8}}
CATEGORIES = {
    "Beauty > Lipstick": ("Velvet", "Matte lipstick", "Lumen"),
    "Beauty > Nails": ("Gloss", "Nail polish", "Lumen"),
    "Home > Kitchen": ("Steel", "Frying pan", "Forge"),
    "Garden > Tools": ("Oak", "Pruning shears", "Greenly"),
}
COLOURS = ("ruby", "coral", "ink", "sage", "amber")
N_ITEMS_PER_CATEGORY = 20
N_USERS = 48
SECONDS_PER_DAY = 86_400.0


def web_catalog() -> list[Item]:
    """Eighty items, twenty a category; every thirteenth one out of stock."""
    items = []
    for c, (category, (adjective, noun, brand)) in enumerate(CATEGORIES.items()):
        for k in range(N_ITEMS_PER_CATEGORY):
            number = c * N_ITEMS_PER_CATEGORY + k
            items.append(
                Item(
                    item_id=f"sku-{number:03d}",
                    title=f"{adjective} {noun} {COLOURS[k % len(COLOURS)]} {k + 1}",
                    category=category,
                    brand=brand,
                    price=round(4.5 + 1.75 * (number % 23), 2),
                    in_stock=number % 13 != 12,
                    created_at=time.time() - 90 * SECONDS_PER_DAY,
                )
            )
    return items


def web_events(*, seed: int = 3) -> list[Interaction]:
    """Each shopper browses mostly one category over the last weeks, ending two days ago."""
    rng = np.random.default_rng(seed)
    names = list(CATEGORIES)
    end = time.time() - 2 * SECONDS_PER_DAY
    events = []
    for user in range(N_USERS):
        home = user % len(names)
        n_events = int(rng.integers(8, 16))
        for position in range(n_events):
            category = home if rng.random() < 0.85 else int(rng.integers(len(names)))
            item = category * N_ITEMS_PER_CATEGORY + int(rng.integers(N_ITEMS_PER_CATEGORY))
            kind = InteractionType(int(rng.choice([1, 1, 1, 2, 2, 3, 4])))
            at = end - float(rng.uniform(0, 20)) * SECONDS_PER_DAY
            events.append(
                Interaction(
                    f"web-{user}-{position}", f"shopper-{user:02d}", f"sku-{item:03d}", kind, at
                )
            )
    return events


def build_web_shop(db_url: str, bundle_dir: Path) -> tuple[Store, ModelBundle]:
    """Store the shop and train a live bundle on it with fast models."""
    store = Store(db_url)
    store.upsert_items(web_catalog())
    store.insert_interactions(web_events())
    bundle = train_bundle(store, bundle_dir, models=FAST_MODELS, model_options=FAST_OPTIONS)
    return store, bundle
