"""``DELETE /v1/users/{user_id}`` removes a shopper everywhere (issue #7).

Each place a shopper's data lives is checked on its own: stored events,
impressions, the profile, caches, the homepage, and the next model.
"""

from __future__ import annotations

import doctest
import time
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import func, insert, select

from shopfront.api.app import create_app
from shopfront.config import Settings
from shopfront.feedback.retrain import train_bundle
from shopfront.homepage.service import BundleHolder
from shopfront.privacy import erasure
from shopfront.privacy.erasure import erase_user
from shopfront.store import schema
from shopfront.store.store import Store
from tests.shop import FAST_MODELS, build_tiny_shop, tiny_catalog, tiny_events


class PageCache:
    """A per-shopper cache of the kind a service may keep (pages, profiles)."""

    def __init__(self) -> None:
        self.pages: dict[str, str] = {"user-2": "page", "user-4": "page"}

    def forget_user(self, user_id: str) -> None:
        self.pages.pop(user_id, None)


def add_impressions(store: Store, user_id: str, n: int) -> None:
    rows = [
        {"request_id": f"r-{user_id}", "item_id": f"sku-{i}", "user_id": user_id,
         "section_id": "trending", "position": i + 1, "section_position": 1,
         "model_version": "v", "served_at": time.time()}
        for i in range(n)
    ]  # fmt: skip
    with store.engine.begin() as connection:
        connection.execute(insert(schema.impressions), rows)


def count_impressions(store: Store, user_id: str) -> int:
    query = select(func.count()).where(schema.impressions.c.user_id == user_id)
    with store.engine.connect() as connection:
        return int(connection.execute(query).scalar_one())


def test_delete_removes_the_shopper_everywhere_and_from_the_next_model(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    store, bundle = build_tiny_shop(url, tmp_path / "bundles")
    assert bundle.snapshot.users.get("user-2", -1) >= 0
    add_impressions(store, "user-2", 5)
    add_impressions(store, "user-4", 5)
    cache = PageCache()
    app = create_app(Settings(db_url=url), store=store, holder=BundleHolder(bundle))
    app.state.services.extras["page_cache"] = cache

    with TestClient(app) as client:
        before = client.get("/v1/homepage/user-2").json()
        assert "recommended" in [section["id"] for section in before["sections"]]

        answer = client.delete("/v1/users/user-2")
        assert answer.json() == {"user_id": "user-2", "deleted_events": 12}

        # Events, impressions and the cached page are gone; the other shoppers keep theirs.
        assert store.user_history("user-2") == []
        assert len(store.user_history("user-4")) == 12
        assert count_impressions(store, "user-2") == 0
        assert count_impressions(store, "user-4") == 5
        assert cache.pages == {"user-4": "page"}

        # The profile is gone and the live model no longer personalizes the page.
        assert client.get("/v1/users/user-2/profile").status_code == 404
        after = client.get("/v1/homepage/user-2").json()
        assert "recommended" not in [section["id"] for section in after["sections"]]

    retrained = train_bundle(store, tmp_path / "bundles", models=FAST_MODELS)
    assert retrained.snapshot.users.get("user-2", -1) == -1
    assert retrained.snapshot.users.get("user-4", -1) >= 0
    store.close()


def test_erasure_works_alike_on_every_engine(db_url: str) -> None:
    store = Store(db_url)
    store.upsert_items(tiny_catalog())
    store.insert_interactions(tiny_events(n_users=4))
    add_impressions(store, "user-1", 3)

    report = erase_user(store, "user-1", caches=[PageCache(), object()])
    assert (report.user_id, report.events, report.caches) == ("user-1", 12, ["PageCache"])
    assert store.user_history("user-1") == [] and count_impressions(store, "user-1") == 0
    assert store.is_deleted("user-1") and not store.is_deleted("user-0")
    frame, _ = store.read_interactions()
    assert "user-1" not in set(frame.user_ids.tolist())
    assert erase_user(store, "user-1").events == 0, "deleting twice is harmless"
    store.close()


def test_examples_in_the_docstrings_run() -> None:
    assert doctest.testmod(erasure, raise_on_error=True).attempted >= 1
