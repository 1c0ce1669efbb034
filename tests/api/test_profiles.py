"""The profile endpoint: fresh, explained, empty for strangers, gone after deletion."""

from __future__ import annotations

import time

from fastapi.testclient import TestClient


def test_a_profile_names_the_shoppers_interests_with_evidence(client: TestClient) -> None:
    profile = client.get("/v1/users/user-0/profile").json()
    assert profile["activity"]["n_events"] > 0
    assert profile["interests"][0]["category"].startswith("Beauty")
    assert profile["interests"][0]["evidence"]


def test_a_new_event_shows_in_the_profile_at_once(client: TestClient) -> None:
    before = client.get("/v1/users/fresh/profile").json()
    assert before["interests"] == [] and before["activity"]["n_events"] == 0
    now = time.time()
    events = [
        {
            "event_id": f"pf-{i}",
            "user_id": "fresh",
            "item_id": f"sku-{50 + i}",
            "type": "purchase",
            "timestamp": now,
        }
        for i in range(2)
    ]
    client.post("/v1/events", json={"events": events})
    after = client.get("/v1/users/fresh/profile").json()
    assert after["interests"][0]["category"].startswith("Home")


def test_a_deleted_shopper_has_no_profile(client: TestClient) -> None:
    assert client.delete("/v1/users/user-5").json()["deleted_events"] > 0
    assert client.get("/v1/users/user-5/profile").status_code == 404
