"""Leave-one-out splits of a snapshot, as in the sequential-recommendation literature.

Per user, interactions are time-ordered; the last one is the test target, the one
before it the validation target, the rest training. Two split modes:

- ``"valid"``: fit on each history minus its last two interactions, predict the
  second-to-last from that prefix;
- ``"test"``: fit on each history minus its last interaction (training *and*
  validation part), predict the last from that prefix. A model fit on the
  training part alone would predict two steps ahead at test time, so the test
  mode refits.

Users with fewer than three interactions are kept in training (whatever prefix
they have) but are not evaluated, so that every evaluated user has at least one
interaction of input history in both modes.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

import numpy as np
import scipy.sparse as sp

from shopfront.errors import ValidationError
from shopfront.prep.snapshot import History, Snapshot
from shopfront.prep.weighting import WeightingConfig, interaction_strength

SplitMode = Literal["valid", "test"]
SPLIT_MODES: tuple[str, ...] = ("valid", "test")
MIN_EVALUATED_LENGTH = 3


@dataclass(frozen=True)
class LeaveOneOutSplit:
    """A training snapshot and the targets to predict from it.

    Attributes:
        mode: ``"valid"`` or ``"test"``.
        train: The snapshot to fit on (same item indices as the full snapshot).
        user_indices: int64 (U,) evaluated users (rows of ``train``).
        target_items: int64 (U,) the item index each evaluated user must find.
    """

    mode: str
    train: Snapshot
    user_indices: np.ndarray
    target_items: np.ndarray

    def __len__(self) -> int:
        return len(self.user_indices)

    def histories(self) -> list[History]:
        """Input histories of the evaluated users, aligned with ``target_items``."""
        return [self.train.history(int(u)) for u in self.user_indices]


def leave_one_out(snapshot: Snapshot, mode: str) -> LeaveOneOutSplit:
    """Split ``snapshot`` for one mode.

    Args:
        snapshot: All interactions, each user's history oldest first.
        mode: ``"valid"`` or ``"test"``.

    Raises:
        ValidationError: ``mode`` is unknown or no user has three interactions.
    """
    if mode not in SPLIT_MODES:
        raise ValidationError(f"split must be one of {SPLIT_MODES}, got {mode!r}")
    held_out = 2 if mode == "valid" else 1
    lengths = np.diff(snapshot.seq_offsets)

    # The target sits `held_out` positions before each history's end.
    evaluated = np.flatnonzero(lengths >= MIN_EVALUATED_LENGTH)
    if len(evaluated) == 0:
        raise ValidationError(
            f"snapshot must have a user with >= {MIN_EVALUATED_LENGTH} interactions, got none"
        )
    targets = snapshot.seq_items[snapshot.seq_offsets[evaluated + 1] - held_out]

    keep = np.maximum(lengths - held_out, np.minimum(lengths, 1))
    train = truncate_histories(snapshot, keep)
    return LeaveOneOutSplit(mode, train, evaluated.astype(np.int64), targets.astype(np.int64))


def truncate_histories(
    snapshot: Snapshot, keep: np.ndarray, *, weighting: WeightingConfig | None = None
) -> Snapshot:
    """A snapshot whose user ``u`` keeps only the first ``keep[u]`` interactions.

    Users and items keep their indices and features. The matrix is rebuilt from
    the kept interactions alone (so no held-out interaction leaks through it),
    weighted by ``weighting`` (default :class:`WeightingConfig`) and decayed from
    the latest kept interaction.
    """
    lengths = np.diff(snapshot.seq_offsets)
    keep = np.minimum(np.asarray(keep, dtype=np.int64), lengths)
    positions = np.arange(len(snapshot.seq_items)) - np.repeat(snapshot.seq_offsets[:-1], lengths)
    mask = positions < np.repeat(keep, lengths)

    # Rebuild the strength matrix from what is kept.
    users = np.repeat(np.arange(snapshot.n_users), keep)
    items, types, times = (
        snapshot.seq_items[mask],
        snapshot.seq_types[mask],
        snapshot.seq_times[mask],
    )
    now = float(times.max()) if len(times) else 0.0
    strength = interaction_strength(types, times, now=now, config=weighting or WeightingConfig())
    matrix = sp.csr_matrix(
        (strength, (users, items)), shape=snapshot.matrix.shape, dtype=np.float32
    )
    matrix.sum_duplicates()

    return replace(
        snapshot,
        matrix=matrix,
        seq_offsets=np.concatenate([[0], np.cumsum(keep)]).astype(np.int64),
        seq_items=items,
        seq_types=types,
        seq_times=times,
        reference_time=now,
    )
