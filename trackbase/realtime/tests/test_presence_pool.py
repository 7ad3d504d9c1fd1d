"""The presence store's Redis pool stays bounded whatever REDIS_URL says (no server needed: pools connect lazily)."""

import pytest
from redis.asyncio.connection import SSLConnection

from trackbase.realtime.presence import PRESENCE_POOL_WAIT_SECONDS, PRESENCE_REDIS_CONNECTIONS, RedisPresence


@pytest.mark.parametrize("query", ["", "?max_connections=1000", "?max_connections=1000&timeout=0"])
def test_redis_url_options_do_not_override_the_pool_bound(query):
    pool = RedisPresence(f"redis://127.0.0.1:6379/7{query}")._redis.connection_pool
    assert pool.max_connections == PRESENCE_REDIS_CONNECTIONS
    assert pool.timeout == PRESENCE_POOL_WAIT_SECONDS
    assert pool.connection_kwargs["db"] == 7


def test_the_rest_of_the_url_still_applies():
    pool = RedisPresence("rediss://:secret@cache.internal:6380/3?socket_timeout=2&max_connections=500")._redis
    kwargs = pool.connection_pool.connection_kwargs
    assert (kwargs["host"], kwargs["port"], kwargs["db"], kwargs["password"]) == ("cache.internal", 6380, 3, "secret")
    assert kwargs["socket_timeout"] == 2
    assert pool.connection_pool.connection_class is SSLConnection
    assert pool.connection_pool.max_connections == PRESENCE_REDIS_CONNECTIONS
