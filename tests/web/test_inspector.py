"""The shopper inspector: profile, history, page with per-model ranks and runners-up."""

from __future__ import annotations

import dataclasses

from shopfront.homepage.service import BundleHolder
from shopfront.homepage.stock import LiveStock
from shopfront.store import queries
from shopfront.web.inspector import inspect_shopper, section_model
from tests.web.conftest import WebShop


def test_inspection_explains_every_section(web_shop: WebShop) -> None:
    holder = BundleHolder(web_shop.bundle)

    found = inspect_shopper(web_shop.store, holder, "shopper-04", n_history=5, n_runners_up=3)

    assert found["n_events"] > 5 and len(found["history"]) == 5
    assert found["history"][0]["timestamp"] >= found["history"][-1]["timestamp"]
    page = found["homepage"]
    on_page = {i["item_id"] for s in page["sections"] for i in s["items"]}
    for section in page["sections"]:
        assert section["source_model"] in {*web_shop.bundle.models, None}
        assert len(section["runners_up"]) <= 3
        assert not on_page & {r["item_id"] for r in section["runners_up"]}
        for item in section["items"]:
            assert set(item["models"]) == set(web_shop.bundle.models)
            assert item["card"]["item_id"] == item["item_id"]
    assert any(section["runners_up"] for section in page["sections"])
    if found["profile"] is not None:
        assert found["profile"]["user_id"] == "shopper-04"
        assert "embedding" not in found["profile"]
    else:
        assert found["profile_error"]


def test_runners_up_of_a_category_row_stay_in_the_category(web_shop: WebShop) -> None:
    found = inspect_shopper(web_shop.store, BundleHolder(web_shop.bundle), "shopper-01")

    for section in found["homepage"]["sections"]:
        if section["id"].startswith("top_picks:"):
            category = section["id"].split(":", 1)[1]
            assert all(r["card"]["category"].startswith(category) for r in section["runners_up"])


def test_the_inspected_page_uses_live_stock_like_the_served_one(web_shop: WebShop) -> None:
    holder, stock = BundleHolder(web_shop.bundle), LiveStock(web_shop.store)
    before = inspect_shopper(web_shop.store, holder, "shopper-04", stock=stock)
    sold_out = before["homepage"]["sections"][0]["items"][0]["item_id"]

    item = queries.items_by_ids(web_shop.store, [sold_out])[0]
    web_shop.store.upsert_items([dataclasses.replace(item, in_stock=False)])
    try:
        after = inspect_shopper(web_shop.store, holder, "shopper-04", stock=stock)
    finally:
        web_shop.store.upsert_items([item])  # the shop is shared by the other web tests

    shown = {
        entry["item_id"]
        for section in after["homepage"]["sections"]
        for entry in section["items"] + section["runners_up"]
    }
    assert sold_out not in shown


def test_an_unknown_shopper_gets_the_new_shopper_page(web_shop: WebShop) -> None:
    found = inspect_shopper(web_shop.store, BundleHolder(web_shop.bundle), "nobody")

    assert found["n_events"] == 0 and found["history"] == []
    assert found["homepage"]["sections"]


def test_without_a_bundle_only_history_is_shown(web_shop: WebShop) -> None:
    found = inspect_shopper(web_shop.store, BundleHolder(), "shopper-04")

    assert found["homepage"] is None and found["profile"] is None and found["history"]


def test_section_models() -> None:
    names = ["popularity", "trending", "cooccurrence", "als"]

    assert section_model("recommended", names) == "als"
    assert section_model("because_viewed", names) == "cooccurrence"
    assert section_model("top_picks:Beauty", names) == "popularity"
    assert section_model("trending", ["popularity"]) == "popularity"
    assert section_model("something_new", ["popularity"]) == "popularity"
    assert section_model("because_viewed:2", ["popularity", "als"]) == "als"
    assert section_model("buy_again", names) is None
