"""The ranker: candidate pools, features, both learners, held-out and logged training."""

from __future__ import annotations

import pickle
from functools import partial

import numpy as np
import pytest

from shopfront.errors import NotFittedError, ValidationError
from shopfront.homepage.bundle import ModelBundle
from shopfront.homepage.catalog import CatalogStats
from shopfront.homepage.ranking import (
    CandidateRanker,
    LoggedGroup,
    RankingGroup,
    bundle_ranker,
    feature_names,
    featurize,
    train_ranker,
)
from shopfront.homepage.ranking.features import candidate_pool
from shopfront.homepage.shopper import ShopperSummary
from tests.homepage.conftest import RANKED, make_model


def test_pool_is_the_union_of_each_generators_best() -> None:
    rows = [np.array([5, 4, 3, 2, 1.0]), np.array([1, 2, 3, 4, 5.0])]
    usable = np.array([True, True, True, True, False])
    candidates, ranks = candidate_pool(rows, usable, pool_size=2)

    assert candidates.tolist() == [0, 1, 2, 3]
    assert ranks.tolist() == [[1, 2, 3, 3], [3, 3, 2, 1]]


def test_features_have_one_named_column_each(shop_bundle: ModelBundle) -> None:
    snapshot = shop_bundle.snapshot
    stats = CatalogStats.from_snapshot(snapshot)
    history = snapshot.history(0)
    rows = [shop_bundle.models[g].score([history])[0] for g in RANKED]
    usable = np.ones(snapshot.n_items, dtype=bool)
    usable[history.item_indices] = False
    shopper = ShopperSummary.build(history, stats)
    candidates, features = featurize(rows, usable, stats, shopper, pool_size=10)

    assert features.shape == (len(candidates), len(feature_names(RANKED)))
    assert features.dtype == np.float32
    assert not set(candidates.tolist()) & set(history.item_indices.tolist())


def toy_groups(n: int = 60) -> list[RankingGroup]:
    rng = np.random.default_rng(0)
    groups = []
    for _ in range(n):
        features = rng.normal(size=(12, 4)).astype(np.float32)
        labels = (features[:, 1] == features[:, 1].max()).astype(np.float32)
        groups.append(RankingGroup(features, labels))
    return groups


@pytest.mark.parametrize("kind", ["lambdamart", "logistic"])
def test_both_learners_find_the_signal(kind: str) -> None:
    ranker = CandidateRanker(kind=kind, generators=("a",), n_estimators=20, n_jobs=1)
    ranker.fit(toy_groups())
    group = toy_groups(1)[0]
    scores = ranker.score(group.features)

    assert scores.dtype == np.float32
    assert np.argmax(scores) == np.argmax(group.labels)
    again = pickle.loads(pickle.dumps(ranker))
    np.testing.assert_allclose(again.score(group.features), scores)


def test_ranker_checks_its_inputs() -> None:
    with pytest.raises(ValidationError, match="kind must be one of"):
        CandidateRanker(kind="forest")
    with pytest.raises(NotFittedError):
        CandidateRanker().score(np.zeros((1, 3), np.float32))
    no_positive = [RankingGroup(np.zeros((3, 2), np.float32), np.zeros(3, np.float32))]
    with pytest.raises(ValidationError, match="a positive and a negative"):
        CandidateRanker().fit(no_positive)


def test_training_takes_logged_clicks(shop_bundle: ModelBundle) -> None:
    snapshot = shop_bundle.snapshot
    history = snapshot.history(2)
    shown = np.arange(10, dtype=np.int64)
    logged = [LoggedGroup(history, shown, (shown == 4).astype(np.float32))] * 3
    ranker = train_ranker(
        snapshot,
        {name: partial(make_model, name) for name in RANKED},  # type: ignore[misc]
        models=shop_bundle.models,
        logged=logged,
        max_users=40,
        ranker=CandidateRanker(generators=RANKED, pool_size=10, n_estimators=5, n_jobs=1),
    )

    assert ranker.is_fitted and ranker.n_features_ == len(feature_names(RANKED))
    with pytest.raises(ValueError, match="models must be given"):
        train_ranker(snapshot, {"popularity": partial(make_model, "popularity")}, logged=logged)


def test_bundle_ranker_merges_the_bundles_generators(shop_bundle: ModelBundle) -> None:
    names = ["popularity", "trending", "cooccurrence", "als"]
    options = {"als": {"iterations": 2, "embedding_dim": 4}}
    ranker = bundle_ranker(shop_bundle.snapshot, names, model_options=options, max_users=60)

    assert ranker is not None and ranker.generators == ("popularity", "cooccurrence", "als")
    assert bundle_ranker(shop_bundle.snapshot, ["popularity", "trending"]) is None


def test_more_steps_give_more_groups(shop_bundle: ModelBundle) -> None:
    from shopfront.homepage.ranking.training import held_out_training_set

    factories = {"popularity": partial(make_model, "popularity")}
    options = {"generators": ("popularity",), "pool_size": 10}
    one = held_out_training_set(shop_bundle.snapshot, factories, steps=1, **options)  # type: ignore[arg-type]
    two = held_out_training_set(shop_bundle.snapshot, factories, steps=2, **options)  # type: ignore[arg-type]

    assert len(one.groups) < len(two.groups) <= 2 * len(one.groups)
    assert two.generator_ranks.shape == (1, len(two.groups))
    with pytest.raises(ValidationError, match="steps must be >= 1"):
        held_out_training_set(shop_bundle.snapshot, factories, steps=0, **options)  # type: ignore[arg-type]
