"""The Socket.IO server (protocol v5): JWT handshake, a private room per user, entitled rooms only,
presence, heartbeats. Seed 002's events: join-group, leave-group, user-typing, heartbeat in;
notification, user-online, user-offline (and the domain events) out.

Handlers never raise. python-socketio answers an exception in `connect` with nothing at all (the client
waits out its timeout) and one in `disconnect` skips its own cleanup (the sid stays in `user:<id>`), so a
failure refuses the handshake with a coded CONNECT_ERROR, and an event handler's failure is an ack
`{ok: false, error: {code, message}}`. Presence is best effort: a Redis hiccup logs, it refuses nobody.

A connection lives as long as its access token: it ends at the token's expiry (and an event that arrives
after it is refused), as it ends when the user's sessions are revoked.
"""

import asyncio
import functools
import logging
import time

import socketio
from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import DatabaseError, close_old_connections
from rest_framework.exceptions import AuthenticationFailed
from rest_framework_simplejwt.exceptions import InvalidToken

from trackbase.accounts.authentication import JWTAuthentication
from trackbase.realtime import rooms
from trackbase.realtime.presence import REFRESH_EVERY_SECONDS, MemoryPresence, RedisPresence
from trackbase.realtime.services import redis_channel

logger = logging.getLogger(__name__)


def _client_manager():
    # With Redis, events published by any process (WSGI workers, task workers, other Socket.IO
    # processes) reach the clients connected here.
    if not settings.REDIS_URL:
        return None
    return socketio.AsyncRedisManager(settings.REDIS_URL, channel=redis_channel(settings.REDIS_URL))


sio = socketio.AsyncServer(
    async_mode="asgi",
    client_manager=_client_manager(),
    cors_allowed_origins=settings.CORS_ALLOWED_ORIGINS or [],
    logger=False,
    engineio_logger=False,
)
presence = RedisPresence(settings.REDIS_URL) if settings.REDIS_URL else MemoryPresence()
# This process's connections: sid -> user id. Presence refreshes them; emits never need it.
local_connections: dict[str, int] = {}
# sid -> when its access token expires (epoch seconds), and the timer that ends the connection then.
_expires_at: dict[str, float] = {}
_expiry_timers: dict[str, asyncio.TimerHandle] = {}
_state: dict[str, object] = {}
TOKEN_EXPIRED_MESSAGE = "The access token expired; reconnect with a fresh one."


class Refused(socketio.exceptions.ConnectionRefusedError):
    """A refused handshake whose connect_error carries `{code, message}`.

    python-socketio would send a single argument as `{"message": str(argument)}` (a Python repr), so the
    packet is built here: `code` and `message` at the top for clients that read the raw data (python-socketio),
    and the pair again as `data`, the only field socket.io-client copies besides `message` (`err.data.code`).
    """

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.error_args = {"message": message, "code": code, "data": {"code": code, "message": message}}


def event_loop() -> asyncio.AbstractEventLoop | None:
    """The loop this process's Socket.IO server runs on, once it has served anything."""
    return _state.get("loop")


def _failure(code: str, message: str) -> dict:
    return {"ok": False, "error": {"code": code, "message": message}}


def _db(func):
    """Run database work as Django runs a request: connections the database closed (a restart, an idle
    timeout) or past CONN_MAX_AGE are dropped before and after. The Socket.IO-only process serves no Django
    request, so without this it would keep a dead connection (and fail every handshake) until restarted."""

    @functools.wraps(func)
    def run(*args, **kwargs):
        close_old_connections()
        try:
            return func(*args, **kwargs)
        finally:
            close_old_connections()

    return sync_to_async(run)


def _user_for_token(raw: str) -> tuple[int, float]:
    """The token's user id and expiry; raises InvalidToken/AuthenticationFailed when it does not pass."""
    authentication = JWTAuthentication()
    token = authentication.get_validated_token(raw.encode())
    return authentication.get_user(token).pk, float(token["exp"])


async def _authenticate(auth) -> tuple[int, float]:
    token = auth.get("token") if isinstance(auth, dict) else None
    if not token or not isinstance(token, str):
        raise Refused("NOT_AUTHENTICATED", "Send the access token in the handshake: auth: {token}.")
    try:
        return await _db(_user_for_token)(token)
    except (InvalidToken, AuthenticationFailed):
        raise Refused("TOKEN_INVALID", "The access token is invalid, expired or revoked.") from None
    except DatabaseError:
        logger.exception("socket.io handshake: the database is unavailable")
        raise Refused("SERVICE_UNAVAILABLE", "The server cannot check tokens right now; try again.") from None


@sio.event
async def connect(sid, environ, auth):
    _state.setdefault("loop", asyncio.get_running_loop())
    user_id, expires_at = await _authenticate(auth)
    try:
        await sio.save_session(sid, {"user_id": user_id})
        await sio.enter_room(sid, rooms.user_room(user_id))
        local_connections[sid] = user_id
        _watch_expiry(sid, expires_at)
        _start_housekeeping()
    except Exception:
        # Refusing makes python-socketio drop the sid from every room it entered; ours is undone here.
        logger.exception("socket.io connect failed", extra={"user_id": user_id})
        _forget(sid)
        raise Refused("SERVER_ERROR", "The server could not open this connection; try again.") from None
    await _presence_connect(user_id, sid)


