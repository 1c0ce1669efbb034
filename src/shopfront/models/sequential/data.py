"""Training windows and batches of item sequences for the transformer.

Letters: W windows, B batch, L sequence length (``max_seq_len`` at most).

Every user history becomes one or more windows of at most ``max_seq_len + 1``
interactions, newest first taken; a window's inputs are its items but the last,
its targets the items one step later, so one forward pass trains on every prefix
(the causal mask keeps each position from seeing its target). Windows are stored
right-aligned and left-padded with slot 0; batches group windows of similar
length so that short histories (most of them) cost little padding.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import torch

from shopfront.models.sequential.network import N_GAP_BUCKETS, N_TYPES
from shopfront.prep.snapshot import History, Snapshot


@dataclass(frozen=True)
class SequenceBatch:
    """One batch, left-padded; slot = item index + 1, 0 for padding.

    Attributes:
        slots: int64 (B, L) input item slots.
        types: int64 (B, L) interaction types, 0 at padding.
        gaps: int64 (B, L) time-gap buckets.
        targets: int64 (B, L) target item slots, 0 where there is no target.
    """

    slots: torch.Tensor
    types: torch.Tensor
    gaps: torch.Tensor
    targets: torch.Tensor

    def to(self, device: torch.device) -> SequenceBatch:
        """The batch on ``device``."""
        return SequenceBatch(
            *(t.to(device) for t in (self.slots, self.types, self.gaps, self.targets))
        )


def gap_buckets(timestamps: np.ndarray) -> np.ndarray:
    """int64 log2 buckets of the seconds since the previous event; 0 for the first."""
    gaps = np.diff(np.asarray(timestamps, dtype=np.float64), prepend=np.nan)
    buckets = 1 + np.floor(np.log2(1.0 + np.maximum(np.nan_to_num(gaps, nan=0.0), 0.0)))
    buckets = np.clip(buckets, 1, N_GAP_BUCKETS - 1).astype(np.int64)
    if len(buckets):
        buckets[0] = 0
    return np.asarray(buckets, dtype=np.int64)


class SequenceWindows:
    """All training windows of a snapshot, right-aligned in (W, max_seq_len) arrays.

    Args:
        snapshot: The training snapshot.
        max_seq_len: Longest input of a window.
        keep: Per user, how many of the oldest interactions to use (``None``: all).
    """

    def __init__(
        self, snapshot: Snapshot, max_seq_len: int, keep: np.ndarray | None = None
    ) -> None:
        self.max_seq_len = max_seq_len
        rows: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        for user in range(snapshot.n_users):
            history = snapshot.history(user)
            if keep is not None:
                items, types, times = (a[: keep[user]] for a in _arrays(history))
                history = History(items, types, times, user)
            rows += _windows(history, max_seq_len)
        self.lengths = np.array([len(r[0]) - 1 for r in rows], dtype=np.int64)
        self.slots, self.types, self.gaps = (
            _right_aligned([r[part] for r in rows], max_seq_len + 1) for part in range(3)
        )

    def __len__(self) -> int:
        return len(self.lengths)

    def target_counts(self, n_items: int) -> np.ndarray:
        """int64 (N,) how often each item is a training target."""
        real = self.slots[:, :-1] > 0
        targets = self.slots[:, 1:][real]
        return np.bincount(targets - 1, minlength=n_items).astype(np.int64)

    @property
    def n_targets(self) -> int:
        """Number of (prefix, next item) training examples."""
        return int(self.lengths.sum())

    def batches(self, batch_size: int, rng: np.random.Generator) -> Iterator[SequenceBatch]:
        """Batches of similar-length windows, in random order."""
        order = np.lexsort((rng.random(len(self)), self.lengths))
        chunks = [order[i : i + batch_size] for i in range(0, len(order), batch_size)]
        for chunk_index in rng.permutation(len(chunks)):
            rows = chunks[chunk_index]
            length = int(self.lengths[rows].max())
            inputs = self.slots[rows, -length - 1 : -1]
            # A target counts only where its input is real (not left padding).
            targets = np.where(inputs > 0, self.slots[rows, -length:], 0)
            yield SequenceBatch(
                slots=torch.from_numpy(inputs),
                types=torch.from_numpy(self.types[rows, -length - 1 : -1]),
                gaps=torch.from_numpy(self.gaps[rows, -length - 1 : -1]),
                targets=torch.from_numpy(targets),
            )


def inference_batch(histories: Sequence[History], max_seq_len: int) -> SequenceBatch:
    """The latest ``max_seq_len`` interactions of each history, left-padded.

    Item indices outside ``[0, n_items)`` must be filtered before; an empty
    history becomes one padding position. ``targets`` is empty (B, 0).
    """
    parts = [_features(h) for h in histories]
    latest = [tuple(a[-max_seq_len:] for a in p) for p in parts]
    length = max([len(p[0]) for p in latest] + [1])
    slots, types, gaps = (_right_aligned([p[i] for p in latest], length) for i in range(3))
    empty = torch.zeros((len(histories), 0), dtype=torch.int64)
    return SequenceBatch(
        torch.from_numpy(slots), torch.from_numpy(types), torch.from_numpy(gaps), empty
    )


def _arrays(history: History) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return history.item_indices, history.types, history.timestamps


def _features(history: History) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Slots, clipped types and gap buckets of a whole history."""
    slots = np.asarray(history.item_indices, dtype=np.int64) + 1
    types = np.clip(np.asarray(history.types, dtype=np.int64), 0, N_TYPES - 1)
    return slots, types, gap_buckets(history.timestamps)


def _windows(history: History, max_seq_len: int) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Windows of ``max_seq_len + 1`` interactions from the newest back; at least two each."""
    slots, types, gaps = _features(history)
    windows = []
    for end in range(len(slots), 1, -max_seq_len):
        start = max(0, end - max_seq_len - 1)
        windows.append((slots[start:end], types[start:end], gaps[start:end]))
    return windows


def _right_aligned(rows: list[np.ndarray], width: int) -> np.ndarray:
    """int64 (len(rows), width), each row's values at the right end, zeros on the left."""
    matrix = np.zeros((len(rows), width), dtype=np.int64)
    for i, row in enumerate(rows):
        if len(row):
            matrix[i, width - len(row) :] = row
    return matrix
