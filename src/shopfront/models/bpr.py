"""Matrix factorization with Bayesian Personalized Ranking, through ``implicit``.

BPR (Rendle et al., "BPR: Bayesian Personalized Ranking from Implicit
Feedback", UAI 2009) learns user and item embeddings so that an item the user
interacted with scores above one they did not, sampled pairwise. Interactions
are binary here: a touched item is a positive, every other item a candidate
negative; strength and repeats are ignored.

``implicit`` stores an item bias as the last embedding column (with a constant 1
in the user embedding). A user of the training snapshot is scored with their
learned embedding; a user it never saw (or an empty ``user_index``) is folded in
as the recency-weighted mean of their history's item embeddings, so scoring
works from the history alone. An empty history gets the item biases, a
popularity-like order.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Self

import numpy as np

from shopfront.errors import ValidationError
from shopfront.models.base import CandidateGenerator
from shopfront.prep.snapshot import History, Snapshot

logger = logging.getLogger(__name__)


class BPRCandidateGenerator(CandidateGenerator):
    """BPR matrix factorization (``implicit``'s CPU implementation).

    Args:
        embedding_dim: Embedding dimensions (without the bias column).
        learning_rate: SGD learning rate.
        regularization: L2 regularization.
        iterations: Epochs of pairwise SGD.
        recency_decay: Fold-in weight ratio between one history item and the next
            newer one (1 weighs the whole history alike).
        num_threads: Training threads (0: all cores).
        seed: Seed of initialization and sampling.
    """

    name = "bpr"

    def __init__(
        self,
        *,
        embedding_dim: int = 64,
        learning_rate: float = 0.05,
        regularization: float = 0.01,
        iterations: int = 100,
        recency_decay: float = 0.9,
        num_threads: int = 0,
        seed: int = 0,
    ) -> None:
        super().__init__(seed=seed)
        self.embedding_dim = embedding_dim
        self.learning_rate = learning_rate
        self.regularization = regularization
        self.iterations = iterations
        self.recency_decay = recency_decay
        self.num_threads = num_threads

    def fit(self, snapshot: Snapshot) -> Self:
        """Learn embeddings from the binary user×item matrix."""
        self._validate()
        from implicit.cpu.bpr import BayesianPersonalizedRanking  # deferred: heavy import

        model = BayesianPersonalizedRanking(
            factors=self.embedding_dim,
            learning_rate=self.learning_rate,
            regularization=self.regularization,
            iterations=self.iterations,
            num_threads=self.num_threads,
            random_state=self.seed,
        )
        binary = snapshot.matrix.copy().astype(np.float32)
        binary.data[:] = 1.0
        model.fit(binary, show_progress=False)

        self.user_embeddings_ = np.asarray(model.user_factors, dtype=np.float32)
        self.item_embeddings_ = np.asarray(model.item_factors, dtype=np.float32)
        self.n_users_ = snapshot.n_users
        self.n_items_ = snapshot.n_items
        logger.info("fitted bpr users=%d items=%d", self.n_users_, self.n_items_)
        return self

    def score(self, histories: Sequence[History]) -> np.ndarray:
        """float32 (B, n_items): user embedding · item embedding (with item bias)."""
        self.check_fitted()
        users = np.stack([self._user_embedding(h) for h in histories]) if histories else None
        if users is None:
            return np.zeros((0, self.n_items_), dtype=np.float32)
        return (users @ self.item_embeddings_.T).astype(np.float32)

    def _user_embedding(self, history: History) -> np.ndarray:
        """The learned embedding of a known user, else the fold-in of their history."""
        if history.user_index is not None and 0 <= history.user_index < self.n_users_:
            return np.asarray(self.user_embeddings_[history.user_index], dtype=np.float32)
        items = np.asarray(history.item_indices, dtype=np.int64)
        items = items[(items >= 0) & (items < self.n_items_)]
        user = np.zeros(self.item_embeddings_.shape[1], dtype=np.float32)
        if len(items):
            weights = self.recency_decay ** np.arange(len(items) - 1, -1, -1, dtype=np.float32)
            user = (weights / weights.sum()) @ self.item_embeddings_[items]
        user[-1] = 1.0  # the bias column
        return user.astype(np.float32)

    def _validate(self) -> None:
        """Check options at fit time, naming the offending one."""
        for option in ("embedding_dim", "iterations"):
            if getattr(self, option) < 1:
                raise ValidationError(f"{option} must be >= 1, got {getattr(self, option)}")
        if self.learning_rate <= 0:
            raise ValidationError(f"learning_rate must be > 0, got {self.learning_rate}")
        if not 0.0 < self.recency_decay <= 1.0:
            raise ValidationError(f"recency_decay must be in (0, 1], got {self.recency_decay}")
