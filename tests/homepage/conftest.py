"""A tiny simulated shop with a full bundle (generators, profiles, ranker), built once."""

from __future__ import annotations

from functools import partial

import numpy as np
import pytest

from shopfront.homepage.bundle import ModelBundle
from shopfront.homepage.composer import HomepageComposer
from shopfront.homepage.ranking import CandidateRanker, train_ranker
from shopfront.models.registry import create_model
from shopfront.prep.builder import build_snapshot
from shopfront.prep.snapshot import History, Snapshot
from shopfront.profiles import ProfileBuilder
from shopfront.simulate import SimulationConfig, simulate_shop
from shopfront.store.records import InteractionType

FAST_OPTIONS: dict[str, dict[str, object]] = {"als": {"iterations": 3, "embedding_dim": 8}}
SERVED = ("popularity", "trending", "cooccurrence", "als")
RANKED = ("popularity", "cooccurrence", "als")


def make_model(name: str) -> object:
    return create_model(name, **FAST_OPTIONS.get(name, {}))  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def shop_snapshot() -> Snapshot:
    """150 shoppers over 200 items for three weeks."""
    shop = simulate_shop(SimulationConfig(n_users=150, n_items=200, days=21, seed=3))
    snapshot, _ = build_snapshot(shop.events, shop.catalog)
    return snapshot


@pytest.fixture(scope="session")
def shop_bundle(shop_snapshot: Snapshot) -> ModelBundle:
    """Generators, profiles and a small LambdaMART ranker fit on the tiny shop."""
    models = {name: make_model(name).fit(shop_snapshot) for name in SERVED}  # type: ignore[attr-defined]
    profiles = ProfileBuilder(min_segments=2, max_segments=2).fit(shop_snapshot)
    ranker = train_ranker(
        shop_snapshot,
        {name: partial(make_model, name) for name in RANKED},  # type: ignore[misc]
        profiles=profiles,
        ranker=CandidateRanker(generators=RANKED, pool_size=20, n_estimators=30, n_jobs=1),
    )
    return ModelBundle("test", shop_snapshot, models, profiles=profiles, ranker=ranker)


@pytest.fixture(scope="session")
def composer(shop_bundle: ModelBundle) -> HomepageComposer:
    return HomepageComposer(shop_bundle)


def session_history(items: list[int], now: float, kind: InteractionType) -> History:
    """A new shopper's few events, one minute apart, ending at ``now``."""
    n = len(items)
    return History(
        np.asarray(items, dtype=np.int64),
        np.full(n, int(kind), dtype=np.int8),
        now - 60.0 * np.arange(n - 1, -1, -1, dtype=np.float64),
    )
