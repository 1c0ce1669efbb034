"""API keys with scopes, body and batch limits, rate limiting and CORS (issue #7)."""

from __future__ import annotations

import doctest
import logging
import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from shopfront.api import security
from shopfront.api.app import create_app
from shopfront.api.security import RateLimiter, required_scope
from shopfront.config import Settings
from shopfront.errors import ValidationError
from shopfront.homepage.service import BundleHolder
from shopfront.store.store import Store
from tests.shop import build_tiny_shop

KEYS = {
    "k-ingest": ["ingest"],
    "k-read": ["read"],
    "k-admin": ["admin"],
    "k-both": ["read", "ingest"],
}


def one_event(event_id: str = "sec-1") -> dict[str, object]:
    return {"event_id": event_id, "user_id": "sec-user", "item_id": "sku-1", "type": "view",
            "timestamp": time.time()}  # fmt: skip


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, BundleHolder]]:
    folder = tmp_path_factory.mktemp("secure-shop")
    url = f"sqlite:///{folder / 'shop.db'}"
    store, bundle = build_tiny_shop(url, folder / "bundles")
    store.close()
    yield url, BundleHolder(bundle)


def make_client(shop: tuple[str, BundleHolder], **settings: object) -> TestClient:
    url, holder = shop
    app = create_app(Settings(db_url=url, **settings), store=Store(url), holder=holder)
    return TestClient(app)


@pytest.fixture(scope="module")
def client(shop: tuple[str, BundleHolder]) -> Iterator[TestClient]:
    with make_client(shop, api_keys=KEYS) as test_client:
        yield test_client


def test_a_request_without_a_valid_key_gets_401(client: TestClient) -> None:
    for headers in ({}, {"X-API-Key": "k-wrong"}, {"Authorization": "Bearer k-wrong"}):
        answer = client.get("/v1/homepage/user-0", headers=headers)
        assert answer.status_code == 401
        assert answer.headers["WWW-Authenticate"] == "Bearer"
    assert client.post("/v1/events", json={"events": [one_event()]}).status_code == 401


@pytest.mark.parametrize(
    ("method", "path", "allowed", "refused"),
    [
        ("GET", "/v1/homepage/user-0", "k-read", "k-ingest"),
        ("GET", "/v1/items", "k-both", "k-ingest"),
        ("GET", "/metrics", "k-read", "k-ingest"),
        ("POST", "/v1/events", "k-ingest", "k-read"),
        ("PUT", "/v1/items", "k-ingest", "k-read"),
        ("DELETE", "/v1/users/nobody", "k-admin", "k-both"),
        ("GET", "/v1/admin/models", "k-admin", "k-read"),
    ],
)
def test_each_route_needs_its_scope(
    client: TestClient, method: str, path: str, allowed: str, refused: str
) -> None:
    body = {"events": [one_event()]} if path == "/v1/events" else {"items": []}
    options = {"json": body} if method in {"POST", "PUT"} else {}
    answer = client.request(method, path, headers={"X-API-Key": refused}, **options)
    assert answer.status_code == 403
    scope = required_scope(method, path)
    assert answer.json()["detail"] == f"the API key lacks the {scope!r} scope"
    answer = client.request(method, path, headers={"X-API-Key": allowed}, **options)
    assert answer.status_code == 200


def test_refusals_are_logged_without_the_path_s_user_id(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG, logger="shopfront"):
        assert client.get("/v1/homepage/alice@example.com").status_code == 401
        headers = {"X-API-Key": "k-read"}
        assert client.delete("/v1/users/alice@example.com", headers=headers).status_code == 403
    messages = [record.getMessage() for record in caplog.records]
    assert "refused request: no valid api key route=GET /v1/homepage" in messages
    assert not [message for message in messages if "alice" in message]


def test_admin_includes_every_scope_and_bearer_equals_the_header(client: TestClient) -> None:
    bearer = {"Authorization": "Bearer k-admin"}
    assert client.get("/v1/homepage/user-0", headers=bearer).status_code == 200
    answer = client.post("/v1/events", json={"events": [one_event("sec-2")]}, headers=bearer)
    assert answer.status_code == 200 and answer.json()["accepted"] == 1


def test_health_docs_and_static_files_need_no_key(client: TestClient) -> None:
    for path in ("/healthz", "/openapi.json", "/docs"):
        assert client.get(path).status_code == 200, path
    assert required_scope("GET", "/web/static/storefront.js") is None
    assert required_scope("GET", "/administrator") == "read"


def test_a_key_in_the_query_opens_pages_but_never_writes(client: TestClient) -> None:
    assert client.get("/v1/homepage/user-0?key=k-read").status_code == 200
    answer = client.post("/v1/events?key=k-ingest", json={"events": [one_event("sec-3")]})
    assert answer.status_code == 401


