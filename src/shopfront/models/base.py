"""The small interface every candidate generator implements.

A candidate generator is fit on a :class:`~shopfront.prep.snapshot.Snapshot` and
then scores every catalog item for a user's :class:`~shopfront.prep.snapshot.History`.
Single-user and batch calls share one code path: :meth:`CandidateGenerator.score`
takes a batch, and :meth:`recommend` is a batch of one.

Contract (checked for every model by ``tests/models/test_contract.py``):

- the constructor only stores options (keyword-only, literal defaults, a ``seed``);
- ``fit`` returns ``self``; learned state ends in ``_`` and is set only in ``fit``;
- ``score`` before ``fit`` raises :class:`~shopfront.errors.NotFittedError`;
- scores are float32, higher is better, never NaN; ``-inf`` only where excluded;
- an empty history or an unknown user gets a valid (fallback) ranking;
- results are deterministic for a seed, and ``save``/``load`` round-trip.
"""

from __future__ import annotations

import pickle
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, Self

import numpy as np
import scipy.sparse as sp

from shopfront.errors import NotFittedError
from shopfront.prep.snapshot import History, Snapshot


@dataclass(frozen=True, slots=True)
class Recommendations:
    """Item indices with their scores, best first.

    Attributes:
        item_indices: int64 (n,) item indices of the snapshot.
        scores: float32 (n,) scores aligned with ``item_indices``, descending.
    """

    item_indices: np.ndarray
    scores: np.ndarray

    def __len__(self) -> int:
        return len(self.item_indices)


class CandidateGenerator(ABC):
    """Base class of all recommendation models.

    Subclasses set ``name`` and implement :meth:`fit` and :meth:`score`.
    """

    name: ClassVar[str] = "base"

    def __init__(self, *, seed: int = 0) -> None:
        self.seed = seed

    @abstractmethod
    def fit(self, snapshot: Snapshot) -> Self:
        """Learn from a snapshot and return ``self``."""

    @abstractmethod
    def score(self, histories: Sequence[History]) -> np.ndarray:
        """Score every item for each history.

        Returns:
            float32 (B, n_items): higher is better; no NaN.
        """

    @property
    def is_fitted(self) -> bool:
        """Whether :meth:`fit` has run."""
        return getattr(self, "n_items_", None) is not None

    def check_fitted(self) -> None:
        """Raise :class:`NotFittedError` unless :meth:`fit` has run."""
        if not self.is_fitted:
            raise NotFittedError(f"{type(self).__name__} is not fitted; call fit(snapshot) first")

    def recommend(
        self,
        history: History,
        n: int = 10,
        *,
        exclude_seen: bool = True,
        candidates: np.ndarray | None = None,
    ) -> Recommendations:
        """The ``n`` best items for one user.

        Args:
            history: The user's interactions (may be empty).
            n: How many items to return at most.
            exclude_seen: Leave out items already in the history.
            candidates: Restrict the ranking to these item indices.
        """
        return self.recommend_batch([history], n, exclude_seen=exclude_seen, candidates=candidates)[
            0
        ]

    def recommend_batch(
        self,
        histories: Sequence[History],
        n: int = 10,
        *,
        exclude_seen: bool = True,
        candidates: np.ndarray | None = None,
    ) -> list[Recommendations]:
        """The ``n`` best items for each user; one code path with :meth:`recommend`."""
        if n < 0:
            raise ValueError(f"n must be >= 0, got {n}")
        scores = self.score(histories)
        if candidates is not None:
            allowed = np.full(scores.shape[1], False)
            allowed[np.asarray(candidates, dtype=np.int64)] = True
            scores[:, ~allowed] = -np.inf
        if exclude_seen:
            for row, history in enumerate(histories):
                scores[row, history.item_indices] = -np.inf
        return [top_n(row, n) for row in scores]

    def similar_items(self, item_index: int, n: int = 10) -> Recommendations:
        """Items most like one item: by default, the recommendation after only it."""
        history = History(np.array([item_index], dtype=np.int64))
        return self.recommend(history, n)

    def save(self, path: Path) -> None:
        """Write the fitted model to ``path`` (a file)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            pickle.dump(self, handle, protocol=pickle.HIGHEST_PROTOCOL)

    @classmethod
    def load(cls, path: Path) -> Self:
        """Read a model written by :meth:`save`."""
        with path.open("rb") as handle:
            model = pickle.load(handle)
        if not isinstance(model, cls):
            raise TypeError(f"{path} holds a {type(model).__name__}, not a {cls.__name__}")
        return model


def top_n(scores: np.ndarray, n: int) -> Recommendations:
    """The ``n`` highest finite scores of one row, best first, ties by index."""
    finite = np.flatnonzero(np.isfinite(scores))
    if n <= 0 or len(finite) == 0:
        return Recommendations(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32))
    n = min(n, len(finite))
    values = scores[finite]
    part = np.argpartition(-values, n - 1)[:n] if n < len(finite) else np.arange(len(finite))
    order = part[np.lexsort((finite[part], -values[part]))]
    return Recommendations(finite[order].astype(np.int64), values[order].astype(np.float32))


def check_item_indices(items: np.ndarray, n_items: int) -> None:
    """Raise ``ValueError`` for an index outside the catalog, as :func:`history_matrix` does.

    Paths that index arrays directly need it: a -1 (an id the vocabulary does
    not know) would silently read the last item.
    """
    if len(items) and (items.min() < 0 or items.max() >= n_items):
        raise ValueError(
            f"item indices must be in [0, {n_items}), got {items.min()}..{items.max()}"
        )


def history_matrix(
    histories: Sequence[History],
    n_items: int,
    *,
    recency: float = 1.0,
    n: int | None = None,
    weights: np.ndarray | None = None,
) -> sp.csr_matrix:
    """Sparse (B, n_items) float32 rows, one per history, for matrix-based scorers.

    Args:
        histories: The users' histories.
        n_items: Number of columns.
        recency: The i-th most recent interaction counts ``recency ** i``.
        n: Only the ``n`` most recent interactions count (all when ``None``).
        weights: Optional weight per interaction type value (indexed by type).
    """
    rows, cols, vals = [], [], []
    for row, history in enumerate(histories):
        recent = history.item_indices[::-1][:n]
        value = np.power(recency, np.arange(len(recent)), dtype=np.float64)
        if weights is not None:
            value = value * weights[history.types[::-1][:n].astype(np.int64)]
        rows.append(np.full(len(recent), row))
        cols.append(recent)
        vals.append(value)
    if not rows:
        return sp.csr_matrix((0, n_items), dtype=np.float32)
    matrix = sp.csr_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
        shape=(len(histories), n_items),
        dtype=np.float32,
    )
    matrix.sum_duplicates()
    return matrix
