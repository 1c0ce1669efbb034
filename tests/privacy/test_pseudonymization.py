"""Keyed pseudonyms at ingest and in every request that names a shopper (issue #7)."""

from __future__ import annotations

import doctest
import logging
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from shopfront.api.app import create_app
from shopfront.config import Settings
from shopfront.errors import ValidationError
from shopfront.homepage.service import BundleHolder
from shopfront.privacy import pseudonymization
from shopfront.privacy.pseudonymization import Pseudonymizer, pseudonymizer_from_settings
from shopfront.store import schema
from shopfront.store.store import Store
from tests.shop import build_tiny_shop

KEY = "a-long-and-secret-pseudonymization-key"
SHOPPER = "alice.smith@example.com"  # a shop's id that is itself personal data


def test_a_pseudonym_is_stable_keyed_and_short() -> None:
    pseudonymize = Pseudonymizer(KEY)
    pseudonym = pseudonymize(SHOPPER)
    assert pseudonym == Pseudonymizer(KEY)(SHOPPER)
    assert pseudonym != Pseudonymizer(KEY + "-rotated")(SHOPPER)
    assert pseudonym != pseudonymize(SHOPPER.upper())
    assert len(pseudonym) == 32 and int(pseudonym, 16) >= 0
    assert pseudonymize.many(["a", "b", "a"]) == [
        pseudonymize("a"),
        pseudonymize("b"),
        pseudonymize("a"),
    ]
    assert KEY not in repr(pseudonymize)


def test_a_short_key_is_refused_and_no_key_means_off() -> None:
    with pytest.raises(ValidationError, match="pseudonymization_key must be at least 16"):
        Pseudonymizer("short")
    assert pseudonymizer_from_settings(Settings()) is None
    assert pseudonymizer_from_settings(Settings(pseudonymization_key=KEY)) is not None


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, Store]]:
    folder: Path = tmp_path_factory.mktemp("pseudonymous-shop")
    url = f"sqlite:///{folder / 'shop.db'}"
    store, bundle = build_tiny_shop(url, folder / "bundles")
    app = create_app(
        Settings(db_url=url, pseudonymization_key=KEY), store=store, holder=BundleHolder(bundle)
    )
    with TestClient(app) as client:
        yield client, store
    store.close()


def beauty_events(user_id: str, prefix: str) -> list[dict[str, object]]:
    now = time.time()
    return [
        {"event_id": f"{prefix}-{i}", "user_id": user_id, "item_id": f"sku-{i}", "type": "click",
         "timestamp": now - 60 + i}
        for i in range(4)
    ]  # fmt: skip


def stored_values(store: Store) -> list[str]:
    """Every value of every column of the events and users tables, as text."""
    values: list[str] = []
    with store.engine.connect() as connection:
        for table in (schema.events, schema.users, schema.impressions):
            for row in connection.execute(select(table)):
                values += [str(value) for value in row]
    return values


def test_raw_ids_are_never_stored_yet_the_shop_uses_its_own(
    shop: tuple[TestClient, Store],
) -> None:
    client, store = shop
    answer = client.post("/v1/events", json={"events": beauty_events(SHOPPER, "alice")})
    assert answer.json()["accepted"] == 4

    assert not [value for value in stored_values(store) if SHOPPER in value]
    pseudonym = Pseudonymizer(KEY)(SHOPPER)
    assert len(store.user_history(pseudonym)) == 4

    # The homepage asked for with the shop's own id is the shopper's personal page.
    page = client.get(f"/v1/homepage/{SHOPPER}").json()
    assert page["user_id"] == pseudonym
    assert "recommended" in [section["id"] for section in page["sections"]]


def test_deleting_with_the_shops_own_id_deletes_the_pseudonymous_data(
    shop: tuple[TestClient, Store],
) -> None:
    client, store = shop
    shopper = "bob@example.com"
    client.post("/v1/events", json={"events": beauty_events(shopper, "bob")})
    pseudonym = Pseudonymizer(KEY)(shopper)
    assert len(store.user_history(pseudonym)) == 4

    answer = client.delete(f"/v1/users/{shopper}").json()
    assert answer == {"user_id": pseudonym, "deleted_events": 4}
    assert store.user_history(pseudonym) == []
    assert client.get(f"/v1/users/{shopper}/profile").status_code == 404


def test_no_raw_id_reaches_the_logs(
    shop: tuple[TestClient, Store], caplog: pytest.LogCaptureFixture
) -> None:
    client, _ = shop
    shopper = "carol.jones@example.com"
    with caplog.at_level(logging.DEBUG):
        client.post("/v1/events", json={"events": beauty_events(shopper, "carol")})
        client.post("/v1/events", json={"events": [{"user_id": shopper, "type": "bogus"}]})
        client.get(f"/v1/homepage/{shopper}")
        client.get(f"/v1/users/{shopper}/profile")
        client.delete(f"/v1/users/{shopper}")

    # The test's own HTTP client logs the URLs it calls; that is the caller, not the service.
    service_records = [r for r in caplog.records if not r.name.startswith(("httpx", "httpcore"))]
    assert service_records, "the service logged nothing at DEBUG; the check would be empty"
    leaks = [r.getMessage() for r in service_records if shopper in r.getMessage()]
    assert not leaks


def test_examples_in_the_docstrings_run() -> None:
    assert doctest.testmod(pseudonymization, raise_on_error=True).attempted >= 1
