"""Through HTTP: an item sold out through the items API leaves the next homepage (#5)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient


def page_items(page: dict[str, Any]) -> list[str]:
    return [item["item_id"] for section in page["sections"] for item in section["items"]]


def set_stock(client: TestClient, item_id: str, in_stock: bool) -> None:
    item = client.get(f"/v1/items/{item_id}").json()
    answer = client.put("/v1/items", json={"items": [{**item, "in_stock": in_stock}]})
    assert answer.json() == {"upserted": 1}


def test_a_sold_out_item_leaves_the_next_page_and_comes_back_restocked(
    client: TestClient,
) -> None:
    before = page_items(client.get("/v1/homepage/user-0").json())
    sold_out = before[0]

    set_stock(client, sold_out, in_stock=False)
    during = page_items(client.get("/v1/homepage/user-0").json())
    assert sold_out not in during
    assert len(during) >= len(before) - 1, "the page is still full"

    set_stock(client, sold_out, in_stock=True)
    after = page_items(client.get("/v1/homepage/user-0").json())
    assert sold_out in after
