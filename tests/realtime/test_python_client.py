"""Socket.IO against the real server (`manage.py serve`) with python-socketio's client, over websocket and over
plain long-polling: the JWT handshake and its refusals, rooms, presence, heartbeats, and notifications made
through the REST API reaching their user live."""

import time

import pytest

from tests.blackbox.helpers import PASSWORD, assert_problem, register, unique_email
from tests.realtime.clients import PythonClient, python_refusal
from tests.realtime.flows import (
    NOTIFICATION_TIMEOUT,
    announce_delay,
    assert_delay_notification,
    follow_new_train,
    is_delay_of,
    online,
    resigned,
    sign_up,
    signing_key,
    wait_presence,
)

pytestmark = pytest.mark.blackbox

TRANSPORTS = [pytest.param(["websocket"], id="websocket"), pytest.param(["polling"], id="long-polling")]


@pytest.fixture(params=TRANSPORTS)
def transports(request) -> list[str]:
    return request.param


def assert_refused(data: dict, code: str) -> None:
    assert data["code"] == code, data
    assert isinstance(data["message"], str) and data["message"], data


# --- Handshake ----------------------------------------------------------------------------------------------
def test_it_connects_with_an_access_token(server, api, transports):
    rider = sign_up(api)
    with PythonClient(server.url, auth=rider.auth, transports=transports) as client:
        assert client.sio.connected
        assert client.transport == transports[0]
        assert client.call("heartbeat") == {"ok": True}


def test_it_upgrades_from_long_polling_to_websocket_by_default(server, api):
    rider = sign_up(api)
    with PythonClient(server.url, auth=rider.auth) as client:
        deadline = time.monotonic() + 10
        while client.transport != "websocket" and time.monotonic() < deadline:
            time.sleep(0.05)
        assert client.transport == "websocket"
        assert client.call("heartbeat") == {"ok": True}


@pytest.mark.parametrize("auth", [None, {}, {"token": ""}, {"token": 42}], ids=["no-auth", "empty", "blank", "number"])
def test_it_refuses_a_connection_without_a_token(server, auth, transports):
    assert_refused(python_refusal(server.url, auth=auth, transports=transports), "NOT_AUTHENTICATED")


def test_it_refuses_a_garbage_token(server, transports):
    assert_refused(python_refusal(server.url, auth={"token": "not.a.jwt"}, transports=transports), "TOKEN_INVALID")


def test_it_refuses_a_token_signed_with_another_key(server, api):
    rider = sign_up(api)
    forged = resigned(rider.access, signing_key(server), expires_in=600)
    forged = forged[: forged.rindex(".") + 1] + "A" * 43  # a valid-looking HS256 signature that is not the key's
    assert_refused(python_refusal(server.url, auth={"token": forged}), "TOKEN_INVALID")


def test_it_refuses_an_expired_token(server, api):
    rider = sign_up(api)
    key = signing_key(server)
    assert_refused(
        python_refusal(server.url, auth={"token": resigned(rider.access, key, expires_in=-30)}), "TOKEN_INVALID"
    )
    # The same claims with a future expiry pass: the refusal above was the expiry, not the re-signing.
    with PythonClient(
        server.url, auth={"token": resigned(rider.access, key, expires_in=300)}, transports=["websocket"]
    ):
        pass


def test_it_refuses_a_deactivated_users_token(server, api, admin):
    rider = sign_up(api)
    response = api.post(f"/api/admin/users/{rider.id}/deactivate/", headers=admin.headers)
    assert response.status_code == 200, response.text
    assert_refused(python_refusal(server.url, auth=rider.auth), "TOKEN_INVALID")


def test_it_refuses_a_refresh_token(server, api):
    session = register(api, email=unique_email("rider"))
    assert_refused(python_refusal(server.url, auth={"token": session["refresh"]}), "TOKEN_INVALID")


def test_it_refuses_a_token_revoked_by_a_password_change(server, api):
    rider = sign_up(api)
    response = api.post(
        "/api/auth/password/change/",
        json={"current_password": PASSWORD, "new_password": "Quiet-River-97"},
        headers=rider.headers,
    )
    assert response.status_code == 200, response.text
    assert_refused(python_refusal(server.url, auth=rider.auth), "TOKEN_INVALID")


# --- Rooms --------------------------------------------------------------------------------------------------
def test_it_lets_a_user_join_only_their_own_room(server, api):
    rider, other = sign_up(api), sign_up(api, "other")
    with PythonClient(server.url, auth=rider.auth, transports=["websocket"]) as client:
        assert client.call("join", rider.room) == {"ok": True, "room": rider.room}
        refused = client.call("join", other.room)
        assert refused["ok"] is False and refused["error"]["code"] == "ROOM_FORBIDDEN", refused


@pytest.mark.parametrize(
    ("event", "argument"),
    [
        ("join", "group:1"),
        ("join-group", "1"),
        ("join-group", 1),
        ("join", "nonsense"),
        ("join", "user:"),
        ("join", ""),
    ],
)
def test_it_refuses_rooms_nobody_may_join(server, api, event, argument):
    rider = sign_up(api)
    with PythonClient(server.url, auth=rider.auth, transports=["websocket"]) as client:
        refused = client.call(event, argument)
        assert refused["ok"] is False and refused["error"]["code"] == "ROOM_FORBIDDEN", refused
        # Refused, not half-joined: typing into the group is still refused.
        typing = client.call("user-typing", "1", True)
        assert typing["ok"] is False and typing["error"]["code"] == "NOT_IN_ROOM", typing


