"""Retraining in the background: triggers, hot swap without a failed request, corrupt bundles."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest

from shopfront.feedback.jobs import PeriodicJob
from shopfront.feedback.retraining import RetrainConfig, RetrainScheduler
from shopfront.homepage.bundle import ModelBundle
from shopfront.homepage.service import BundleHolder, HomepageService
from shopfront.store.records import Interaction, InteractionType
from shopfront.store.store import Store
from tests.shop import FAST_MODELS, build_tiny_shop

FAST = ["popularity", "cooccurrence"]


@pytest.fixture()
def shop(tmp_path: Path) -> tuple[Store, BundleHolder, Path]:
    store, bundle = build_tiny_shop(f"sqlite:///{tmp_path / 'shop.db'}", tmp_path / "bundles")
    return store, BundleHolder(bundle), tmp_path / "bundles"


def add_events(store: Store, n: int, prefix: str) -> None:
    now = time.time()
    store.insert_interactions(
        [
            Interaction(
                f"{prefix}-{i}", f"user-{i % 7}", f"sku-{i % 40}", InteractionType.CLICK, now
            )
            for i in range(n)
        ]
    )


def scheduler(shop: tuple[Store, BundleHolder, Path], **config: Any) -> RetrainScheduler:
    store, holder, bundles = shop
    options = {"after_events": 5, "models": FAST, **config}
    return RetrainScheduler(store, holder, bundles, config=RetrainConfig(**options))


def test_retraining_is_due_after_enough_new_events(shop: tuple[Store, BundleHolder, Path]) -> None:
    retrainer = scheduler(shop)
    assert not retrainer.due()
    add_events(shop[0], 3, "a")
    assert not retrainer.due()
    add_events(shop[0], 3, "b")
    assert retrainer.due()

    before = shop[1].current()[0].version  # type: ignore[index]
    bundle = retrainer.check()
    assert bundle is not None and shop[1].current()[0].version == bundle.version != before  # type: ignore[index]
    assert shop[0].live_bundle()["version"] == bundle.version  # type: ignore[index]
    assert not retrainer.due()


def test_retraining_on_a_schedule_needs_new_events(shop: tuple[Store, BundleHolder, Path]) -> None:
    retrainer = scheduler(shop, after_events=None, every_s=60.0)
    retrainer.last_trained -= 120.0
    assert not retrainer.due()  # nothing new to learn from
    add_events(shop[0], 1, "c")
    assert retrainer.due()


def test_retraining_uses_the_configured_model_options(
    shop: tuple[Store, BundleHolder, Path],
) -> None:
    options = {"als": {"embedding_dim": 8, "iterations": 2}}
    retrainer = scheduler(shop, models=["popularity", "als"], model_options=options)
    add_events(retrainer.store, 10, "o")

    bundle = retrainer.retrain()
    assert bundle is not None
    assert bundle.models["als"].embedding_dim == 8


def test_a_corrupt_bundle_is_never_promoted(
    shop: tuple[Store, BundleHolder, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    store, holder, _ = shop
    live = holder.current()[0].version  # type: ignore[index]
    original_save = ModelBundle.save

    def corrupt_save(self: ModelBundle, root: Path) -> Path:
        folder = original_save(self, root)
        (folder / "models" / "popularity.bin").write_bytes(b"not a model")
        return folder

    monkeypatch.setattr(ModelBundle, "save", corrupt_save)
    add_events(store, 10, "d")
    assert scheduler(shop).retrain() is None

    assert holder.current()[0].version == live  # type: ignore[index]
    assert store.live_bundle()["version"] == live  # type: ignore[index]
    assert "rejected" in {record["status"] for record in store.bundles()}


def test_hot_swap_never_fails_a_request(shop: tuple[Store, BundleHolder, Path]) -> None:
    store, holder, _ = shop
    service = HomepageService(store, holder)
    retrainer = scheduler(shop, models=FAST_MODELS)
    errors: list[Exception] = []
    versions: set[str] = set()
    stop = threading.Event()

    def browse() -> None:
        while not stop.is_set():
            try:
                versions.add(service.homepage(f"user-{len(versions) % 9}").model_version)
            except Exception as error:  # any failure is what this test looks for
                errors.append(error)

    threads = [threading.Thread(target=browse) for _ in range(3)]
    for thread in threads:
        thread.start()
    for round_ in range(2):
        add_events(store, 6, f"swap-{round_}")
        assert retrainer.retrain() is not None
    stop.set()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(versions) >= 2


def test_periodic_job_runs_until_stopped() -> None:
    calls: list[int] = []
    job = PeriodicJob("tick", lambda: calls.append(1), 0.01)
    job.start()
    deadline = time.monotonic() + 5
    while not calls and time.monotonic() < deadline:
        time.sleep(0.01)
    job.stop()
    assert calls and not job.is_running
    with pytest.raises(ValueError, match="interval_s"):
        PeriodicJob("bad", lambda: None, 0)


def test_config_needs_a_trigger() -> None:
    with pytest.raises(ValueError, match="every_s or after_events"):
        RetrainConfig()
