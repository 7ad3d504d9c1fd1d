"""Online/offline per user, counting every open connection (tabs, devices) across every process.

In memory for the single embedded process; in Redis when several Socket.IO processes share the load.
A user is online while at least one connection is; connect/disconnect report the transitions.
"""

import time
from collections import defaultdict

# A connection whose process stopped refreshing it for this long is gone (the process died).
STALE_AFTER_SECONDS = 90
REFRESH_EVERY_SECONDS = 30
USERS_KEY = "presence:users"
PRESENCE_REDIS_CONNECTIONS = 20
PRESENCE_POOL_WAIT_SECONDS = 10


def presence_key(user_id: int) -> str:
    return f"presence:user:{user_id}"


class MemoryPresence:
    def __init__(self):
        self._sids: dict[int, set[str]] = defaultdict(set)

    async def connect(self, user_id: int, sid: str) -> bool:
        """Record a connection; True when the user just came online."""
        self._sids[user_id].add(sid)
        return len(self._sids[user_id]) == 1

    async def disconnect(self, user_id: int, sid: str) -> bool:
        """Forget a connection; True when it was the user's last one."""
        sids = self._sids.get(user_id, set())
        if sid not in sids:
            return False
        sids.discard(sid)
        if sids:
            return False
        del self._sids[user_id]
        return True

    async def refresh(self, connections: dict[str, int]) -> None:
        """Nothing to refresh: a process's own memory cannot outlive it."""

    async def sweep(self) -> list[int]:
        return []

    def is_online(self, user_id: int) -> bool:
        return bool(self._sids.get(user_id))

    def sids(self, user_id: int) -> list[str]:
        return list(self._sids.get(user_id, ()))


class RedisPresence:
    """One sorted set per user (connection -> last refresh) and a set of users with any entry.

    Each step runs in a MULTI transaction, so two processes racing on one user's first or last
    connection still report exactly one online and one offline."""

    def __init__(self, url: str):
        import redis.asyncio
        from redis.asyncio.connection import parse_url

        # A bounded pool that waits for a free connection: a burst of a thousand handshakes must not
        # open a thousand Redis sockets (measured: the process ran out of file descriptors). The URL's own
        # `max_connections` (or `timeout`) would win over keyword arguments in from_url(), so they are dropped.
        options = {key: value for key, value in parse_url(url).items() if key not in ("max_connections", "timeout")}
        pool = redis.asyncio.BlockingConnectionPool(
            max_connections=PRESENCE_REDIS_CONNECTIONS, timeout=PRESENCE_POOL_WAIT_SECONDS, **options
        )
        self._redis = redis.asyncio.Redis(connection_pool=pool)

    async def connect(self, user_id: int, sid: str) -> bool:
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.zadd(presence_key(user_id), {sid: time.time()})
            pipe.sadd(USERS_KEY, user_id)
            pipe.zcard(presence_key(user_id))
            added, _, count = await pipe.execute()
        return bool(added) and count == 1

    async def disconnect(self, user_id: int, sid: str) -> bool:
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.zrem(presence_key(user_id), sid)
            pipe.zcard(presence_key(user_id))
            removed, count = await pipe.execute()
        return bool(removed) and count == 0

    async def refresh(self, connections: dict[str, int]) -> None:
        """Mark this process's live connections as still alive."""
        now = time.time()
        async with self._redis.pipeline(transaction=False) as pipe:
            for sid, user_id in connections.items():
                pipe.zadd(presence_key(user_id), {sid: now}, xx=True)
            await pipe.execute()

    async def sweep(self) -> list[int]:
        """Drop connections no process has refreshed lately; -> users that went offline by it."""
        cutoff = time.time() - STALE_AFTER_SECONDS
        offline = []
        for raw in await self._redis.smembers(USERS_KEY):
            user_id = int(raw)
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.zremrangebyscore(presence_key(user_id), 0, cutoff)
                pipe.zcard(presence_key(user_id))
                removed, count = await pipe.execute()
            if count == 0:
                await self._redis.srem(USERS_KEY, user_id)
                if removed:
                    offline.append(user_id)
        return offline
