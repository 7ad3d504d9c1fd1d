"""HuCares over the real server with the official Node client: two friends in one group see each other come
online, check in (friend-checked-in, never to the author) and go offline."""

import uuid

import httpx
import pytest

from tests.realtime.clients import NodeClient

pytestmark = [pytest.mark.blackbox, pytest.mark.usefixtures("node_client_installed")]

TIMEOUT = 15.0
SCORES = {"productive": 8, "satisfied": 7, "body": 6, "care": 9}


def pin_account(api: httpx.Client, name: str) -> dict:
    username = f"{name}-{uuid.uuid4().hex[:8]}"
    response = api.post("/api/v1/auth/register", json={"username": username, "pin": "2468"})
    assert response.status_code == 201, response.text
    data = response.json()["data"]
    return {
        "id": data["user"]["id"],
        "username": username,
        "headers": {"Authorization": f"Bearer {data['accessToken']}"},
        "token": data["accessToken"],
    }


def joined(client: NodeClient) -> None:
    client.wait_for("connect", timeout=TIMEOUT)
    record = client.wait_for("join-group-ack", timeout=TIMEOUT)
    assert record["ack"]["ok"] is True, record


def test_two_friends_see_each_others_check_in_and_presence(server, api):
    ana, ben = pin_account(api, "ana"), pin_account(api, "ben")
    response = api.post("/api/v1/groups", json={"name": "Friends"}, headers=ana["headers"])
    assert response.status_code == 201, response.text
    group = response.json()["data"]
    response = api.post("/api/v1/groups/join", json={"accessCode": group["accessCode"]}, headers=ben["headers"])
    assert response.status_code == 200, response.text

    with NodeClient(server.url, token=ana["token"], join_group=group["id"]) as ana_client:
        joined(ana_client)
        with NodeClient(server.url, token=ben["token"], join_group=group["id"]) as ben_client:
            joined(ben_client)
            assert ana_client.wait_for("user-online", timeout=TIMEOUT, match=lambda args: args == [ben["id"]])

            response = api.post("/api/v1/checkins", json={"groupId": group["id"], **SCORES}, headers=ben["headers"])
            assert response.status_code == 201, response.text
            (event,) = ana_client.wait_for("friend-checked-in", timeout=TIMEOUT)
            assert event == {
                "userId": ben["id"],
                "username": ben["username"],
                "groupId": group["id"],
                "huCaresScore": 12,
                "timestamp": event["timestamp"],
            }
            assert event["timestamp"].endswith("Z")

            response = api.post("/api/v1/checkins", json={"groupId": group["id"], **SCORES}, headers=ana["headers"])
            assert response.status_code == 201, response.text
            (event,) = ben_client.wait_for("friend-checked-in", timeout=TIMEOUT)
            assert event["userId"] == ana["id"]
        assert ana_client.wait_for("user-offline", timeout=TIMEOUT, match=lambda args: args == [ben["id"]])
        # The author never hears of their own check-in.
        assert [args for args in ana_client.inbox.named("friend-checked-in") if args[0]["userId"] == ana["id"]] == []
    assert [args for args in ben_client.inbox.named("friend-checked-in") if args[0]["userId"] == ben["id"]] == []


def test_an_outsider_cannot_join_the_group_room(server, api):
    ana, eve = pin_account(api, "ana"), pin_account(api, "eve")
    group = api.post("/api/v1/groups", json={"name": "Private"}, headers=ana["headers"]).json()["data"]
    with NodeClient(server.url, token=eve["token"], join_group=group["id"]) as client:
        client.wait_for("connect", timeout=TIMEOUT)
        record = client.wait_for("join-group-ack", timeout=TIMEOUT)
        assert record["ack"]["ok"] is False and record["ack"]["error"]["code"] == "ROOM_FORBIDDEN", record
