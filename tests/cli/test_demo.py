"""The demo path: a simulated shop stored, trained and served, as `shopfront demo` does it."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from shopfront.api.app import create_app
from shopfront.cli.demo import prepare_demo
from shopfront.config import Settings


def test_the_demo_serves_a_personal_page_for_a_simulated_shopper(tmp_path: Path) -> None:
    settings = Settings(
        db_url=f"sqlite:///{tmp_path / 'shop.db'}",
        bundle_dir=tmp_path / "bundles",
        models=["popularity", "trending", "cooccurrence", "als"],
    )
    store = prepare_demo(tmp_path, settings, users=120, items=400, seed=3)
    assert store.live_bundle() is not None

    with TestClient(create_app(settings, store=store)) as client:
        shopper = client.get("/web/shoppers").json()[0]
        page = client.get(f"/v1/homepage/{shopper}").json()
        assert page["sections"][0]["id"] != "trending", "a known shopper gets personal rows first"
        assert client.get("/").status_code == 200

    again = prepare_demo(tmp_path, settings, users=120, items=400, seed=3)
    assert again.count_events() == store.count_events(), "a second run reuses the stored shop"
