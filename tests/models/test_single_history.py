"""The request route of ALS and co-occurrence against their batch route (#5).

A request scores one history, which these models do without the fixed costs of
their batch route; the scores must be the batch route's, history for history.
"""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import pytest

from shopfront.homepage.bundle import ModelBundle
from shopfront.models.als import ALSCandidateGenerator
from shopfront.models.base import CandidateGenerator
from shopfront.models.cooccurrence import CooccurrenceCandidateGenerator
from shopfront.prep.snapshot import History, Snapshot

Model = ALSCandidateGenerator | CooccurrenceCandidateGenerator

# (rtol, atol): ALS solves in float64 on one route and float32 on the other; co-occurrence sums.
TOLERANCE = {"als": (1e-4, 1e-5), "cooccurrence": (1e-5, 1e-6)}


def make(name: str) -> Model:
    if name == "als":
        return ALSCandidateGenerator(embedding_dim=8, iterations=3)
    return CooccurrenceCandidateGenerator()


@pytest.fixture(params=["als", "cooccurrence"], scope="module")
def fitted(request: pytest.FixtureRequest, tiny_snapshot: Snapshot) -> Model:
    return make(request.param).fit(tiny_snapshot)


def assert_close(model: Model, actual: np.ndarray, desired: np.ndarray) -> None:
    rtol, atol = TOLERANCE[model.name]
    np.testing.assert_allclose(actual, desired, rtol=rtol, atol=atol)


def mixed_histories(snapshot: Snapshot) -> list[History]:
    """More histories than a request batch: shoppers, an empty one, a stranger, repeats."""
    known = [snapshot.history(user) for user in range(40)]
    stranger = History(np.array([3, 5, 3]), np.array([1, 3, 4], np.int8), np.arange(3.0))
    repeated = History(np.array([3, 5, 3] * 12), np.ones(36, np.int8), np.arange(36.0))
    return [*known[:20], History.empty(), stranger, repeated, *known[20:]]


def test_one_history_scores_as_in_a_large_batch(fitted: Model, tiny_snapshot: Snapshot) -> None:
    histories = mixed_histories(tiny_snapshot)
    assert len(histories) > fitted.request_batch, "the batch must take the batch route"
    batch = fitted.score(histories)

    for history, expected in zip(histories, batch, strict=True):
        alone = fitted.score([history])
        assert alone.shape == (1, tiny_snapshot.n_items) and alone.dtype == np.float32
        assert_close(fitted, alone[0], expected)


def test_a_small_batch_scores_as_a_large_one(fitted: Model, tiny_snapshot: Snapshot) -> None:
    histories = mixed_histories(tiny_snapshot)
    batch = fitted.score(histories)
    small = slice(20, 20 + fitted.request_batch)  # from the empty history on
    assert_close(fitted, fitted.score(histories[small]), batch[small])


def test_items_outside_the_catalog_are_refused_by_both_routes(
    fitted: Model, tiny_snapshot: Snapshot
) -> None:
    for outside in (-1, tiny_snapshot.n_items):
        history = History(np.array([3, outside]))
        for histories in ([history], [history] * (fitted.request_batch + 1)):
            with pytest.raises(ValueError):
                fitted.score(histories)


def test_no_history_scores_nothing(fitted: Model, tiny_snapshot: Snapshot) -> None:
    scores = fitted.score([])
    assert scores.shape == (0, tiny_snapshot.n_items) and scores.dtype == np.float32


def test_a_saved_bundle_serves_the_same_scores(tiny_snapshot: Snapshot, tmp_path: Path) -> None:
    models: dict[str, CandidateGenerator] = {
        name: make(name).fit(tiny_snapshot) for name in ("als", "cooccurrence")
    }
    folder = ModelBundle("v1", tiny_snapshot, models).save(tmp_path)
    loaded = ModelBundle.load(folder).models
    history = tiny_snapshot.history(7)
    for name, model in models.items():
        np.testing.assert_array_equal(loaded[name].score([history]), model.score([history]))


def test_an_als_model_pickled_before_its_gram_still_serves(tiny_snapshot: Snapshot) -> None:
    model = make("als").fit(tiny_snapshot)
    assert isinstance(model, ALSCandidateGenerator)
    history = tiny_snapshot.history(3)
    expected = model.score([history])
    del model.gram_

    restored = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(restored.score([history]), expected)