def test_the_schema_declares_the_keys_and_the_scope_of_each_operation(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert set(schema["components"]["securitySchemes"]) == {"ApiKey", "Bearer"}
    post_events = schema["paths"]["/v1/events"]["post"]
    assert post_events["security"] == [{"ApiKey": []}, {"Bearer": []}]
    assert "`ingest` scope" in post_events["description"]
    assert {"400", "401", "403", "413"} <= set(post_events["responses"])
    assert "security" not in schema["paths"]["/healthz"]["get"]


def test_without_keys_the_service_is_open(shop: tuple[str, BundleHolder]) -> None:
    with make_client(shop) as open_client:
        assert open_client.get("/v1/homepage/user-0").status_code == 200
        answer = open_client.post("/v1/events", json={"events": [one_event("sec-open")]})
        assert answer.status_code == 200
        assert "securitySchemes" not in open_client.get("/openapi.json").json()["components"]


def test_unknown_scopes_are_refused_at_startup(shop: tuple[str, BundleHolder]) -> None:
    with pytest.raises(ValidationError, match="scopes among"):
        make_client(shop, api_keys={"k": ["write"]})


def test_a_body_over_the_limit_gets_413_announced_or_streamed(
    shop: tuple[str, BundleHolder],
) -> None:
    with make_client(shop, max_body_bytes=4096) as small:
        assert small.post("/v1/events", content=b"x" * 5000).status_code == 413

        # Without Content-Length (chunked), the limit applies while the body is read.
        chunks = iter([b'{"events": [', b" " * 3000, b" " * 3000, b"]}"])
        answer = small.post(
            "/v1/events", content=chunks, headers={"Content-Type": "application/json"}
        )
        assert answer.status_code == 413
        assert answer.json()["detail"] == "request body must be at most 4096 bytes"
        assert small.post("/v1/events", json={"events": [one_event("sec-s")]}).status_code == 200


def test_a_batch_over_10k_events_gets_422_naming_the_field(client: TestClient) -> None:
    answer = client.post(
        "/v1/events", json={"events": [{}] * 10_001}, headers={"X-API-Key": "k-ingest"}
    )
    assert answer.status_code == 422
    error = answer.json()["detail"][0]
    assert error["loc"] == ["body", "events"] and "10000" in error["msg"]


def test_the_rate_limit_is_per_key_and_says_when_to_retry(shop: tuple[str, BundleHolder]) -> None:
    settings = {"api_keys": KEYS, "rate_limit_per_s": 0.5, "rate_limit_burst": 2}
    with make_client(shop, **settings) as limited:
        reader = {"X-API-Key": "k-read"}
        statuses = [limited.get("/v1/items?limit=1", headers=reader).status_code for _ in range(3)]
        assert statuses == [200, 200, 429]
        refused = limited.get("/v1/items?limit=1", headers=reader)
        assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
        other = limited.get("/v1/items?limit=1", headers={"X-API-Key": "k-both"})
        assert other.status_code == 200
        schema = limited.get("/openapi.json").json()
        assert "429" in schema["paths"]["/v1/items"]["get"]["responses"]


def test_token_buckets_refill_and_stay_bounded() -> None:
    now = [0.0]
    limiter = RateLimiter(rate=2.0, burst=2, max_identities=3, clock=lambda: now[0])
    assert [limiter.acquire("a") for _ in range(3)] == [0.0, 0.0, 0.5]
    now[0] = 0.5
    assert limiter.acquire("a") == 0.0
    for identity in "bcdefg":
        limiter.acquire(identity)
    assert len(limiter._buckets) == 3


def test_cors_preflight_needs_no_key_and_refusals_carry_cors_headers(
    shop: tuple[str, BundleHolder],
) -> None:
    origin = "https://shop.example"
    with make_client(shop, api_keys=KEYS, cors_origins=[origin]) as browser:
        preflight = browser.options(
            "/v1/events",
            headers={
                "Origin": origin,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "X-API-Key, Content-Type",
            },
        )
        assert preflight.status_code == 200
        assert preflight.headers["access-control-allow-origin"] == origin
        assert "x-api-key" in preflight.headers["access-control-allow-headers"].lower()

        refused = browser.get("/v1/items", headers={"Origin": origin})
        assert refused.status_code == 401
        assert refused.headers["access-control-allow-origin"] == origin
        elsewhere = browser.get("/v1/items", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in elsewhere.headers


def test_examples_in_the_docstrings_run() -> None:
    assert doctest.testmod(security, raise_on_error=True).attempted >= 2