@pytest.mark.parametrize(
    ("event", "args", "code"),
    [
        ("join", (), "ROOM_FORBIDDEN"),
        ("join", ("user:1", "extra"), None),
        ("join-group", (), "ROOM_FORBIDDEN"),
        ("leave", (), None),
        ("leave-group", (), None),
        ("user-typing", (), "NOT_IN_ROOM"),
        ("heartbeat", ("extra",), None),
    ],
)
def test_every_event_is_acknowledged_even_when_malformed(server, api, event, args, code):
    rider = sign_up(api)
    with PythonClient(server.url, auth=rider.auth, transports=["websocket"]) as client:
        ack = client.call(event, *args)
        if code is None:
            assert "ok" in ack, ack
        else:
            assert ack["ok"] is False and ack["error"]["code"] == code, ack
        assert client.call("heartbeat") == {"ok": True}  # and the connection is still fine


def test_leaving_rooms_is_acknowledged(server, api):
    rider = sign_up(api)
    with PythonClient(server.url, auth=rider.auth, transports=["websocket"]) as client:
        assert client.call("leave-group", "1") == {"ok": True}
        assert client.call("leave", "group:1") == {"ok": True}


def test_an_open_connection_ends_when_its_user_is_deactivated(server, api, admin):
    rider = sign_up(api)
    with PythonClient(server.url, auth=rider.auth, transports=["websocket"]) as client:
        response = api.post(f"/api/admin/users/{rider.id}/deactivate/", headers=admin.headers)
        assert response.status_code == 200, response.text
        client.inbox.wait_for("disconnect", timeout=3)


def test_an_open_connection_ends_when_its_user_changes_password(server, api):
    rider = sign_up(api)
    with PythonClient(server.url, auth=rider.auth, transports=["websocket"]) as client:
        change = {"current_password": PASSWORD, "new_password": "Another-Pass-7"}
        response = api.post("/api/auth/password/change/", json=change, headers=rider.headers)
        assert response.status_code == 200, response.text
        client.inbox.wait_for("disconnect", timeout=3)


def test_an_open_connection_ends_when_its_access_token_expires(server, api):
    rider = sign_up(api)
    token = resigned(rider.access, signing_key(server), expires_in=3)
    with PythonClient(server.url, auth={"token": token}, transports=["websocket"]) as client:
        assert client.call("heartbeat") == {"ok": True}
        expired = client.inbox.wait_for("session-expired", timeout=10)
        client.inbox.wait_for("disconnect", timeout=5)
    assert expired["code"] == "TOKEN_EXPIRED", expired


# --- Presence -----------------------------------------------------------------------------------------------
def test_presence_counts_every_tab(server, api):
    rider = sign_up(api)
    assert online(api, rider, rider.id) is False
    first = PythonClient(server.url, auth=rider.auth, transports=["websocket"]).connect()
    second = PythonClient(server.url, auth=rider.auth, transports=["polling"]).connect()
    try:
        assert online(api, rider, rider.id) is True
        first.close()
        time.sleep(0.5)  # give a wrongly early "offline" the time to show
        assert online(api, rider, rider.id) is True
    finally:
        first.close()
        second.close()
    wait_presence(api, rider, rider.id, False)


def test_presence_is_visible_to_oneself_and_admins_only(server, api, admin):
    rider, outsider = sign_up(api), sign_up(api, "outsider")
    with PythonClient(server.url, auth=rider.auth, transports=["websocket"]):
        assert online(api, admin, rider.id) is True
        assert_problem(api.get(f"/api/realtime/presence/{rider.id}/", headers=outsider.headers), 404)
        assert_problem(api.get(f"/api/realtime/presence/{rider.id}/"), 401)


# --- Notifications ------------------------------------------------------------------------------------------
def test_a_notification_reaches_its_user_live(server, api, admin, transports):
    rider, outsider = sign_up(api), sign_up(api, "outsider")
    train_number = follow_new_train(api, admin=admin, follower=rider)
    with (
        PythonClient(server.url, auth=rider.auth, transports=transports) as client,
        PythonClient(server.url, auth=outsider.auth, transports=transports) as bystander,
    ):
        announce_delay(api, admin=admin, train_number=train_number)
        payload = client.inbox.wait_for("notification", timeout=NOTIFICATION_TIMEOUT, match=is_delay_of(train_number))
        assert_delay_notification(api, rider, payload, train_number)
        time.sleep(0.5)  # a leak would arrive at about the same moment
        assert bystander.inbox.named("notification") == []
        assert len(client.inbox.named("notification")) == 1, client.inbox.named("notification")


def test_every_tab_of_the_user_gets_the_notification(server, api, admin):
    rider = sign_up(api)
    train_number = follow_new_train(api, admin=admin, follower=rider)
    with (
        PythonClient(server.url, auth=rider.auth, transports=["websocket"]) as first,
        PythonClient(server.url, auth=rider.auth, transports=["polling"]) as second,
    ):
        announce_delay(api, admin=admin, train_number=train_number)
        for client in (first, second):
            payload = client.inbox.wait_for(
                "notification", timeout=NOTIFICATION_TIMEOUT, match=is_delay_of(train_number)
            )
            assert_delay_notification(api, rider, payload, train_number)


def test_the_mock_engine_notifies_live(server, api, admin):
    rider = sign_up(api)
    train_number = follow_new_train(api, admin=admin, follower=rider)
    with PythonClient(server.url, auth=rider.auth, transports=["websocket"]) as client:
        response = api.post("/me/notifications/mock", headers=rider.headers)
        assert response.status_code == 202, response.text
        payload = client.inbox.wait_for("notification", timeout=NOTIFICATION_TIMEOUT, match=is_delay_of(train_number))
        assert payload["type"].startswith("TRAIN_"), payload
        assert payload["title"] and payload["message"], payload
