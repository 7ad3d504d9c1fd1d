"""The Socket.IO server (protocol v5): JWT handshake, a private room per user, entitled rooms only,
presence, heartbeats. Seed 002's events: join-group, leave-group, user-typing, heartbeat in;
notification, user-online, user-offline (and the domain events) out."""

import asyncio
import logging

import socketio
from asgiref.sync import sync_to_async
from django.conf import settings
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
_state: dict[str, object] = {}


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


def _user_for_token(raw: str):
    authentication = JWTAuthentication()
    return authentication.get_user(authentication.get_validated_token(raw.encode()))


@sio.event
async def connect(sid, environ, auth):
    _state.setdefault("loop", asyncio.get_running_loop())
    token = auth.get("token") if isinstance(auth, dict) else None
    if not token or not isinstance(token, str):
        raise Refused("NOT_AUTHENTICATED", "Send the access token in the handshake: auth: {token}.")
    try:
        user = await sync_to_async(_user_for_token)(token)
    except (InvalidToken, AuthenticationFailed):
        raise Refused("TOKEN_INVALID", "The access token is invalid, expired or revoked.") from None
    await sio.save_session(sid, {"user_id": user.pk})
    await sio.enter_room(sid, rooms.user_room(user.pk))
    local_connections[sid] = user.pk
    _start_housekeeping()
    if await presence.connect(user.pk, sid):
        await _announce(user.pk, "user-online")


@sio.event
async def disconnect(sid, reason=None):
    user_id = local_connections.pop(sid, None)
    if user_id is not None and await presence.disconnect(user_id, sid):
        await _announce(user_id, "user-offline")


# Clients send what they like. Every handler takes a missing argument (None) and ignores extra ones, so a
# malformed event still gets its ack instead of a TypeError: no ack (the client waits out its timeout) and an
# error logged per event.
@sio.event
async def join(sid, room=None, *_):
    """Join a room by name (`group:<id>`, `user:<own id>`); -> {ok} or {ok: false, error}."""
    return await _join(sid, room)


@sio.on("join-group")
async def join_group(sid, group_id=None, *_):
    return await _join(sid, f"group:{group_id}")


@sio.event
async def leave(sid, room=None, *_):
    await sio.leave_room(sid, str(room))
    return {"ok": True}


@sio.on("leave-group")
async def leave_group(sid, group_id=None, *_):
    await sio.leave_room(sid, f"group:{group_id}")
    return {"ok": True}


@sio.on("user-typing")
async def user_typing(sid, group_id=None, is_typing=False, *_):
    room = f"group:{group_id}"
    if room not in sio.rooms(sid):
        return {"ok": False, "error": {"code": "NOT_IN_ROOM", "message": "Join the group first."}}
    user_id = local_connections[sid]
    await sio.emit(
        "user-typing", {"userId": user_id, "groupId": group_id, "isTyping": bool(is_typing)}, room=room, skip_sid=sid
    )
    return {"ok": True}


@sio.event
async def heartbeat(sid, *args):
    await presence.refresh({sid: local_connections[sid]})
    return {"ok": True}


async def _join(sid, room) -> dict:
    room = str(room)
    user_id = local_connections[sid]
    if not await sync_to_async(rooms.can_join)(user_id, room):
        return {"ok": False, "error": {"code": "ROOM_FORBIDDEN", "message": f"You may not join {room}."}}
    await sio.enter_room(sid, room)
    return {"ok": True, "room": room}


async def _announce(user_id: int, event: str) -> None:
    for room in await sync_to_async(rooms.presence_rooms)(user_id):
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
