"""Deletion of one shopper everywhere: events, impressions, profile, caches, next model.

What a shopper leaves behind, and how each is erased:

- events and impressions: deleted from the store in one transaction, and a
  tombstone (the id and the time of deletion, nothing else) is kept;
- the profile: built at request time from the stored events, so it is gone
  with them;
- cached pages and profiles, buffered impressions: every holder that
  implements :class:`UserDataCache` is told to forget the shopper, before and
  after the store is cleared;
- the next model: training reads the store, which no longer holds the
  shopper's events, so the next bundle does not know them. The live bundle
  keeps its frozen row until then, but a deleted shopper has no stored history
  at request time and so is served the page for new shoppers.

Events that arrive for the same id after the deletion are new data and are
stored as usual.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from shopfront.store.store import Store

logger = logging.getLogger(__name__)


@runtime_checkable
class UserDataCache(Protocol):
    """Anything that holds data of a shopper outside the store (pages, profiles)."""

    def forget_user(self, user_id: str) -> None:
        """Drop everything held about ``user_id`` (the stored id, pseudonym when on)."""


@dataclass(frozen=True, slots=True)
class ErasureReport:
    """What the deletion of one shopper removed.

    Attributes:
        user_id: The stored id (the pseudonym when pseudonymization is on).
        events: Events deleted from the store.
        caches: Class names of the caches told to forget the shopper.
    """

    user_id: str
    events: int
    caches: list[str] = field(default_factory=list)


def erase_user(store: Store, user_id: str, *, caches: Iterable[object] = ()) -> ErasureReport:
    """Delete a shopper from the store and from every cache that holds them.

    Args:
        store: The shop's store.
        user_id: The stored id of the shopper.
        caches: Candidate caches; those implementing :class:`UserDataCache` forget the
            shopper, the others are skipped (so callers may pass every service they hold).

    Example:
        >>> store = Store("sqlite://")
        >>> erase_user(store, "nobody").events
        0
    """
    holders = [cache for cache in caches if isinstance(cache, UserDataCache)]

    # Forget before the delete, so a write buffer cannot flush the shopper back into the
    # store, and after it, so a cache refilled in between is emptied again.
    for cache in holders:
        cache.forget_user(user_id)
    events = store.delete_user(user_id)
    for cache in holders:
        cache.forget_user(user_id)
    logger.info("erased user events=%d caches=%d", events, len(holders))
    return ErasureReport(
        user_id=user_id, events=events, caches=[type(cache).__name__ for cache in holders]
    )
