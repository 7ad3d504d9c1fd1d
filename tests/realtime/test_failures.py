"""Socket.IO handlers never raise, and connections live no longer than their access token.

The Socket.IO-only application of production (`config.asgi:socketio_application`) runs under uvicorn in a thread
of this process, so a test can break one dependency (the presence store, the database, a room checker) and watch
what the real python-socketio client gets: a coded CONNECT_ERROR or ack, never silence, and no half-open session.
"""

import asyncio
import threading
import time
from datetime import timedelta

import pytest
import uvicorn
from asgiref.sync import sync_to_async
from django.db import OperationalError, connection, connections
from rest_framework_simplejwt.tokens import AccessToken

from tests.blackbox.server import free_port
from tests.realtime.clients import PythonClient, python_refusal
from trackbase.accounts.tests.factories import UserFactory
from trackbase.realtime import rooms
from trackbase.realtime import server as realtime

pytestmark = [pytest.mark.blackbox, pytest.mark.django_db(transaction=True)]
SETTLE_SECONDS = 3.0


class Broken(Exception):
    pass


def fail(*args, **kwargs):
    raise Broken("injected failure")


async def afail(*args, **kwargs):
    raise Broken("injected failure")


@pytest.fixture(scope="module")
def url():
    from config.asgi import socketio_application

    port = free_port()
    config = uvicorn.Config(socketio_application, host="127.0.0.1", port=port, lifespan="off", log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    # The server's database thread keeps its connection (CONN_MAX_AGE): close it, or the test database cannot go.
    loop = realtime.event_loop()
    if loop is not None:
        asyncio.run_coroutine_threadsafe(sync_to_async(connections.close_all)(), loop).result(10)
    server.should_exit = True
    thread.join(10)
    # This loop is gone: emits made later in this process must not be handed to it.
    realtime._state.clear()
    realtime.local_connections.clear()


@pytest.fixture
def rider():
    return UserFactory()


def token_for(user, lifetime: timedelta = timedelta(minutes=5)) -> str:
    token = AccessToken.for_user(user)
    token.set_exp(lifetime=lifetime)
    return str(token)


def members(room: str) -> set:
    return set(realtime.sio.manager.rooms.get("/", {}).get(room, {}))


def eventually(condition, timeout: float = SETTLE_SECONDS) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


# --- connect --------------------------------------------------------------------------------------------------
def test_a_failing_presence_store_refuses_nobody(url, rider, monkeypatch):
    monkeypatch.setattr(realtime.presence, "connect", afail)
    with PythonClient(url, auth={"token": token_for(rider)}, transports=["websocket"]) as client:
        assert client.sio.connected
        assert client.call("heartbeat") == {"ok": True}
        assert client.call("join", f"user:{rider.pk}") == {"ok": True, "room": f"user:{rider.pk}"}


def test_a_failing_presence_announcement_refuses_nobody(url, rider, monkeypatch):
    monkeypatch.setattr(rooms, "presence_rooms", fail)
    with PythonClient(url, auth={"token": token_for(rider)}, transports=["websocket"]) as client:
        assert client.call("heartbeat") == {"ok": True}


def test_a_failure_after_entering_the_room_refuses_with_a_code_and_leaves_nothing_behind(url, rider, monkeypatch):
    monkeypatch.setattr(realtime, "_start_housekeeping", fail)

    refusal = python_refusal(url, auth={"token": token_for(rider)}, transports=["websocket"])

    assert refusal["code"] == "SERVER_ERROR", refusal
    assert eventually(lambda: not members(f"user:{rider.pk}")), members(f"user:{rider.pk}")
    assert rider.pk not in realtime.local_connections.values()


def test_a_database_failure_during_the_handshake_refuses_with_a_code(url, rider, monkeypatch):
    def database_down(raw):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(realtime, "_user_for_token", database_down)
    refusal = python_refusal(url, auth={"token": token_for(rider)}, transports=["websocket"])
    assert refusal["code"] == "SERVICE_UNAVAILABLE", refusal


# --- disconnect -----------------------------------------------------------------------------------------------
def test_a_failing_disconnect_still_leaves_every_room(url, rider, monkeypatch):
    with PythonClient(url, auth={"token": token_for(rider)}, transports=["websocket"]) as client:
        assert client.call("heartbeat") == {"ok": True}
        assert members(f"user:{rider.pk}")
        monkeypatch.setattr(realtime.presence, "disconnect", afail)
    assert eventually(lambda: not members(f"user:{rider.pk}")), members(f"user:{rider.pk}")
    assert rider.pk not in realtime.local_connections.values()


# --- events ---------------------------------------------------------------------------------------------------
def test_a_failing_event_handler_acks_with_a_code(url, rider, monkeypatch):
    monkeypatch.setattr(rooms, "can_join", fail)
    with PythonClient(url, auth={"token": token_for(rider)}, transports=["websocket"]) as client:
        ack = client.call("join-group", 1)
        assert ack["ok"] is False and ack["error"]["code"] == "SERVER_ERROR", ack
        assert client.call("heartbeat") == {"ok": True}  # and the connection is still fine


# --- token expiry ---------------------------------------------------------------------------------------------
def test_a_connection_ends_when_its_access_token_expires(url, rider):
    with PythonClient(url, auth={"token": token_for(rider, timedelta(seconds=3))}, transports=["websocket"]) as client:
        assert client.call("heartbeat") == {"ok": True}
        expired = client.inbox.wait_for("session-expired", timeout=10)
        client.inbox.wait_for("disconnect", timeout=5)
    assert expired["code"] == "TOKEN_EXPIRED", expired
    assert eventually(lambda: not members(f"user:{rider.pk}"))


def test_an_event_after_the_token_expired_is_refused_and_ends_the_connection(url, rider, monkeypatch):
    # As if the expiry timer had not fired yet (a busy loop): the next event still finds the token expired.
    monkeypatch.setattr(
        realtime, "_watch_expiry", lambda sid, expires_at: realtime._expires_at.update({sid: expires_at})
    )
    with PythonClient(url, auth={"token": token_for(rider, timedelta(seconds=2))}, transports=["websocket"]) as client:
        time.sleep(2.5)
        ack = client.call("heartbeat")
        assert ack["ok"] is False and ack["error"]["code"] == "TOKEN_EXPIRED", ack
        client.inbox.wait_for("disconnect", timeout=5)


# --- stale database connections -------------------------------------------------------------------------------
def _kill_other_connections() -> int:
    """What a database restart does to this process's other connections (the test's own one survives)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            return len(cursor.fetchall())
        cursor.execute("SELECT id FROM information_schema.processlist WHERE db = DATABASE() AND id <> CONNECTION_ID()")
        ids = [row[0] for row in cursor.fetchall()]
        for thread_id in ids:
            cursor.execute(f"KILL {int(thread_id)}")
        return len(ids)


@pytest.mark.skipif(connection.vendor == "sqlite", reason="needs a database server that can drop connections")
def test_handshakes_recover_after_the_database_dropped_the_connections(url, rider):
    with PythonClient(url, auth={"token": token_for(rider)}, transports=["websocket"]):
        pass  # the handshake left a persistent connection in the server's database thread
    assert _kill_other_connections() >= 1

    with PythonClient(url, auth={"token": token_for(rider)}, transports=["websocket"]) as client:
        assert client.call("join", f"user:{rider.pk}") == {"ok": True, "room": f"user:{rider.pk}"}
