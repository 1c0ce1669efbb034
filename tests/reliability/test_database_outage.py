"""The database goes away: pages are still served, degraded; the service recovers by itself (#7).

On PostgreSQL the fault is real: the test database stops accepting connections
and every open one is terminated by the server. On SQLite (always run) the
store's database file becomes unreachable, as with a lost volume.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from shopfront.api.app import create_app
from shopfront.config import Settings
from shopfront.homepage.service import BundleHolder
from shopfront.store.engine import make_engine
from shopfront.store.store import Store
from tests.databases import POSTGRES_ADMIN_URL, postgres_database
from tests.shop import build_tiny_shop


def outage_batch() -> dict[str, object]:
    now = time.time()
    events = [
        {"event_id": f"outage-{i}", "user_id": "user-0", "item_id": f"sku-{i}", "type": "view",
         "timestamp": now}
        for i in range(3)
    ]  # fmt: skip
    return {"events": events}


def section_ids(page: dict[str, object]) -> list[str]:
    return [section["id"] for section in page["sections"]]  # type: ignore[attr-defined]


def check_outage_and_recovery(
    store: Store, holder: BundleHolder, cut: Callable[[], None], restore: Callable[[], None]
) -> None:
    app = create_app(Settings(db_url=store.url), store=store, holder=holder)
    with TestClient(app) as client:
        healthy = client.get("/v1/homepage/user-0").json()
        assert healthy["degraded"] is False and "recommended" in section_ids(healthy)

        cut()
        answer = client.get("/v1/homepage/user-0")
        assert answer.status_code == 200
        page = answer.json()
        assert page["degraded"] is True and len(page["sections"]) >= 2
        # The history read before the outage is cached, so the page stays personal.
        assert "recommended" in section_ids(page)
        items = [item["item_id"] for section in page["sections"] for item in section["items"]]
        assert len(items) == len(set(items))

        # A write is refused, never acknowledged without being stored.
        refused = client.post("/v1/events", json=outage_batch())
        assert refused.status_code == 503
        health = client.get("/healthz").json()
        assert (health["status"], health["database"]) == ("degraded", False)

        restore()
        recovered = client.get("/v1/homepage/user-0").json()
        assert recovered["degraded"] is False and "recommended" in section_ids(recovered)
        assert client.post("/v1/events", json=outage_batch()).json()["accepted"] == 3
        assert client.get("/healthz").json()["database"] is True


def test_sqlite_file_unreachable_then_back(tmp_path: Path) -> None:
    store, bundle = build_tiny_shop(f"sqlite:///{tmp_path / 'shop.db'}", tmp_path / "bundles")
    working = store.engine
    lost = make_engine(f"sqlite:///{tmp_path / 'unmounted' / 'shop.db'}")

    def cut() -> None:
        store.engine = lost

    def restore() -> None:
        store.engine = working

    check_outage_and_recovery(store, BundleHolder(bundle), cut, restore)
    store.close()


@pytest.mark.postgres
def test_postgres_refusing_connections_then_back(tmp_path: Path) -> None:
    with postgres_database() as url:
        name = url.rsplit("/", 1)[1]
        admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")

        def cut() -> None:
            with admin.connect() as connection:
                connection.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'))
                connection.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = :name AND pid <> pg_backend_pid()"
                    ),
                    {"name": name},
                )

        def restore() -> None:
            with admin.connect() as connection:
                connection.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))

        store, bundle = build_tiny_shop(url, tmp_path / "bundles")
        try:
            check_outage_and_recovery(store, BundleHolder(bundle), cut, restore)
        finally:
            restore()
            store.close()
            admin.dispose()
