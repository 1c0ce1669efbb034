"""The storefront's pages and JSON helpers, over HTTP without a browser."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_storefront_pages_render(client: TestClient) -> None:
    home = client.get("/")
    assert home.status_code == 200
    assert 'href="/category/Beauty"' in home.text
    assert "/web/static/storefront.js" in home.text

    category = client.get("/category/Beauty")
    assert category.status_code == 200
    assert category.text.count('class="card"') == 40
    assert "Nails" in category.text  # its subcategories are linked

    search = client.get("/search", params={"q": "frying ink"})
    assert search.text.count('class="card"') == 4
    empty = client.get("/search", params={"q": "<nothing>"})
    assert "No products found for “&lt;nothing&gt;”" in empty.text


def test_category_pages_put_popular_items_first(client: TestClient) -> None:
    page = client.get("/category/Beauty > Nails").text

    assert page.count('class="card"') == 20
    assert 'class="out"' in page  # out-of-stock items are shown, marked


def test_search_and_card_endpoints(client: TestClient) -> None:
    found = client.get("/web/search", params={"q": "velvet coral", "n": 2}).json()
    assert found["query"] == "velvet coral"
    assert [i["title"] for i in found["items"]] == [
        "Velvet Matte lipstick coral 12",
        "Velvet Matte lipstick coral 17",
    ]

    cards = client.get(
        "/web/items", params=[("ids", "sku-041"), ("ids", "nope"), ("ids", "sku-000")]
    ).json()
    assert [c["item_id"] for c in cards] == ["sku-041", "sku-000"]
    assert set(cards[0]) >= {"title", "category", "brand", "price_label", "thumbnail", "in_stock"}
    assert client.get("/web/shoppers", params={"n": 3}).json()[0].startswith("shopper-")


def test_static_files_are_served_and_nothing_else(client: TestClient) -> None:
    script = client.get("/web/static/charts.js")
    assert script.status_code == 200 and script.headers["content-type"].startswith(
        "text/javascript"
    )
    assert client.get("/web/static/shop.css").headers["content-type"].startswith("text/css")
    for name in ("missing.js", "..%2Fpages.py", "pages.py", ".hidden.js"):
        assert client.get(f"/web/static/{name}").status_code == 404


def test_the_package_exports_its_router() -> None:
    import shopfront.web
    from shopfront.web import pages

    assert shopfront.web.__all__ == ["router"]
    assert shopfront.web.router is pages.router
