from __future__ import annotations

from collections import defaultdict

from shopfront.simulate import SimulatedShop
from shopfront.simulate.catalog import CatalogTable
from shopfront.simulate.lexicon import SUB_CATEGORIES, TOP_CATEGORIES

from .conftest import SMALL


def test_catalog_has_the_configured_size_and_unique_ids(small_shop: SimulatedShop) -> None:
    ids = [item.item_id for item in small_shop.catalog]
    assert len(ids) == SMALL.n_items
    assert len(set(ids)) == len(ids)


def test_titles_are_brand_adjective_noun_variant(small_shop: SimulatedShop) -> None:
    nouns = {noun for spec in SUB_CATEGORIES for noun in spec.nouns}
    for item in small_shop.catalog:
        assert item.title.startswith(item.brand + " ")
        assert any(f" {noun} " in item.title for noun in nouns), item.title
        assert item.attributes["variant"] in item.title


def test_categories_form_a_two_level_tree(small_shop: SimulatedShop) -> None:
    tree: dict[str, set[str]] = defaultdict(set)
    for item in small_shop.catalog:
        top, sub = item.category.split(" > ")
        tree[top].add(sub)
        assert item.top_category == top
    assert set(tree) == set(TOP_CATEGORIES)
    assert len(tree) == 8
    assert all(4 <= len(subs) <= 6 for subs in tree.values())


def test_prices_are_positive_and_follow_the_sub_category(small_shop: SimulatedShop) -> None:
    by_path: dict[str, list[float]] = defaultdict(list)
    for item in small_shop.catalog:
        assert item.price is not None and item.price > 0
        by_path[item.category].append(item.price)
    cheap = sorted(by_path["Grocery > Pasta"])[len(by_path["Grocery > Pasta"]) // 2]
    dear = sorted(by_path["Electronics > Wearables"])[len(by_path["Electronics > Wearables"]) // 2]
    assert cheap < dear


def test_brands_sell_in_few_categories(small_shop: SimulatedShop) -> None:
    tops: dict[str, set[str]] = defaultdict(set)
    subs: dict[str, set[str]] = defaultdict(set)
    for item in small_shop.catalog:
        tops[item.brand].add(item.top_category)
        subs[item.brand].add(item.category)
    assert max(len(t) for t in tops.values()) <= 2
    assert max(len(s) for s in subs.values()) <= 4


def test_some_items_are_new_arrivals_and_some_out_of_stock(small_shop: SimulatedShop) -> None:
    new = [i for i in small_shop.catalog if i.created_at and i.created_at >= small_shop.start]
    assert 0 < len(new) < len(small_shop.catalog) // 4
    assert all(i.created_at is not None and i.created_at < small_shop.end for i in new)
    assert 0 < sum(not i.in_stock for i in small_shop.catalog) < len(small_shop.catalog) // 4


def test_consumable_flag_follows_the_sub_category(small_shop: SimulatedShop) -> None:
    consumable = {spec.path for spec in SUB_CATEGORIES if spec.is_consumable}
    for item in small_shop.catalog:
        assert item.attributes["consumable"] is (item.category in consumable)


def test_table_read_back_from_items_keeps_the_columns(small_shop: SimulatedShop) -> None:
    table = CatalogTable.from_items(small_shop.catalog)
    assert table.item_ids.tolist() == [item.item_id for item in small_shop.catalog]
    assert [table.brand_names[b] for b in table.brands] == [i.brand for i in small_shop.catalog]
