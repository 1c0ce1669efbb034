"""Next-item transitions: what shoppers took right after the item this shopper took last.

A first-order Markov chain over items (Rendle et al., "Factorizing personalized
Markov chains for next-basket recommendation", WWW 2010, without the
factorization): count, over all training histories, how often item ``b``
directly followed item ``a``. A shopper's score of ``b`` is the decayed sum of
those counts from their latest items, plus a small popularity prior that orders
the rest and serves shoppers with no history.

On Amazon Beauty this plain count beats several published neural baselines
(see ``../shared/datasets/amazon_beauty/README.md``), so it is both a baseline
and a cheap component of ensembles.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Self

import numpy as np
import scipy.sparse as sp

from shopfront.errors import ValidationError
from shopfront.models.base import CandidateGenerator
from shopfront.prep.snapshot import History, Snapshot

logger = logging.getLogger(__name__)


def transition_counts(snapshot: Snapshot, keep: np.ndarray | None = None) -> sp.csr_matrix:
    """float32 CSR (n_items, n_items): how often item ``a`` (row) was directly followed by ``b``.

    Args:
        snapshot: The histories to count in.
        keep: Per user, how many of the oldest interactions to count (``None``: all).
    """
    lengths = np.diff(snapshot.seq_offsets)
    positions = np.arange(len(snapshot.seq_items)) - np.repeat(snapshot.seq_offsets[:-1], lengths)
    limit = np.repeat(lengths if keep is None else np.minimum(keep, lengths), lengths)
    follows = np.flatnonzero((positions > 0) & (positions < limit))
    shape = (snapshot.n_items, snapshot.n_items)
    counts = sp.csr_matrix(
        (
            np.ones(len(follows), dtype=np.float32),
            (snapshot.seq_items[follows - 1], snapshot.seq_items[follows]),
        ),
        shape=shape,
    )
    counts.sum_duplicates()
    return counts


class TransitionCandidateGenerator(CandidateGenerator):
    """Scores items by how often they directly followed the shopper's latest items.

    Args:
        steps: How many of the latest items contribute (1: only the last one).
        step_decay: Weight ratio between one contributing item and the next newer one.
        popularity_weight: Weight of the normalized log-popularity prior.
        seed: Unused (deterministic); kept for the contract.
    """

    name = "transitions"

    def __init__(
        self,
        *,
        steps: int = 3,
        step_decay: float = 0.3,
        popularity_weight: float = 0.01,
        seed: int = 0,
    ) -> None:
        super().__init__(seed=seed)
        self.steps = steps
        self.step_decay = step_decay
        self.popularity_weight = popularity_weight

    def fit(self, snapshot: Snapshot) -> Self:
        """Count transitions and popularity."""
        if self.steps < 1:
            raise ValidationError(f"steps must be >= 1, got {self.steps}")
        if not 0.0 <= self.step_decay <= 1.0:
            raise ValidationError(f"step_decay must be in [0, 1], got {self.step_decay}")
        self.counts_ = transition_counts(snapshot)
        popularity = np.log1p(snapshot.item_counts().astype(np.float32))
        self.popularity_ = (popularity / max(float(popularity.max()), 1.0)).astype(np.float32)
        self.n_items_ = snapshot.n_items
        logger.info("fitted transitions items=%d pairs=%d", self.n_items_, self.counts_.nnz)
        return self

    def score(self, histories: Sequence[History]) -> np.ndarray:
        """float32 (B, n_items): decayed transition counts from the latest items, plus the prior."""
        self.check_fitted()
        weights = self._step_weights(histories)
        scores = np.asarray((weights @ self.counts_).todense(), dtype=np.float32)
        return scores + self.popularity_weight * self.popularity_[None, :]

    def _step_weights(self, histories: Sequence[History]) -> sp.csr_matrix:
        """(B, n_items) weight of each history's latest items, newest weighing 1."""
        rows, cols, values = [], [], []
        for row, history in enumerate(histories):
            items = np.asarray(history.item_indices, dtype=np.int64)
            items = items[(items >= 0) & (items < self.n_items_)][-self.steps :]
            rows += [row] * len(items)
            cols += items.tolist()
            values += (self.step_decay ** np.arange(len(items) - 1, -1, -1)).tolist()
        shape = (len(histories), self.n_items_)
        return sp.csr_matrix((np.asarray(values, np.float32), (rows, cols)), shape=shape)
