"""Buy it again, Complete your purchase and Frequently bought together (issue #5)."""

from __future__ import annotations

import numpy as np

from shopfront.homepage.bundle import ModelBundle
from shopfront.homepage.catalog import DAY
from shopfront.homepage.composer import HomepageComposer
from shopfront.models.registry import create_model
from shopfront.prep.snapshot import History, Snapshot
from shopfront.store.records import InteractionType


def test_due_consumable_comes_back_and_durable_does_not(composer: HomepageComposer) -> None:
    repurchase = composer.resources.repurchase
    consumable = int(np.flatnonzero(repurchase.consumable & composer.resources.stats.in_stock)[0])
    durable = int(np.flatnonzero(~repurchase.consumable & composer.resources.stats.in_stock)[0])
    interval = float(repurchase.interval_days[consumable])
    now = composer.resources.stats.reference_time
    bought = now - interval * DAY
    history = History(
        np.array([consumable, durable], dtype=np.int64),
        np.full(2, int(InteractionType.PURCHASE), dtype=np.int8),
        np.array([bought, bought + 1.0]),
    )
    page = composer.compose("regular", history)

    again = next(s for s in page.sections if s.kind == "buy_again")
    assert again.items[0].item_id == composer.resources.stats.item_index.id(consumable)
    assert "days ago" in again.items[0].reason and "usually lasts" in again.items[0].reason
    assert composer.resources.stats.item_index.id(durable) not in page.item_ids()


def test_fresh_purchase_is_not_due_yet(composer: HomepageComposer) -> None:
    repurchase = composer.resources.repurchase
    consumable = int(np.flatnonzero(repurchase.consumable)[0])
    now = composer.resources.stats.reference_time
    history = History(
        np.array([consumable]), np.array([int(InteractionType.PURCHASE)], np.int8), np.array([now])
    )

    assert len(repurchase.due(history, now=now).item_indices) == 0


def test_carted_items_are_offered_to_complete(composer: HomepageComposer) -> None:
    stats = composer.resources.stats
    carted, bought = [int(i) for i in np.flatnonzero(stats.in_stock)[:2]]
    now = stats.reference_time
    history = History(
        np.array([carted, bought, bought], dtype=np.int64),
        np.array([3, 3, 4], dtype=np.int8),
        np.array([now - 3 * DAY, now - 2 * DAY, now - DAY]),
    )
    page = composer.compose("cart", history)

    complete = next(s for s in page.sections if s.kind == "complete_purchase")
    assert [item.item_id for item in complete.items] == [stats.item_index.id(carted)]
    assert complete.items[0].reason == "You added it to your cart 3 days ago"
    assert page.sections[0].kind == "complete_purchase"


def test_bought_together_names_the_purchase(tiny_snapshot: Snapshot) -> None:
    models = {n: create_model(n).fit(tiny_snapshot) for n in ("popularity", "cooccurrence")}
    composer = HomepageComposer(ModelBundle("v", tiny_snapshot, models))
    history = tiny_snapshot.history(0).last(2)
    page = composer.compose("u0", history)

    together = next(s for s in page.sections if s.kind == "bought_together")
    titles = {composer.resources.stats.titles[i] for i in history.item_indices.tolist()}
    assert all(any(t in item.reason for t in titles) for item in together.items)
    assert all(item.reason.startswith("Often bought together with") for item in together.items)
