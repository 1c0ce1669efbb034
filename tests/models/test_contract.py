"""The contract every candidate generator must honour, run against each registered model."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from shopfront.errors import NotFittedError
from shopfront.models.base import CandidateGenerator
from shopfront.models.registry import MODEL_CLASSES
from shopfront.prep.snapshot import History, Snapshot

# Small options so that every model trains in seconds on the tiny snapshot.
FAST_OPTIONS: dict[str, dict[str, object]] = {
    "als": {"iterations": 3, "embedding_dim": 8},
    # implicit's BPR is only reproducible on one thread (its threads race by design).
    "bpr": {"iterations": 30, "embedding_dim": 8, "num_threads": 1},
    "content": {"encoder": "hashing"},
    "sequential": {"max_epochs": 2, "hidden_dim": 16, "max_seq_len": 10, "text_encoder": "hashing"},
}


def make(name: str, seed: int = 0) -> CandidateGenerator:
    return MODEL_CLASSES[name](seed=seed, **FAST_OPTIONS.get(name, {}))  # type: ignore[arg-type]


@pytest.fixture(params=sorted(MODEL_CLASSES), scope="module")
def fitted(request: pytest.FixtureRequest, tiny_snapshot: Snapshot) -> CandidateGenerator:
    return make(request.param).fit(tiny_snapshot)


@pytest.mark.parametrize("name", sorted(MODEL_CLASSES))
def test_fit_returns_self(name: str, tiny_snapshot: Snapshot) -> None:
    model = make(name)
    assert model.fit(tiny_snapshot) is model


@pytest.mark.parametrize("name", sorted(MODEL_CLASSES))
def test_scoring_before_fit_raises_not_fitted(name: str, tiny_snapshot: Snapshot) -> None:
    with pytest.raises(NotFittedError):
        make(name).score([tiny_snapshot.history(0)])


@pytest.mark.parametrize("name", sorted(MODEL_CLASSES))
def test_same_seed_gives_same_scores(name: str, tiny_snapshot: Snapshot) -> None:
    histories = [tiny_snapshot.history(u) for u in range(5)]
    first = make(name, seed=3).fit(tiny_snapshot).score(histories)
    second = make(name, seed=3).fit(tiny_snapshot).score(histories)
    np.testing.assert_allclose(first, second, rtol=1e-4, atol=1e-6)


def test_scores_are_float32_without_nan(
    fitted: CandidateGenerator, tiny_snapshot: Snapshot
) -> None:
    scores = fitted.score([tiny_snapshot.history(u) for u in range(8)])
    assert scores.shape == (8, tiny_snapshot.n_items)
    assert scores.dtype == np.float32
    assert not np.isnan(scores).any()


def test_empty_history_gets_a_full_ranking(fitted: CandidateGenerator) -> None:
    recommendations = fitted.recommend(History.empty(), 10)
    assert len(recommendations) == 10
    assert len(set(recommendations.item_indices.tolist())) == 10


def test_unknown_user_is_served_from_history(
    fitted: CandidateGenerator, tiny_snapshot: Snapshot
) -> None:
    known = tiny_snapshot.history(1)
    stranger = History(known.item_indices, known.types, known.timestamps, user_index=None)
    assert len(fitted.recommend(stranger, 5)) == 5


def test_seen_items_are_excluded_and_scores_sorted(
    fitted: CandidateGenerator, tiny_snapshot: Snapshot
) -> None:
    history = tiny_snapshot.history(2)
    recommendations = fitted.recommend(history, 20)
    assert not set(recommendations.item_indices.tolist()) & set(history.item_indices.tolist())
    assert np.all(np.diff(recommendations.scores) <= 0)


def test_candidates_restrict_the_ranking(fitted: CandidateGenerator) -> None:
    candidates = np.array([1, 5, 9])
    recommendations = fitted.recommend(History.empty(), 10, candidates=candidates)
    assert set(recommendations.item_indices.tolist()) <= {1, 5, 9}


def test_batch_and_single_calls_agree(fitted: CandidateGenerator, tiny_snapshot: Snapshot) -> None:
    histories = [tiny_snapshot.history(u) for u in range(4)]
    batch = fitted.recommend_batch(histories, 5)
    for history, together in zip(histories, batch, strict=True):
        alone = fitted.recommend(history, 5)
        np.testing.assert_array_equal(alone.item_indices, together.item_indices)


def test_similar_items_leave_out_the_item_itself(fitted: CandidateGenerator) -> None:
    similar = fitted.similar_items(3, 5)
    assert 3 not in similar.item_indices.tolist()


def test_save_and_load_round_trip(
    fitted: CandidateGenerator, tiny_snapshot: Snapshot, tmp_path: Path
) -> None:
    path = tmp_path / "model.bin"
    fitted.save(path)
    loaded = type(fitted).load(path)
    histories = [tiny_snapshot.history(u) for u in range(3)]
    np.testing.assert_allclose(loaded.score(histories), fitted.score(histories), rtol=1e-5)


def test_personal_models_learn_the_taste_clusters(
    fitted: CandidateGenerator, tiny_snapshot: Snapshot
) -> None:
    """Users of the first half of the catalog get mostly first-half items (popularity excepted)."""
    if fitted.name in {"popularity", "trending"}:
        pytest.skip("popularity ignores the user by design")
    hits = 0
    users = range(0, 40, 2)  # even users like items 0..29
    for user in users:
        top = fitted.recommend(tiny_snapshot.history(user), 5).item_indices
        names = tiny_snapshot.items.to_ids(top)
        hits += sum(int(name[1:]) < 30 for name in names)
    assert hits / (5 * len(users)) > 0.8
