"""The hot cache of shoppers' recent histories: in memory, or in Redis.

Every homepage reads the shopper's latest events from the store. The service
keeps a copy of what it read here, so that when the database cannot be reached
a returning shopper still gets a page built from their own recent history
(marked degraded) instead of the page for strangers. With several API replicas,
Redis shares the copy between them.

Entries expire after ``ttl_s``; deleting a shopper forgets their entry.
"""

from __future__ import annotations

import json
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any, Protocol

from shopfront.store.records import Interaction, InteractionType

KEY_PREFIX = "shopfront:history:"


class HistoryCache(Protocol):
    """Where recent histories are kept outside the database."""

    def put(self, user_id: str, interactions: Sequence[Interaction]) -> None:
        """Remember the shopper's latest events (replacing what was kept)."""

    def get(self, user_id: str) -> list[Interaction] | None:
        """The kept events, or ``None`` when nothing (fresh) is kept."""

    def forget_user(self, user_id: str) -> None:
        """Drop the shopper's entry (deletion)."""


def _encode(interactions: Sequence[Interaction]) -> str:
    rows = [[i.event_id, i.item_id, int(i.type), i.timestamp] for i in interactions]
    return json.dumps(rows, separators=(",", ":"))


def _decode(user_id: str, text: str | bytes) -> list[Interaction]:
    rows: list[list[Any]] = json.loads(text)
    return [
        Interaction(event_id, user_id, item_id, InteractionType(kind), timestamp)
        for event_id, item_id, kind, timestamp in rows
    ]


class MemoryHistoryCache:
    """A bounded, least-recently-used cache inside the process.

    Args:
        max_users: Shoppers kept at most.
        ttl_s: Seconds an entry stays fresh.
    """

    def __init__(self, *, max_users: int = 100_000, ttl_s: float = 86_400.0) -> None:
        self.max_users = max_users
        self.ttl_s = ttl_s
        self._entries: OrderedDict[str, tuple[float, str]] = OrderedDict()
        self._lock = threading.Lock()

    def put(self, user_id: str, interactions: Sequence[Interaction]) -> None:
        with self._lock:
            self._entries[user_id] = (time.monotonic() + self.ttl_s, _encode(interactions))
            self._entries.move_to_end(user_id)
            while len(self._entries) > self.max_users:
                self._entries.popitem(last=False)

    def get(self, user_id: str) -> list[Interaction] | None:
        with self._lock:
            entry = self._entries.get(user_id)
        if entry is None or entry[0] < time.monotonic():
            return None
        return _decode(user_id, entry[1])

    def forget_user(self, user_id: str) -> None:
        with self._lock:
            self._entries.pop(user_id, None)


class RedisHistoryCache:
    """The cache in Redis, shared by every replica of the service.

    Args:
        url: Redis URL, e.g. ``redis://127.0.0.1:6379/0``.
        ttl_s: Seconds an entry stays (Redis expires it).
    """

    def __init__(self, url: str, *, ttl_s: float = 86_400.0) -> None:
        import redis

        self.ttl_s = ttl_s
        self._client = redis.Redis.from_url(url, socket_timeout=0.2, socket_connect_timeout=0.2)

    def put(self, user_id: str, interactions: Sequence[Interaction]) -> None:
        import redis

        # A cache that cannot be reached must never fail the page it was meant to protect.
        try:
            self._client.set(KEY_PREFIX + user_id, _encode(interactions), ex=int(self.ttl_s))
        except redis.RedisError:
            return

    def get(self, user_id: str) -> list[Interaction] | None:
        import redis

        try:
            text = self._client.get(KEY_PREFIX + user_id)
        except redis.RedisError:
            return None
        return None if text is None else _decode(user_id, text)

    def forget_user(self, user_id: str) -> None:
        self._client.delete(KEY_PREFIX + user_id)


def history_cache_from_url(redis_url: str | None) -> HistoryCache:
    """Redis when a URL is configured, the in-process cache otherwise."""
    return RedisHistoryCache(redis_url) if redis_url else MemoryHistoryCache()
