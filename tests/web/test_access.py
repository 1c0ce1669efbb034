"""The dashboard's admin key: header or ?key=, scopes from settings.api_keys."""

from __future__ import annotations

from fastapi.testclient import TestClient

from shopfront.web.access import check_admin
from shopfront.web.dashboard import TABS
from shopfront.web.rendering import render
from tests.web.conftest import WebShop

KEYS = {"admin-key": ["read", "admin"], "read-key": ["read"]}


def test_check_admin() -> None:
    assert check_admin({}, None) is None
    assert check_admin(KEYS, "admin-key") is None
    assert check_admin(KEYS, None).status_code == 401  # type: ignore[union-attr]
    assert check_admin(KEYS, "wrong").status_code == 401  # type: ignore[union-attr]
    assert check_admin(KEYS, "read-key").status_code == 403  # type: ignore[union-attr]
    assert check_admin(KEYS, "clé").status_code == 401  # type: ignore[union-attr]


def test_dashboard_pages_need_an_admin_key(web_shop: WebShop) -> None:
    with TestClient(web_shop.app(api_keys=KEYS)) as client:
        assert client.get("/admin/models").status_code == 401
        assert client.get("/admin", headers={"X-API-Key": "read-key"}).status_code == 403
        bearer = {"Authorization": "Bearer admin-key"}
        assert client.get("/admin/shopper", headers=bearer).status_code == 200

        page = client.get("/admin?key=admin-key")
        assert page.status_code == 200
        assert 'href="/admin/models?key=admin-key"' in page.text
        assert client.get("/admin/online", headers={"X-API-Key": "admin-key"}).status_code == 200


def test_the_key_form_tells_what_is_missing() -> None:
    denied = check_admin(KEYS, "read-key")
    assert denied is not None

    page = render(
        "admin_denied.html",
        status_code=denied.status_code,
        message=denied.message,
        next_path="/admin/models",
        tabs=TABS,
        tab="models",
        key="",
        key_query="",
    )

    assert page.status_code == 403
    assert b"lacks the &#39;admin&#39; scope" in page.body
    assert b'action="/admin/models"' in page.body


def test_admin_json_routes_need_an_admin_key(web_shop: WebShop) -> None:
    with TestClient(web_shop.app(api_keys=KEYS)) as client:
        assert client.get("/v1/admin/health").status_code == 401
        assert client.get("/v1/admin/models?key=read-key").status_code == 403
        answer = client.get("/v1/admin/models", headers={"X-API-Key": "admin-key"})
        assert answer.status_code == 200
