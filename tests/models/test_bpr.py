"""BPR matrix factorization through implicit (#3)."""

from __future__ import annotations

import numpy as np
import pytest

from shopfront.errors import ValidationError
from shopfront.models.bpr import BPRCandidateGenerator
from shopfront.prep.snapshot import History, Snapshot


@pytest.fixture(scope="module")
def fitted(tiny_snapshot: Snapshot) -> BPRCandidateGenerator:
    return BPRCandidateGenerator(embedding_dim=8, iterations=30, num_threads=1).fit(tiny_snapshot)


def test_embeddings_carry_the_bias_column(fitted: BPRCandidateGenerator) -> None:
    assert fitted.item_embeddings_.shape[1] == 9
    np.testing.assert_allclose(fitted.user_embeddings_[:, -1], 1.0)


def test_known_and_folded_in_users_prefer_their_half(
    fitted: BPRCandidateGenerator, tiny_snapshot: Snapshot
) -> None:
    known = tiny_snapshot.history(0)
    stranger = History(known.item_indices)
    for history in (known, stranger):
        recommended = tiny_snapshot.items.to_ids(fitted.recommend(history, 10).item_indices)
        assert sum(int(i[1:]) < 30 for i in recommended) >= 7


def test_empty_history_is_scored(fitted: BPRCandidateGenerator) -> None:
    scores = fitted.score([History.empty()])
    assert scores.dtype == np.float32 and np.isfinite(scores).all()


def test_bad_options_are_rejected(tiny_snapshot: Snapshot) -> None:
    with pytest.raises(ValidationError, match="embedding_dim"):
        BPRCandidateGenerator(embedding_dim=0).fit(tiny_snapshot)
