"""The fast request path of ALS against the model's own scores."""

from __future__ import annotations

import numpy as np

from shopfront.homepage.bundle import ModelBundle
from shopfront.homepage.fastpath import (
    ALSRequestScorer,
    CooccurrenceRequestScorer,
    request_scorers,
)
from shopfront.models.als import ALSCandidateGenerator
from shopfront.models.cooccurrence import CooccurrenceCandidateGenerator
from shopfront.prep.snapshot import History


def test_fast_als_matches_the_model(shop_bundle: ModelBundle) -> None:
    model = shop_bundle.models["als"]
    assert isinstance(model, ALSCandidateGenerator)
    scorer = ALSRequestScorer(model)
    snapshot = shop_bundle.snapshot
    stranger = History(np.array([3, 5, 3]), np.array([1, 3, 4], np.int8), np.arange(3.0))

    for history in [snapshot.history(0), snapshot.history(9), History.empty(), stranger]:
        expected = model.score([history])[0]
        np.testing.assert_allclose(scorer(history), expected, rtol=1e-4, atol=1e-5)
        assert scorer(history).dtype == np.float32


def test_fast_cooccurrence_matches_the_model(shop_bundle: ModelBundle) -> None:
    model = shop_bundle.models["cooccurrence"]
    assert isinstance(model, CooccurrenceCandidateGenerator)
    scorer = CooccurrenceRequestScorer(model)
    snapshot = shop_bundle.snapshot
    repeated = History(np.array([3, 5, 3] * 12), np.ones(36, np.int8), np.arange(36.0))

    for history in [snapshot.history(0), snapshot.history(9), History.empty(), repeated]:
        expected = model.score([history])[0]
        np.testing.assert_allclose(scorer(history), expected, rtol=1e-5, atol=1e-6)


def test_only_known_models_get_a_fast_path(shop_bundle: ModelBundle) -> None:
    assert set(request_scorers(shop_bundle.models)) == {"als", "cooccurrence"}
