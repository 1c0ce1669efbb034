"""The service reads the store at request time; the route takes rule parameters."""

from __future__ import annotations

import time
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from shopfront.api.app import create_app
from shopfront.config import Settings
from shopfront.homepage.bundle import ModelBundle
from shopfront.homepage.composer import HomepageComposer
from shopfront.homepage.page import PageConfig
from shopfront.homepage.rules import PageRules
from shopfront.homepage.service import BundleHolder, HomepageService
from shopfront.store.records import Interaction, InteractionType
from shopfront.store.store import Store
from tests.shop import build_tiny_shop


@pytest.fixture(scope="module")
def tiny_shop(tmp_path_factory: pytest.TempPathFactory) -> tuple[Store, ModelBundle, str]:
    folder: Path = tmp_path_factory.mktemp("shop")
    url = f"sqlite:///{folder / 'shop.db'}"
    store, bundle = build_tiny_shop(url, folder / "bundles")
    return store, bundle, url


@pytest.fixture(scope="module")
def client(tiny_shop: tuple[Store, ModelBundle, str]) -> Iterator[TestClient]:
    store, bundle, url = tiny_shop
    app = create_app(Settings(db_url=url), store=store, holder=BundleHolder(bundle))
    with TestClient(app) as test_client:
        yield test_client


def test_fresh_events_change_the_next_page(tiny_shop: tuple[Store, ModelBundle, str]) -> None:
    store, bundle, _ = tiny_shop
    service = HomepageService(store, BundleHolder(bundle))
    before = service.homepage("walk-in")
    now = time.time()
    store.insert_interactions(
        [
            Interaction(f"walk-{i}", "walk-in", f"sku-{item}", InteractionType.VIEW, now + i)
            for i, item in enumerate([50, 51])
        ]
    )
    after = service.homepage("walk-in")

    assert [s.id for s in before.sections] != [s.id for s in after.sections]
    assert any(s.kind == "because_viewed" for s in after.sections)
    assert "Home" in " ".join(s.title for s in after.sections[:3])


def test_service_passes_rules_and_shape(tiny_shop: tuple[Store, ModelBundle, str]) -> None:
    store, bundle, _ = tiny_shop
    holder = BundleHolder(bundle, make_composer=partial(HomepageComposer, rules=PageRules()))
    page = HomepageService(store, holder).homepage(
        "user-0", page=PageConfig(n_sections=3, n_items=4), rules=PageRules(max_price=10.0)
    )

    assert 1 <= len(page.sections) <= 3
    for item_id in page.item_ids():
        item = store.get_item(item_id)
        assert item is not None and item.price is not None and item.price <= 10.0


def test_route_takes_rule_parameters(client: TestClient) -> None:
    response = client.get(
        "/v1/homepage/user-1",
        params={"sections": 3, "items": 5, "exclude_categories": "Home", "max_price": 12},
    )
    assert response.status_code == 200
    page = response.json()
    ids = [item["item_id"] for section in page["sections"] for item in section["items"]]

    assert len(page["sections"]) <= 3 and ids
    assert all(int(i.split("-")[1]) < 40 for i in ids)


def test_route_rejects_an_empty_price_range(client: TestClient) -> None:
    response = client.get("/v1/homepage/user-1", params={"min_price": 20, "max_price": 10})

    assert response.status_code == 422
