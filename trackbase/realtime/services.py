"""Emit Socket.IO events from anywhere: views, services, task workers. Call these after commit.

With REDIS_URL, an emit is published to Redis and every Socket.IO process delivers it to its own
clients. Without it (the embedded single process), it is handed to this process's server loop.
"""

import asyncio
import functools
import logging

import socketio
from django.conf import settings

from trackbase.realtime.presence import presence_key
from trackbase.realtime.rooms import user_room

logger = logging.getLogger(__name__)


@functools.cache
def _publisher() -> socketio.RedisManager:
    return socketio.RedisManager(settings.REDIS_URL, write_only=True)


@functools.cache
def _redis():
    import redis

    return redis.Redis.from_url(settings.REDIS_URL)


def emit_to_room(room: str, event: str, data) -> None:
    """Send `event` to every client in `room`, on whichever Socket.IO process holds them."""
    if settings.REDIS_URL:
        _publisher().emit(event, data, room=room, namespace="/")
        return
    from trackbase.realtime.server import event_loop, sio

    loop = event_loop()
    if loop is None:
        # No Socket.IO server has run in this process, so no client can be listening here.
        logger.debug("realtime emit dropped: no server in this process", extra={"room": room, "event": event})
        return
    coroutine = sio.emit(event, data, room=room)
    try:
        on_loop = asyncio.get_running_loop() is loop
    except RuntimeError:
        on_loop = False
    if on_loop:
        loop.create_task(coroutine)
    else:
        asyncio.run_coroutine_threadsafe(coroutine, loop)


def emit_to_user(user_id: int, event: str, data) -> None:
    """Send `event` to every open connection (tab, device) of one user."""
    emit_to_room(user_room(user_id), event, data)


def is_online(user_id: int) -> bool:
    """Whether the user has at least one open connection on any Socket.IO process."""
    if settings.REDIS_URL:
        return bool(_redis().zcard(presence_key(user_id)))
    from trackbase.realtime.server import presence

    return presence.is_online(user_id)
