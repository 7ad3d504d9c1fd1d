"""HuCares' client events over the real server (python-socketio client): typing reaches the other members of a
group room, and a member removed from the group is taken out of its room at once."""

import time
import uuid

import httpx
import pytest

from tests.realtime.clients import PythonClient

pytestmark = pytest.mark.blackbox

TIMEOUT = 10.0
QUIET = 1.5  # how long a removed member is watched for events they must no longer get


def pin_account(api: httpx.Client, name: str) -> dict:
    response = api.post("/api/v1/auth/register", json={"username": f"{name}-{uuid.uuid4().hex[:8]}", "pin": "2468"})
    assert response.status_code == 201, response.text
    data = response.json()["data"]
    return {
        "id": data["user"]["id"],
        "headers": {"Authorization": f"Bearer {data['accessToken']}"},
        "auth": {"token": data["accessToken"]},
    }


def test_typing_reaches_members_and_a_removed_member_leaves_the_room(server, api):
    ana, ben = pin_account(api, "ana"), pin_account(api, "ben")
    group = api.post("/api/v1/groups", json={"name": "Typing"}, headers=ana["headers"]).json()["data"]
    joined = api.post("/api/v1/groups/join", json={"accessCode": group["accessCode"]}, headers=ben["headers"])
    assert joined.status_code == 200, joined.text

    with (
        PythonClient(server.url, auth=ana["auth"]) as ana_client,
        PythonClient(server.url, auth=ben["auth"]) as ben_client,
    ):
        assert ana_client.call("join-group", group["id"])["ok"] is True
        assert ben_client.call("join-group", group["id"])["ok"] is True

        assert ana_client.call("user-typing", group["id"], True) == {"ok": True}
        typing = ben_client.inbox.wait_for("user-typing", timeout=TIMEOUT)
        assert typing == {"userId": ana["id"], "groupId": group["id"], "isTyping": True}

        removed = api.delete(f"/api/v1/groups/{group['id']}/members/{ben['id']}", headers=ana["headers"])
        assert removed.status_code == 204, removed.text
        ana_client.inbox.wait_for("group-updated", timeout=TIMEOUT, match=lambda e: e["type"] == "member-left")
        time.sleep(0.3)  # with Redis, the leave travels through pub/sub

        assert ana_client.call("user-typing", group["id"], False) == {"ok": True}
        time.sleep(QUIET)
        assert len(ben_client.inbox.named("user-typing")) == 1, ben_client.inbox.named("user-typing")
        assert ben_client.inbox.named("group-updated") == []
        assert ana_client.inbox.named("user-typing") == []  # never to the sender
        assert ben_client.call("join-group", group["id"])["error"]["code"] == "ROOM_FORBIDDEN"
