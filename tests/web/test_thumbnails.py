"""Placeholder pictures: stable, per-category colour, safe to embed."""

from __future__ import annotations

from urllib.parse import unquote

from shopfront.store.records import Item
from shopfront.web.thumbnails import category_colour, initials, thumbnail_svg, thumbnail_uri


def test_initials_take_the_first_letters_of_words() -> None:
    assert initials("velvet matte lipstick") == "VM"
    assert initials("2-pack tea towels") == "PT"
    assert initials("") == "?"


def test_items_of_one_category_share_a_colour() -> None:
    assert category_colour("Beauty > Nails") == category_colour("Beauty > Lipstick")
    assert category_colour("Beauty") != category_colour("Garden > Tools")


def test_thumbnail_is_a_stable_escaped_svg() -> None:
    item = Item(item_id="sku-1", title="<script>alert(1)</script> pan", category="Home > A&B")

    svg = thumbnail_svg(item)

    assert svg == thumbnail_svg(item)
    assert "<script>" not in svg
    assert "A&amp;B" in svg
    uri = thumbnail_uri(item)
    assert uri.startswith("data:image/svg+xml;charset=utf-8,")
    assert unquote(uri.split(",", 1)[1]) == svg
