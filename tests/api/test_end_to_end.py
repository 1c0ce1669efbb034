"""Through HTTP: events in, homepage out, and the next page reflects the events."""

from __future__ import annotations

import time

from fastapi.testclient import TestClient


def page_items(page: dict) -> list[str]:
    return [item["item_id"] for section in page["sections"] for item in section["items"]]


def test_a_known_shopper_gets_a_personal_page(client: TestClient) -> None:
    page = client.get("/v1/homepage/user-0").json()
    titles = [section["title"] for section in page["sections"]]
    assert "Recommended for you" in titles
    assert any(title.startswith("Because you viewed") for title in titles)
    items = page_items(page)
    assert len(items) == len(set(items)), "no product twice on a page"
    assert all(item["reason"] for s in page["sections"] for item in s["items"])


def test_a_personal_page_follows_the_shoppers_taste(client: TestClient) -> None:
    page = client.get("/v1/homepage/user-0").json()
    recommended = next(s for s in page["sections"] if s["id"] == "recommended")
    beauty = [item for item in recommended["items"] if "lipstick" in item["title"].lower()]
    assert len(beauty) >= 0.8 * len(recommended["items"])


def test_purchased_items_are_left_off_the_page(client: TestClient) -> None:
    bought = {"sku-3"}
    now = time.time()
    events = [
        {
            "event_id": "buy-1",
            "user_id": "buyer",
            "item_id": "sku-3",
            "type": "purchase",
            "timestamp": now,
        }
    ]
    client.post("/v1/events", json={"events": events})
    assert not bought & set(page_items(client.get("/v1/homepage/buyer").json()))


def test_a_new_shopper_gets_a_full_page(client: TestClient) -> None:
    page = client.get("/v1/homepage/never-seen").json()
    assert page["user_id"] == "never-seen" and page["degraded"] is False
    assert [s["id"] for s in page["sections"]][0] == "trending"
    assert len(page["sections"]) >= 2


def test_events_of_a_new_shopper_change_their_next_page(client: TestClient) -> None:
    before = client.get("/v1/homepage/newcomer").json()
    now = time.time()
    events = [
        {
            "event_id": f"nc-{i}",
            "user_id": "newcomer",
            "item_id": f"sku-{60 + i}",
            "type": "click",
            "timestamp": now + i,
        }
        for i in range(3)
    ]
    answer = client.post("/v1/events", json={"events": events}).json()
    assert answer["accepted"] == 3

    after = client.get("/v1/homepage/newcomer").json()
    assert page_items(after) != page_items(before)
    recommended = next(s for s in after["sections"] if s["id"] == "recommended")
    kitchen = [item for item in recommended["items"] if "pan" in item["title"].lower()]
    assert len(kitchen) >= len(recommended["items"]) // 2


def test_a_mixed_batch_lands_the_good_and_explains_the_bad(client: TestClient) -> None:
    now = time.time()
    events = [
        {"event_id": "mix-1", "user_id": "u", "item_id": "sku-1", "type": "view", "timestamp": now},
        {
            "event_id": "mix-2",
            "user_id": "u",
            "item_id": "sku-1",
            "type": "teleport",
            "timestamp": now,
        },
        {"event_id": "mix-3", "user_id": "", "item_id": "sku-1", "type": "view", "timestamp": now},
        {
            "event_id": "mix-4",
            "user_id": "u",
            "item_id": "sku-2",
            "type": "click",
            "timestamp": "yesterday",
        },
        {
            "event_id": "mix-5",
            "user_id": "u",
            "item_id": "sku-2",
            "type": "click",
            "timestamp": now,
        },
    ]
    answer = client.post("/v1/events", json={"events": events}).json()
    assert answer["accepted"] == 2 and answer["rejected"] == 3
    by_index = {error["index"]: error for error in answer["errors"]}
    assert by_index[1]["field"] == "type" and by_index[1]["value"] == "teleport"
    assert by_index[2]["field"] == "user_id"
    assert by_index[3]["field"] == "timestamp" and "ISO 8601" in by_index[3]["constraint"]

    again = client.post("/v1/events", json={"events": events[:1]}).json()
    assert again["accepted"] == 0 and again["duplicates"] == 1


def test_catalog_round_trip(client: TestClient) -> None:
    item = {
        "item_id": "new-1",
        "title": "Copper kettle",
        "category": "Home > Kitchen",
        "price": 30.0,
    }
    assert client.put("/v1/items", json={"items": [item]}).json() == {"upserted": 1}
    stored = client.get("/v1/items/new-1").json()
    assert stored["title"] == "Copper kettle" and stored["in_stock"] is True
    listed = client.get("/v1/items", params={"category": "Home", "limit": 500}).json()
    assert "new-1" in {i["item_id"] for i in listed}
    assert client.get("/v1/items/absent").status_code == 404


def test_a_negative_price_is_refused_with_the_field_named(client: TestClient) -> None:
    answer = client.put("/v1/items", json={"items": [{"item_id": "bad", "price": -1}]})
    assert answer.status_code == 422
    assert "price" in str(answer.json()["detail"])


def test_health_metrics_and_docs(client: TestClient) -> None:
    health = client.get("/healthz").json()
    assert health["status"] == "ok" and health["database"] is True
    assert "shopfront_http_requests_total" in client.get("/metrics").text
    assert "/v1/homepage/{user_id}" in client.get("/openapi.json").json()["paths"]
    assert client.get("/docs").status_code == 200


def test_page_shape_is_configurable(client: TestClient) -> None:
    page = client.get("/v1/homepage/user-1", params={"sections": 2, "items": 4}).json()
    assert len(page["sections"]) <= 2
    assert all(len(section["items"]) <= 4 for section in page["sections"])
