"""The frozen training snapshot every model and profile is built from.

A snapshot holds, for one moment in time:

- the ID vocabularies of users and items (external ids kept apart from indices);
- ``matrix``: a sparse user×item CSR matrix of weighted, time-decayed interaction
  strength (never a dense one);
- the time-ordered history of each user as flat arrays with offsets (``seq_*``);
- item features: title, category path, brand, price, stock, creation time, and
  attribute tokens.

Snapshots are immutable once built; ``save``/``load`` round-trip them through a
folder of ``.npz`` and JSON files.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from shopfront.prep.vocabulary import IdVocabulary


@dataclass(frozen=True, slots=True)
class History:
    """One user's time-ordered interactions, as item indices of a snapshot.

    ``user_index`` is the user's row in the snapshot matrix, or ``None`` for a
    shopper the snapshot has not seen (a new shopper, or events after it froze).
    Arrays are aligned and oldest first.
    """

    item_indices: np.ndarray
    types: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int8))
    timestamps: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float64))
    user_index: int | None = None

    def __post_init__(self) -> None:
        n = len(self.item_indices)
        if len(self.types) != n:
            object.__setattr__(self, "types", np.full(n, 2, dtype=np.int8))
        if len(self.timestamps) != n:
            object.__setattr__(self, "timestamps", np.arange(n, dtype=np.float64))

    def __len__(self) -> int:
        return len(self.item_indices)

    @classmethod
    def empty(cls) -> History:
        """The history of a shopper with no events."""
        return cls(np.zeros(0, dtype=np.int64))

    def seen(self) -> np.ndarray:
        """Unique item indices this user interacted with."""
        return np.unique(self.item_indices)

    def last(self, n: int) -> History:
        """The ``n`` most recent interactions."""
        return History(
            self.item_indices[-n:], self.types[-n:], self.timestamps[-n:], self.user_index
        )


@dataclass(frozen=True)
class Snapshot:
    """A frozen, indexed view of the interactions and catalog at one moment.

    Attributes:
        users: Vocabulary of user ids (rows of ``matrix``).
        items: Vocabulary of item ids (columns of ``matrix``).
        matrix: CSR float32 (n_users, n_items), weighted and decayed strength.
        seq_offsets: int64 (n_users + 1,); user u's history is ``[offsets[u], offsets[u+1])``.
        seq_items: int64 item indices of all histories, oldest first per user.
        seq_types: int8 interaction types (see ``InteractionType``).
        seq_times: float64 Unix timestamps in seconds.
        item_titles, item_categories, item_brands: per item, strings.
        item_prices: float32 per item, NaN where unknown.
        item_created_at: float64 per item, NaN where unknown.
        item_in_stock: bool per item.
        item_attributes: per item, a list of attribute tokens (e.g. ``"brand:acme"``).
        reference_time: the time the snapshot describes (latest event).
    """

    users: IdVocabulary
    items: IdVocabulary
    matrix: sp.csr_matrix
    seq_offsets: np.ndarray
    seq_items: np.ndarray
    seq_types: np.ndarray
    seq_times: np.ndarray
    item_titles: list[str]
    item_categories: list[str]
    item_brands: list[str]
    item_prices: np.ndarray
    item_created_at: np.ndarray
    item_in_stock: np.ndarray
    item_attributes: list[list[str]]
    reference_time: float

    @property
    def n_users(self) -> int:
        return len(self.users)

    @property
    def n_items(self) -> int:
        return len(self.items)

    def history(self, user_index: int) -> History:
        """The time-ordered history of one user of the snapshot."""
        start, stop = self.seq_offsets[user_index], self.seq_offsets[user_index + 1]
        return History(
            self.seq_items[start:stop],
            self.seq_types[start:stop],
            self.seq_times[start:stop],
            user_index,
        )

    def histories(self) -> list[History]:
        """The histories of all users, in user index order."""
        return [self.history(u) for u in range(self.n_users)]

    def item_counts(self) -> np.ndarray:
        """Number of interactions per item (int64, length ``n_items``)."""
        return np.bincount(self.seq_items, minlength=self.n_items).astype(np.int64)

    def save(self, folder: Path) -> None:
        """Write the snapshot into ``folder`` (created if needed)."""
        folder.mkdir(parents=True, exist_ok=True)
        sp.save_npz(folder / "matrix.npz", self.matrix)
        np.savez(
            folder / "arrays.npz",
            seq_offsets=self.seq_offsets,
            seq_items=self.seq_items,
            seq_types=self.seq_types,
            seq_times=self.seq_times,
            item_prices=self.item_prices,
            item_created_at=self.item_created_at,
            item_in_stock=self.item_in_stock,
        )
        meta = {
            "users": [str(u) for u in self.users.ids],
            "items": [str(i) for i in self.items.ids],
            "item_titles": self.item_titles,
            "item_categories": self.item_categories,
            "item_brands": self.item_brands,
            "item_attributes": self.item_attributes,
            "reference_time": self.reference_time,
        }
        (folder / "meta.json").write_text(json.dumps(meta))

    @classmethod
    def load(cls, folder: Path) -> Snapshot:
        """Read a snapshot written by :meth:`save`."""
        meta = json.loads((folder / "meta.json").read_text())
        arrays = np.load(folder / "arrays.npz")
        return cls(
            users=IdVocabulary(meta["users"]),
            items=IdVocabulary(meta["items"]),
            matrix=sp.load_npz(folder / "matrix.npz").tocsr(),
            seq_offsets=arrays["seq_offsets"],
            seq_items=arrays["seq_items"],
            seq_types=arrays["seq_types"],
            seq_times=arrays["seq_times"],
            item_titles=meta["item_titles"],
            item_categories=meta["item_categories"],
            item_brands=meta["item_brands"],
            item_prices=arrays["item_prices"],
            item_created_at=arrays["item_created_at"],
            item_in_stock=arrays["item_in_stock"],
            item_attributes=meta["item_attributes"],
            reference_time=float(meta["reference_time"]),
        )
