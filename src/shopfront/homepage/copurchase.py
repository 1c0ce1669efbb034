"""Frequently bought together: items purchased by the same shoppers close in time.

Two items are co-purchased when one shopper bought both within ``window``
consecutive purchases. Counts are normalised by each item's number of
co-purchases (cosine) and pruned to the ``neighbours`` strongest per item, as in
item-based collaborative filtering (Sarwar et al., WWW 2001), but on purchases
only: "bought together" says more than "looked at together".

Example:
    >>> import numpy as np
    >>> from shopfront.prep.builder import snapshot_from_sequences
    >>> from shopfront.store.records import Item
    >>> snapshot = snapshot_from_sequences(
    ...     ["u1", "u2"], [["a", "b"], ["a", "b", "c"]], [Item(i) for i in "abc"])
    >>> together = CoPurchases.from_snapshot(snapshot)
    >>> together.neighbours(0)[0].tolist()
    [1]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from shopfront.prep.snapshot import Snapshot
from shopfront.store.records import InteractionType


@dataclass(frozen=True)
class CoPurchases:
    """Pruned item-to-item co-purchase similarities.

    Attributes:
        similarity: CSR float32 (n_items, n_items); each row holds the strongest
            co-purchased items, by descending similarity.
    """

    similarity: sp.csr_matrix

    @classmethod
    def from_snapshot(
        cls, snapshot: Snapshot, *, window: int = 3, neighbours: int = 50
    ) -> CoPurchases:
        """Count co-purchases in ``snapshot`` and keep the strongest ``neighbours`` per item."""
        bought = snapshot.seq_types == int(InteractionType.PURCHASE)
        users = np.repeat(np.arange(snapshot.n_users), np.diff(snapshot.seq_offsets))[bought]
        items = snapshot.seq_items[bought]
        n = snapshot.n_items

        rows, cols = [], []
        for gap in range(1, window + 1):
            same = users[:-gap] == users[gap:]
            first, second = items[:-gap][same], items[gap:][same]
            distinct = first != second
            rows += [first[distinct], second[distinct]]
            cols += [second[distinct], first[distinct]]
        row = np.concatenate(rows) if rows else np.zeros(0, np.int64)
        col = np.concatenate(cols) if cols else np.zeros(0, np.int64)
        counts = sp.csr_matrix((np.ones(len(row), np.float32), (row, col)), shape=(n, n))
        counts.sum_duplicates()

        totals = np.asarray(counts.sum(axis=1)).ravel() + 1.0
        norm = sp.diags((1.0 / np.sqrt(totals)).astype(np.float32))
        return cls(_prune_sorted((norm @ counts @ norm).tocsr(), neighbours))

    def neighbours(self, item_index: int) -> tuple[np.ndarray, np.ndarray]:
        """int64 item indices and float32 similarities co-purchased with one item, best first."""
        start, stop = self.similarity.indptr[item_index], self.similarity.indptr[item_index + 1]
        return (
            self.similarity.indices[start:stop].astype(np.int64),
            self.similarity.data[start:stop],
        )


def _prune_sorted(matrix: sp.csr_matrix, n: int) -> sp.csr_matrix:
    """Keep the ``n`` largest entries of each row, stored in descending order."""
    coo = matrix.tocoo()
    order = np.lexsort((-coo.data, coo.row))
    rows, cols, data = coo.row[order], coo.col[order], coo.data[order]
    starts = np.searchsorted(rows, rows, side="left")
    keep = np.arange(len(rows)) - starts < n
    indptr = np.searchsorted(rows[keep], np.arange(matrix.shape[0] + 1))
    return sp.csr_matrix((data[keep].astype(np.float32), cols[keep], indptr), shape=matrix.shape)
