"""Live stock: which of a bundle's items are out of stock now, read from the store.

The snapshot's stock is as old as the bundle, but an item that sells out must
leave the next page, not the next bundle. Reading the catalog for every page
would add a query to every request, so :class:`LiveStock` keeps the ids of the
out-of-stock items (usually few) for ``ttl_s`` seconds, and reads them again as
soon as the store has written the catalog (an items upsert through this
process's API; other processes' writes show within ``ttl_s``). When the store
cannot be reached, the last read stands, and before any read the snapshot's
stock does: a page is served either way.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable

import numpy as np

from shopfront.errors import StoreUnavailableError
from shopfront.prep.vocabulary import IdVocabulary
from shopfront.store.store import Store

logger = logging.getLogger(__name__)


class LiveStock:
    """The store's out-of-stock items, as masks over bundles' item vocabularies.

    Args:
        store: The shop's store.
        ttl_s: Seconds a read serves before the store is asked again.
        clock: Monotonic seconds.
    """

    def __init__(
        self, store: Store, *, ttl_s: float = 5.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.store = store
        self.ttl_s = ttl_s
        self.clock = clock
        self._lock = threading.Lock()
        self._out_of_stock: frozenset[str] | None = None
        self._writes_read = -1
        self._expires = -math.inf
        self._masks: dict[int, tuple[IdVocabulary, np.ndarray]] = {}

    def in_stock(self, items: IdVocabulary) -> np.ndarray | None:
        """bool (n_items,) read-only: whether each of ``items`` is in stock now.

        ``None`` while the store has never answered: the snapshot's stock applies.
        """
        with self._lock:
            if self.store.catalog_writes != self._writes_read or self.clock() >= self._expires:
                self._read()
            out_of_stock = self._out_of_stock
            if out_of_stock is None:
                return None
            return self._mask(items, out_of_stock)

    def _read(self) -> None:
        """Read the out-of-stock ids; keep the last read when the store is unreachable."""
        # Noted before the query, so that a write during it makes the next call read again.
        self._writes_read = self.store.catalog_writes
        self._expires = self.clock() + self.ttl_s
        try:
            out_of_stock = frozenset(self.store.out_of_stock_item_ids())
        except StoreUnavailableError:
            logger.warning("store unreachable; keeping the stock read last")
            return
        self._out_of_stock = out_of_stock
        self._masks.clear()

    def _mask(self, items: IdVocabulary, out_of_stock: frozenset[str]) -> np.ndarray:
        """The read as a mask over ``items``, built once per read and vocabulary."""
        cached = self._masks.get(id(items))
        if cached is not None and cached[0] is items:
            return cached[1]
        sold_out = items.indices(sorted(out_of_stock))
        mask = np.ones(len(items), dtype=bool)
        mask[sold_out[sold_out >= 0]] = False
        mask.flags.writeable = False
        self._masks[id(items)] = (items, mask)
        return mask
