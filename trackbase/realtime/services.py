"""Emit Socket.IO events from anywhere: views, services, task workers. Call these after commit.

With REDIS_URL, an emit is published to Redis and every Socket.IO process delivers it to its own
clients. Without it (the embedded single process), it is handed to this process's server loop.
"""

import asyncio
import functools
import logging
from collections.abc import Iterable
from typing import Any

import socketio
from django.conf import settings
from socketio.packet import Packet

from trackbase.realtime.presence import presence_key
from trackbase.realtime.rooms import user_room

logger = logging.getLogger(__name__)


def redis_channel(url: str) -> str:
    """The pub/sub channel shared by the processes on `url`'s Redis database.

    Redis pub/sub ignores the database number: on python-socketio's one default channel, two deployments (or
    test runs) on one Redis server with databases of their own would deliver each other's events to whichever
    `user:<id>` matched. One channel per database separates them as their keys already are.
    """
    from redis.connection import parse_url

    return f"socketio:{parse_url(url).get('db', 0)}"


@functools.cache
def _publisher() -> socketio.RedisManager:
    return socketio.RedisManager(settings.REDIS_URL, channel=redis_channel(settings.REDIS_URL), write_only=True)


@functools.cache
def _redis():
    import redis

    return redis.Redis.from_url(settings.REDIS_URL)


def emit_to_room(room: str, event: str, data) -> None:
    """Send `event` to every client in `room`, on whichever Socket.IO process holds them."""
    if settings.REDIS_URL:
        _publisher().emit(event, data, room=room, namespace="/")
        return
    from trackbase.realtime.server import sio

    _run_on_server_loop(lambda: sio.emit(event, data, room=room), what=f"{event} to {room}")


def disconnect_user(user_id: int) -> None:
    """Close every open connection of a user, on any process: their sessions were revoked."""
    if settings.REDIS_URL:
        publisher = _publisher()
        for sid in _redis().zrange(presence_key(user_id), 0, -1):
            # The manager's own disconnect() needs a server; publishing its message is what it would do.
            message = {"method": "disconnect", "sid": sid.decode(), "namespace": "/", "host_id": publisher.host_id}
            publisher._publish(message)
        return
    from trackbase.realtime.server import presence, sio

    for sid in presence.sids(user_id):
        _run_on_server_loop(lambda sid=sid: sio.disconnect(sid), what=f"disconnect {sid}")


def remove_user_from_room(user_id: int, room: str) -> None:
    """Take every open connection of a user out of `room`, on any process (they lost the right to be in it)."""
    if settings.REDIS_URL:
        publisher = _publisher()
        for sid in _redis().zrange(presence_key(user_id), 0, -1):
            message = {"method": "leave_room", "sid": sid.decode(), "room": room, "namespace": "/"}
            publisher._publish({**message, "host_id": publisher.host_id})
        return
    from trackbase.realtime.server import presence, sio

    for sid in presence.sids(user_id):
        _run_on_server_loop(lambda sid=sid: sio.leave_room(sid, room), what=f"{sid} leaves {room}")


def close_room(room: str) -> None:
    """Empty `room` on every process (what it was about is gone)."""
    if settings.REDIS_URL:
        publisher = _publisher()
        publisher._publish({"method": "close_room", "room": room, "namespace": "/", "host_id": publisher.host_id})
        return
    from trackbase.realtime.server import sio

    _run_on_server_loop(lambda: sio.close_room(room), what=f"close {room}")


def _run_on_server_loop(make_coroutine, *, what: str) -> None:
    """Embedded mode: hand work to this process's Socket.IO loop, from its own thread or any other."""
    from trackbase.realtime.server import event_loop

    loop = event_loop()
    if loop is None:
        # No Socket.IO server has run in this process, so no client can be listening here.
        logger.debug("realtime: no server in this process", extra={"dropped": what})
        return
    try:
        on_loop = asyncio.get_running_loop() is loop
    except RuntimeError:
        on_loop = False
    if on_loop:
        loop.create_task(make_coroutine())
    else:
        asyncio.run_coroutine_threadsafe(make_coroutine(), loop)


def emit_to_user(user_id: int, event: str, data) -> None:
    """Send `event` to every open connection (tab, device) of one user."""
    emit_to_room(user_room(user_id), event, data)


def emit_to_users(emits: Iterable[tuple[int, str, Any]]) -> None:
    """Send one `(user_id, event, data)` each, in one go: with Redis, one pipeline of PUBLISHes (one round trip
    for N users, where python-socketio's manager makes one per emit); embedded, one hand-off to the loop."""
    emits = list(emits)
    if not emits:
        return
    if not settings.REDIS_URL:
        from trackbase.realtime.server import sio

        async def emit_all():
            for user_id, event, data in emits:
                await sio.emit(event, data, room=user_room(user_id))

        _run_on_server_loop(emit_all, what=f"{len(emits)} events to users")
        return
    publisher = _publisher()
    with _redis().pipeline(transaction=False) as pipe:
        for user_id, event, data in emits:
            message = _emit_message(publisher, event, data, room=user_room(user_id))
            if message is None:
                publisher.emit(event, data, room=user_room(user_id), namespace="/")
            else:
                pipe.publish(publisher.channel, publisher.json.dumps(message))
        pipe.execute()


def _emit_message(publisher: socketio.RedisManager, event: str, data, *, room: str) -> dict | None:
    """The message python-socketio's PubSubManager.emit publishes (every Socket.IO process's listener reads it);
    None for binary payloads, which the manager itself encodes."""
    data = list(data) if isinstance(data, tuple) else [data]
    if Packet.data_is_binary(data):
        return None
    return {
        "method": "emit",
        "event": event,
        "data": data,
        "binary": False,
        "namespace": "/",
        "room": room,
        "skip_sid": None,
        "callback": None,
        "host_id": publisher.host_id,
    }


def is_online(user_id: int) -> bool:
    """Whether the user has at least one open connection on any Socket.IO process."""
    if settings.REDIS_URL:
        return bool(_redis().zcard(presence_key(user_id)))
    from trackbase.realtime.server import presence

    return presence.is_online(user_id)
