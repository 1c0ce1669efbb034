"""Maximal marginal relevance inside a row."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from shopfront.homepage.diversity import item_embeddings, mmr
from shopfront.models.base import CandidateGenerator


def test_lambda_one_keeps_the_relevance_order() -> None:
    relevance = np.array([1.0, 0.8, 0.5], dtype=np.float32)
    picks, values = mmr(relevance, 2, mmr_lambda=1.0, categories=np.zeros(3, np.int64))

    assert picks.tolist() == [0, 1]
    np.testing.assert_allclose(values, [1.0, 0.8])


def test_lower_lambda_mixes_categories() -> None:
    relevance = np.array([1.0, 0.9, 0.85, 0.5], dtype=np.float32)
    categories = np.array([0, 0, 0, 1])

    picks, _ = mmr(relevance, 2, mmr_lambda=0.5, categories=categories)

    assert picks.tolist() == [0, 3]


@settings(max_examples=50, deadline=None)
@given(
    relevance=st.lists(st.floats(0, 1), min_size=1, max_size=20),
    n=st.integers(1, 25),
    mmr_lambda=st.floats(0, 1),
)
def test_objective_never_rises(relevance: list[float], n: int, mmr_lambda: float) -> None:
    values = np.sort(np.asarray(relevance, dtype=np.float32))[::-1]
    rng = np.random.default_rng(len(relevance))
    embeddings = rng.normal(size=(len(values), 4)).astype(np.float32)
    embeddings /= np.linalg.norm(embeddings, axis=1, keepdims=True)
    categories = rng.integers(-1, 3, size=len(values))

    picks, objective = mmr(
        values, n, mmr_lambda=mmr_lambda, categories=categories, embeddings=embeddings
    )

    assert len(picks) == min(n, len(values)) == len(set(picks.tolist()))
    assert np.all(np.diff(objective) <= 1e-6)


def test_embeddings_come_from_the_factor_model(shop_bundle: object) -> None:
    models: dict[str, CandidateGenerator] = shop_bundle.models  # type: ignore[attr-defined]
    vectors = item_embeddings(models, shop_bundle.snapshot.n_items)  # type: ignore[attr-defined]

    assert vectors is not None and vectors.shape[1] == 8
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1)[vectors.any(axis=1)], 1.0, rtol=1e-5)
    assert item_embeddings({}, 10) is None
