"""The dashboard's pages and its JSON routes (``/v1/admin/…``) on an open service."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.web.conftest import WebShop


def test_every_dashboard_page_renders(client: TestClient, web_shop: WebShop) -> None:
    for path, marker in [
        ("/admin", 'id="health-data"'),
        ("/admin/models", web_shop.bundle.version),
        ("/admin/online", 'id="online-metrics"'),
        ("/admin/shopper", 'id="shopper-list"'),
        ("/admin/shopper?user_id=shopper-06", 'class="runner-list"'),
        ("/admin/shopper?user_id=nobody", "No events"),
    ]:
        answer = client.get(path)
        assert answer.status_code == 200, path
        assert marker in answer.text, path


def test_admin_json_routes(client: TestClient, web_shop: WebShop) -> None:
    health = client.get("/v1/admin/health", params={"days": 7}).json()
    assert len(health["days"]) == 7 and health["n_items"] == 80
    assert sum(health["active_by_day"]) > 0

    models = client.get("/v1/admin/models").json()
    assert models["serving_version"] == web_shop.bundle.version
    assert models["bundles"][0]["status"] == "live"

    shopper = client.get("/v1/admin/shoppers/shopper-06", params={"history": 3}).json()
    assert len(shopper["history"]) == 3 and shopper["homepage"]["sections"]