@sio.event
async def disconnect(sid, reason=None):
    user_id = _forget(sid)
    if user_id is None:
        return
    try:
        if await presence.disconnect(user_id, sid):
            await _announce(user_id, "user-offline")
    except Exception:  # python-socketio cleans the sid's rooms only after this handler returns
        logger.exception("presence: disconnect not recorded", extra={"user_id": user_id})


def _forget(sid: str) -> int | None:
    timer = _expiry_timers.pop(sid, None)
    if timer is not None:
        timer.cancel()
    _expires_at.pop(sid, None)
    return local_connections.pop(sid, None)


async def _presence_connect(user_id: int, sid: str) -> None:
    try:
        if await presence.connect(user_id, sid):
            await _announce(user_id, "user-online")
    except Exception:  # best effort: the connection works without it, the next refresh repairs the entry
        logger.exception("presence: connect not recorded", extra={"user_id": user_id})


def _watch_expiry(sid: str, expires_at: float) -> None:
    _expires_at[sid] = expires_at
    loop = asyncio.get_running_loop()
    delay = max(expires_at - time.time(), 0.0)
    _expiry_timers[sid] = loop.call_later(delay, lambda: loop.create_task(_end_expired(sid)))


async def _end_expired(sid: str) -> None:
    """The access token ran out: say so, then close the connection (the client reconnects with a fresh one)."""
    if sid not in local_connections:
        return  # gone already
    try:
        await sio.emit("session-expired", {"code": "TOKEN_EXPIRED", "message": TOKEN_EXPIRED_MESSAGE}, to=sid)
        await sio.disconnect(sid)
    except Exception:
        logger.exception("could not end an expired connection")


def handler(func):
    """An event handler that always answers: an ack `{ok: false, error: {code, message}}` on any failure, and
    TOKEN_EXPIRED (then the connection ends) when the access token expired before the event arrived."""

    @functools.wraps(func)
    async def wrapper(sid, *args):
        if sid not in local_connections:
            return _failure("NOT_CONNECTED", "This connection is closing.")
        if time.time() >= _expires_at.get(sid, float("inf")):
            sio.start_background_task(_end_expired, sid)
            return _failure("TOKEN_EXPIRED", TOKEN_EXPIRED_MESSAGE)
        try:
            return await func(sid, *args)
        except Exception:
            logger.exception("socket.io event failed", extra={"event": func.__name__})
            return _failure("SERVER_ERROR", "The server could not handle this event; try again.")

    return wrapper


# Clients send what they like. Every handler takes a missing argument (None) and ignores extra ones, so a
# malformed event still gets its ack instead of a TypeError: no ack (the client waits out its timeout) and an
# error logged per event.
@sio.event
@handler
async def join(sid, room=None, *_):
    """Join a room by name (`group:<id>`, `user:<own id>`); -> {ok} or {ok: false, error}."""
    return await _join(sid, room)


@sio.on("join-group")
@handler
async def join_group(sid, group_id=None, *_):
    return await _join(sid, f"group:{group_id}")


@sio.event
@handler
async def leave(sid, room=None, *_):
    await sio.leave_room(sid, str(room))
    return {"ok": True}


@sio.on("leave-group")
@handler
async def leave_group(sid, group_id=None, *_):
    await sio.leave_room(sid, f"group:{group_id}")
    return {"ok": True}


@sio.on("user-typing")
@handler
async def user_typing(sid, group_id=None, is_typing=False, *_):
    room = f"group:{group_id}"
    if room not in sio.rooms(sid):
        return _failure("NOT_IN_ROOM", "Join the group first.")
    user_id = local_connections[sid]
    await sio.emit(
        "user-typing", {"userId": user_id, "groupId": group_id, "isTyping": bool(is_typing)}, room=room, skip_sid=sid
    )
    return {"ok": True}


@sio.event
@handler
async def heartbeat(sid, *args):
    await presence.refresh({sid: local_connections[sid]})
    return {"ok": True}


async def _join(sid, room) -> dict:
    room = str(room)
    user_id = local_connections[sid]
    if not await _db(rooms.can_join)(user_id, room):
        return _failure("ROOM_FORBIDDEN", f"You may not join {room}.")
    await sio.enter_room(sid, room)
    return {"ok": True, "room": room}


async def _announce(user_id: int, event: str) -> None:
    for room in await _db(rooms.presence_rooms)(user_id):
        await sio.emit(event, user_id, room=room)


def _start_housekeeping() -> None:
    if not _state.get("housekeeping"):
        _state["housekeeping"] = sio.start_background_task(_housekeeping)


async def _housekeeping() -> None:
    """Keep this process's connections fresh in the shared presence store, and clear the
    connections of processes that died (their entries stop being refreshed)."""
    while True:
        await sio.sleep(REFRESH_EVERY_SECONDS)
        try:
            await presence.refresh(dict(local_connections))
            for user_id in await presence.sweep():
                await _announce(user_id, "user-offline")
        except Exception:  # a Redis hiccup must not end the loop; the next round retries
            logger.exception("presence housekeeping failed")
