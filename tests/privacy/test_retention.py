"""The retention window purges old events, impressions, page views and bundles, as a job (#7)."""

from __future__ import annotations

import doctest
import json
import time
from pathlib import Path

import pytest
from sqlalchemy import insert, select, update

from shopfront.config import Settings
from shopfront.errors import ValidationError
from shopfront.privacy import retention
from shopfront.privacy.__main__ import main
from shopfront.privacy.retention import SECONDS_PER_DAY, purge_expired, run_retention
from shopfront.store import schema
from shopfront.store.records import Interaction, InteractionType
from shopfront.store.store import Store

NOW = time.time()


def event(event_id: str, user_id: str, age_days: float) -> Interaction:
    at = NOW - age_days * SECONDS_PER_DAY
    return Interaction(event_id, user_id, "sku-1", InteractionType.VIEW, at)


def impression(request_id: str, user_id: str, age_days: float) -> dict[str, object]:
    return {"request_id": request_id, "item_id": "sku-1", "user_id": user_id,
            "section_id": "trending", "position": 1, "section_position": 1,
            "model_version": "v", "served_at": NOW - age_days * SECONDS_PER_DAY}  # fmt: skip


def page_view(request_id: str, age_days: float) -> dict[str, object]:
    return {"request_id": request_id, "served_at": NOW - age_days * SECONDS_PER_DAY,
            "model_version": "v", "policy": "fixed", "ordering": "[]"}  # fmt: skip


def fill(store: Store) -> None:
    """'old' has only expired events; 'mixed' has both; 'gone' was deleted long ago."""
    store.insert_interactions(
        [event("o1", "old", 400), event("o2", "old", 380), event("m1", "mixed", 500),
         event("m2", "mixed", 10), event("g1", "gone", 5)]
    )  # fmt: skip
    store.delete_user("gone")
    with store.engine.begin() as connection:
        connection.execute(insert(schema.impressions), [impression("r1", "old", 400),
                                                         impression("r2", "mixed", 1)])  # fmt: skip
        connection.execute(insert(schema.page_views), [page_view("r1", 400), page_view("r2", 1)])
        connection.execute(
            update(schema.users)
            .where(schema.users.c.user_id == "gone")
            .values(deleted_at=NOW - 400 * SECONDS_PER_DAY)
        )


def user_rows(store: Store) -> set[str]:
    with store.engine.connect() as connection:
        return set(connection.execute(select(schema.users.c.user_id)).scalars())


def test_purge_keeps_the_window_and_drops_the_rest(db_url: str) -> None:
    store = Store(db_url)
    fill(store)

    report = purge_expired(store, retention_days=365, now=NOW)
    assert (report.events, report.impressions, report.page_views) == (3, 1, 1)
    assert report.cutoff == pytest.approx(NOW - 365 * SECONDS_PER_DAY)
    assert [e.event_id for e in store.user_history("mixed")] == ["m2"]
    assert store.user_history("old") == []

    # Shoppers left without events and tombstones past the window lose their row.
    assert user_rows(store) == {"mixed"}
    assert report.users == 2
    assert purge_expired(store, retention_days=365, now=NOW).events == 0
    store.close()


def test_bundles_retired_before_the_window_are_deleted_with_their_folders(
    tmp_path: Path,
) -> None:
    store = Store("sqlite://")
    folders = {}
    bundles = [
        ("old-retired", "retired", 400),
        ("old-rejected", "rejected", 400),
        ("recent-retired", "retired", 10),
        ("old-live", "live", 400),
    ]
    for version, status, age_days in bundles:
        folders[version] = tmp_path / version
        (folders[version] / "models").mkdir(parents=True)
        store.register_bundle(version, str(folders[version]), metrics={})
        with store.engine.begin() as connection:
            table = schema.model_bundles
            connection.execute(
                update(table)
                .where(table.c.version == version)
                .values(status=status, created_at=NOW - age_days * SECONDS_PER_DAY)
            )

    report = purge_expired(store, retention_days=365, now=NOW)

    assert report.bundles == 2
    assert {b["version"] for b in store.bundles()} == {"recent-retired", "old-live"}
    assert not folders["old-retired"].exists() and not folders["old-rejected"].exists()
    assert folders["recent-retired"].exists() and folders["old-live"].exists()


def test_the_window_must_be_positive_and_configured() -> None:
    with pytest.raises(ValidationError, match="retention_days must be > 0"):
        purge_expired(Store("sqlite://"), retention_days=0)
    with pytest.raises(ValidationError, match="retention_days must be set"):
        run_retention(Settings(db_url="sqlite://"))


def test_the_job_runs_from_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path}/shop.db"
    fill(Store(url))
    monkeypatch.delenv("SHOPFRONT_RETENTION_DAYS", raising=False)
    assert main(["purge", "--db", url]) == 2
    assert "retention_days must be set" in capsys.readouterr().err

    monkeypatch.setenv("SHOPFRONT_RETENTION_DAYS", "365")
    assert main(["purge", "--db", url]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert (summary["events"], summary["impressions"], summary["users"]) == (3, 1, 2)
    assert (summary["page_views"], summary["bundles"]) == (1, 0)

    assert main(["forget", "mixed", "--db", url]) == 0
    assert json.loads(capsys.readouterr().out) == {"events": 1}


def test_examples_in_the_docstrings_run() -> None:
    assert doctest.testmod(retention, raise_on_error=True).attempted >= 1
