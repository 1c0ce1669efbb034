from __future__ import annotations

import numpy as np
import pytest

from shopfront.errors import UnknownItemError, UnknownUserError
from shopfront.simulate import ShopperResponder, SimulatedShop, position_bias
from shopfront.simulate.responder import BOUGHT_DURABLE_DISCOUNT, CLICK_SCALE
from shopfront.store.records import InteractionType


def humans(shop: SimulatedShop, n: int) -> list[str]:
    return [user_id for user_id, taste in shop.tastes.items() if not taste.is_bot][:n]


def ranked_items(responder: ShopperResponder, shop: SimulatedShop, user_id: str) -> list[str]:
    item_ids = [item.item_id for item in shop.catalog if item.in_stock]
    scores = responder.affinities(user_id, item_ids)
    return [item_ids[i] for i in np.argsort(-scores, kind="stable")]


def test_affinity_is_higher_inside_the_tastes(
    small_shop: SimulatedShop, responder: ShopperResponder
) -> None:
    for user_id in humans(small_shop, 20):
        taste = small_shop.tastes[user_id]
        favourite = next(iter(taste.sub_categories))
        inside = [i.item_id for i in small_shop.catalog if i.category == favourite]
        outside = [
            i.item_id for i in small_shop.catalog if i.top_category not in taste.top_categories
        ]
        assert (
            responder.affinities(user_id, inside).mean()
            > responder.affinities(user_id, outside).mean()
        )
        assert 0.0 <= responder.affinity(user_id, outside[0]) <= 1.0


def test_shoppers_click_what_matches_their_tastes(
    small_shop: SimulatedShop, responder: ShopperResponder
) -> None:
    rng = np.random.default_rng(0)
    clicks = {"best": 0, "worst": 0}
    for user_id in humans(small_shop, 30):
        ranked = ranked_items(responder, small_shop, user_id)
        group = {item_id: "best" for item_id in ranked[:5]} | {i: "worst" for i in ranked[-5:]}
        for _ in range(40):
            row = list(rng.permutation(list(group)))
            for reaction in responder.respond(user_id, [row]):
                if reaction.type == InteractionType.CLICK.label:
                    clicks[group[reaction.item_id]] += 1
    assert clicks["best"] > 200
    assert clicks["best"] > 10 * clicks["worst"]


def test_clicks_fall_with_column_and_row(
    small_shop: SimulatedShop, responder: ShopperResponder
) -> None:
    rng = np.random.default_rng(1)
    by_column = np.zeros(5)
    by_row = np.zeros(4)
    for user_id in humans(small_shop, 25):
        best = ranked_items(responder, small_shop, user_id)[:20]
        for _ in range(40):
            page = rng.permutation(best).reshape(4, 5).tolist()
            for reaction in responder.respond(user_id, page):
                if reaction.type == InteractionType.CLICK.label:
                    row, column = reaction.position
                    by_column[column] += 1
                    by_row[row] += 1
    # Expected ratios first/last: 1 / bias(4) ≈ 2.6 for columns, 1 / bias(3) ≈ 2.3 for rows.
    assert by_column[0] > 1.6 * by_column[4]
    assert by_row[0] > 1.5 * by_row[3]
    assert np.all(np.diff(position_bias(np.arange(10))) < 0)


def test_expected_clicks_reward_ranking_by_affinity(
    small_shop: SimulatedShop, responder: ShopperResponder
) -> None:
    user_id = humans(small_shop, 1)[0]
    ranked = ranked_items(responder, small_shop, user_id)
    best_first = [ranked[:10]]
    best_last = [ranked[:10][::-1]]
    spread = [ranked[::30][:10]]
    expected = [sum(p.sum() for p in responder.click_probabilities(user_id, page))
                for page in (best_first, best_last, spread)]  # fmt: skip
    assert expected[0] > expected[1] > expected[2]


def test_carts_and_purchases_follow_clicks(
    small_shop: SimulatedShop, responder: ShopperResponder
) -> None:
    seen: set[str] = set()
    for user_id in humans(small_shop, 40):
        page = [ranked_items(responder, small_shop, user_id)[:10]]
        for _ in range(10):
            steps: dict[tuple[str, tuple[int, int]], list[str]] = {}
            for reaction in responder.respond(user_id, page):
                steps.setdefault((reaction.item_id, reaction.position), []).append(reaction.type)
            for kinds in steps.values():
                assert kinds in (
                    ["click"],
                    ["click", "add_to_cart"],
                    ["click", "add_to_cart", "purchase"],
                )
                seen.update(kinds)
    assert seen == {"click", "add_to_cart", "purchase"}


def test_reactions_are_deterministic_and_independent_of_other_users(
    small_shop: SimulatedShop,
) -> None:
    first, second = humans(small_shop, 2)
    page = [[item.item_id for item in small_shop.catalog[:12]]]
    one = ShopperResponder(small_shop, seed=9)
    other = ShopperResponder(small_shop, seed=9)
    one_first = [one.respond(first, page) for _ in range(20)]
    for _ in range(3):
        other.respond(second, page)
    assert [other.respond(first, page) for _ in range(20)] == one_first


def test_a_bought_durable_loses_its_appeal(
    small_shop: SimulatedShop, responder: ShopperResponder
) -> None:
    durable = {item.item_id for item in small_shop.catalog if not item.attributes["consumable"]}
    events = small_shop.events
    user_id, item_id = next(
        (u, i)
        for u, i, kind in zip(events.user_ids, events.item_ids, events.types, strict=True)
        if kind == InteractionType.PURCHASE and i in durable
    )
    chance = responder.click_probabilities(user_id, [[item_id]])[0][0]
    expected = CLICK_SCALE * responder.affinity(user_id, item_id) ** 2 * BOUGHT_DURABLE_DISCOUNT
    assert chance == pytest.approx(expected, rel=1e-5)


def test_bots_never_react(small_shop: SimulatedShop, responder: ShopperResponder) -> None:
    page = [[item.item_id for item in small_shop.catalog[:10]]] * 3
    assert all(responder.respond(small_shop.bot_ids[0], page) == [] for _ in range(20))


def test_unknown_ids_raise(small_shop: SimulatedShop, responder: ShopperResponder) -> None:
    with pytest.raises(UnknownUserError, match="nobody"):
        responder.respond("nobody", [[small_shop.catalog[0].item_id]])
    with pytest.raises(UnknownItemError, match="nothing"):
        responder.affinity(humans(small_shop, 1)[0], "nothing")


def test_an_empty_page_gets_no_reactions(
    small_shop: SimulatedShop, responder: ShopperResponder
) -> None:
    assert responder.respond(humans(small_shop, 1)[0], []) == []
    assert responder.respond(humans(small_shop, 1)[0], [[], []]) == []
