"""The history cache, in memory and in Redis (the Redis server on 127.0.0.1:6379)."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator

import pytest

from shopfront.store.cache import HistoryCache, MemoryHistoryCache, RedisHistoryCache
from shopfront.store.records import Interaction, InteractionType

REDIS_URL = os.environ.get("SHOPFRONT_TEST_REDIS", "redis://127.0.0.1:6379/0")


def redis_cache(ttl_s: float = 60.0) -> RedisHistoryCache:
    """A cache on the Redis server; skips without one, except under CI=true."""
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as error:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip(f"no Redis server reachable: {error}")
    return RedisHistoryCache(REDIS_URL, ttl_s=ttl_s)


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
def cache(request: pytest.FixtureRequest) -> Iterator[HistoryCache]:
    yield MemoryHistoryCache() if request.param == "memory" else redis_cache()


def events(user_id: str) -> list[Interaction]:
    return [
        Interaction("e1", user_id, "sku-1", InteractionType.VIEW, 1.7e9),
        Interaction("e2", user_id, "sku-2", InteractionType.PURCHASE, 1.7e9 + 5),
    ]


def test_a_kept_history_comes_back_as_it_was(cache: HistoryCache) -> None:
    user_id = f"u-{uuid.uuid4().hex}"
    assert cache.get(user_id) is None
    cache.put(user_id, events(user_id))
    assert cache.get(user_id) == events(user_id)


def test_a_deleted_shopper_is_forgotten(cache: HistoryCache) -> None:
    user_id = f"u-{uuid.uuid4().hex}"
    cache.put(user_id, events(user_id))
    cache.forget_user(user_id)
    assert cache.get(user_id) is None


def test_entries_expire() -> None:
    cache = MemoryHistoryCache(ttl_s=0.05)
    cache.put("u", events("u"))
    time.sleep(0.1)
    assert cache.get("u") is None


def test_the_memory_cache_keeps_the_most_recent_shoppers() -> None:
    cache = MemoryHistoryCache(max_users=2)
    for user_id in ("a", "b", "c"):
        cache.put(user_id, events(user_id))
    assert cache.get("a") is None and cache.get("c") is not None


@pytest.mark.redis
def test_an_unreachable_redis_never_fails_a_page() -> None:
    cache = RedisHistoryCache("redis://127.0.0.1:1/0")
    cache.put("u", events("u"))
    assert cache.get("u") is None
