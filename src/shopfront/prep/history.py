"""Stored events as a :class:`History` of a snapshot, at request time."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from shopfront.prep.snapshot import History, Snapshot
from shopfront.store.records import Interaction


def history_of(interactions: Sequence[Interaction], snapshot: Snapshot) -> History:
    """A shopper's stored events as item indices of ``snapshot``.

    Items the snapshot does not know (added since it froze) are skipped; the
    user index is ``None`` for a shopper the snapshot has not seen.
    """
    user_index = snapshot.users.get(interactions[0].user_id) if interactions else -1
    rows = [(snapshot.items.get(i.item_id), int(i.type), i.timestamp) for i in interactions]
    rows = [row for row in rows if row[0] >= 0]
    return History(
        np.array([r[0] for r in rows], dtype=np.int64),
        np.array([r[1] for r in rows], dtype=np.int8),
        np.array([r[2] for r in rows], dtype=np.float64),
        user_index if user_index >= 0 else None,
    )
