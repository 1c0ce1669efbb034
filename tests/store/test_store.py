"""The store on SQLite and PostgreSQL alike."""

from __future__ import annotations

import time

import pytest

from shopfront.store.migrations import MIGRATIONS, current_version
from shopfront.store.records import Interaction, InteractionType, Item
from shopfront.store.store import Store


def interaction(
    event_id: str, user_id: str = "u1", item_id: str = "a", at: float = 1.7e9
) -> Interaction:
    return Interaction(event_id, user_id, item_id, InteractionType.CLICK, at)


@pytest.fixture
def store(db_url: str) -> Store:
    opened = Store(db_url)
    yield opened
    opened.close()


def test_schema_is_migrated_to_the_latest_version(store: Store) -> None:
    assert current_version(store.engine) == MIGRATIONS[-1].version


def test_reopening_does_not_migrate_twice(db_url: str) -> None:
    Store(db_url).close()
    reopened = Store(db_url)
    assert current_version(reopened.engine) == MIGRATIONS[-1].version
    reopened.close()


def test_items_are_upserted_by_id(store: Store) -> None:
    store.upsert_items([Item("a", title="Tea", category="Food > Tea", price=3.0)])
    store.upsert_items([Item("a", title="Green tea", category="Food > Tea", price=4.0)])
    item = store.get_item("a")
    assert item is not None and item.title == "Green tea" and item.price == 4.0
    assert store.count_items() == 1


def test_items_are_listed_by_category_prefix(store: Store) -> None:
    store.upsert_items(
        [Item("a", category="Food > Tea"), Item("b", category="Food"), Item("c", category="Home")]
    )
    assert [i.item_id for i in store.list_items(category="Food")] == ["a", "b"]
    assert store.get_item("missing") is None


def test_a_retried_event_is_stored_once(store: Store) -> None:
    assert store.insert_interactions([interaction("e1"), interaction("e2")]) == 2
    assert store.insert_interactions([interaction("e2"), interaction("e3")]) == 1
    assert store.count_events() == 3


def test_bulk_path_is_idempotent_too(store: Store) -> None:
    columns = (["e1", "e2"], ["u1", "u2"], ["a", "b"], [1, 4], [1.7e9, 1.7e9 + 1])
    assert store.insert_event_columns(*columns) == 2
    assert store.insert_event_columns(*columns) == 0
    frame, last = store.read_interactions()
    assert len(frame) == 2 and last >= 2
    assert frame.types.tolist() == [1, 4]


def test_user_history_is_the_latest_events_oldest_first(store: Store) -> None:
    now = time.time()
    store.insert_interactions([interaction(f"e{i}", at=now + i, item_id=f"i{i}") for i in range(5)])
    history = store.user_history("u1", n=3)
    assert [event.item_id for event in history] == ["i2", "i3", "i4"]


def test_deleting_a_user_removes_their_events_and_leaves_a_tombstone(store: Store) -> None:
    store.insert_interactions([interaction("e1"), interaction("e2", user_id="u2")])
    assert store.delete_user("u1") == 1
    assert store.user_history("u1") == []
    assert store.is_deleted("u1") and not store.is_deleted("u2")
    assert store.deleted_user_ids() == {"u1"}


def test_only_one_bundle_is_live(store: Store) -> None:
    store.register_bundle("v1", "/b/v1", metrics={"n_users": 1})
    store.register_bundle("v2", "/b/v2", metrics={})
    store.promote_bundle("v1")
    store.promote_bundle("v2")
    live = store.live_bundle()
    assert live is not None and live["version"] == "v2"
    assert {b["version"]: b["status"] for b in store.bundles()} == {"v1": "retired", "v2": "live"}
