"""A missing or corrupt model bundle never replaces the live one (issue #7)."""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from shopfront.api.app import create_app
from shopfront.config import Settings
from shopfront.errors import BundleError
from shopfront.feedback.retrain import train_bundle
from shopfront.homepage.bundle import MANIFEST, ModelBundle
from shopfront.homepage.service import BundleHolder
from shopfront.prep.snapshot import History
from shopfront.store.store import Store
from tests.shop import FAST_MODELS, build_tiny_shop


class NaNModel:
    """A model that fits but scores nothing sane."""

    def __init__(self, n_items: int) -> None:
        self.n_items = n_items

    def score(self, histories: list[History]) -> np.ndarray:
        return np.full((len(histories), self.n_items), np.nan, dtype=np.float32)


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, ModelBundle, Path]]:
    folder = tmp_path_factory.mktemp("bundled-shop")
    store, bundle = build_tiny_shop(f"sqlite:///{folder / 'shop.db'}", folder / "bundles")
    yield store, bundle, folder / "bundles"
    store.close()


def corrupt_copies(source: Path, into: Path) -> dict[str, Path]:
    """Copies of a good bundle folder, each broken in a different way."""
    broken: dict[str, Path] = {"missing": into / "never-written"}
    for name in ("truncated-model", "garbage-manifest", "no-snapshot"):
        shutil.copytree(source, into / name)
        broken[name] = into / name
    model = next((into / "truncated-model" / "models").iterdir())
    model.write_bytes(model.read_bytes()[: model.stat().st_size // 3])
    (into / "garbage-manifest" / MANIFEST).write_text("{not json")
    shutil.rmtree(into / "no-snapshot" / "snapshot")
    return broken


def test_a_broken_bundle_fails_to_load_and_the_live_one_stays(
    shop: tuple[Store, ModelBundle, Path], tmp_path: Path
) -> None:
    _, bundle, bundle_dir = shop
    holder = BundleHolder(bundle)
    for name, folder in corrupt_copies(bundle_dir / bundle.version, tmp_path).items():
        with pytest.raises(BundleError):
            holder.swap(ModelBundle.load(folder))
        assert holder.current()[0] is bundle, name  # type: ignore[index]


def test_a_bundle_that_fails_validation_is_never_swapped_in(
    shop: tuple[Store, ModelBundle, Path],
) -> None:
    _, bundle, _ = shop
    holder = BundleHolder(bundle)
    invalid = {
        "no models": dataclasses.replace(bundle, version="empty", models={}),
        "NaN scores": dataclasses.replace(
            bundle, version="nan", models={"popularity": NaNModel(bundle.snapshot.n_items)}
        ),
    }
    for name, candidate in invalid.items():
        with pytest.raises(BundleError):
            holder.swap(candidate)
        assert holder.current()[0] is bundle, name  # type: ignore[index]


def test_a_training_that_fails_validation_is_rejected_not_promoted(
    shop: tuple[Store, ModelBundle, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    store, bundle, bundle_dir = shop
    live = store.live_bundle()
    assert live is not None and live["version"] == bundle.version

    def fail(self: ModelBundle) -> None:
        raise BundleError(f"bundle {self.version}: model 'als' returns invalid scores")

    monkeypatch.setattr(ModelBundle, "validate", fail)
    with pytest.raises(BundleError):
        train_bundle(store, bundle_dir, models=FAST_MODELS)
    monkeypatch.undo()

    assert store.live_bundle()["version"] == bundle.version  # type: ignore[index]
    statuses = {record["status"] for record in store.bundles()}
    assert "rejected" in statuses


def test_a_service_whose_live_bundle_is_gone_still_starts_and_ingests(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    store, bundle = build_tiny_shop(url, tmp_path / "bundles")
    shutil.rmtree(tmp_path / "bundles" / bundle.version)

    with TestClient(create_app(Settings(db_url=url), store=store)) as client:
        assert client.get("/healthz").json()["status"] == "degraded"
        assert client.get("/v1/homepage/user-0").status_code == 503
        event = {"event_id": "after-loss", "user_id": "user-0", "item_id": "sku-1",
                 "type": "view", "timestamp": bundle.snapshot.reference_time}  # fmt: skip
        assert client.post("/v1/events", json={"events": [event]}).json()["accepted"] == 1
    store.close()
