"""The live depot dashboard against the real server: a worker in the `cylinders:all` room sees a scan made
over REST as one `cylinders-updated` event; a plain user may not join the room."""

import pytest

from tests.realtime.clients import PythonClient
from tests.realtime.flows import sign_up

pytestmark = pytest.mark.blackbox

ROOM = "cylinders:all"
EVENT_TIMEOUT = 10.0


def make_worker(api, admin):
    worker = sign_up(api, "depot")
    response = api.post(f"/api/admin/users/{worker.id}/role/", json={"role": "WORKER"}, headers=admin.headers)
    assert response.status_code == 200, response.text
    return worker


def test_a_worker_in_the_room_sees_a_scan_live(server, api, admin):
    worker = make_worker(api, admin)
    response = api.post("/api/cylinders/add", json={"cylinders": [{"gas_type": "O2"}] * 2}, headers=admin.headers)
    assert response.status_code == 201, response.text
    created = response.json()["created"]
    with PythonClient(server.url, auth=worker.auth, transports=["websocket"]) as client:
        assert client.call("join", ROOM) == {"ok": True, "room": ROOM}
        body = {"qr_codes": [c["qr_code"] for c in created], "customer": "Acme Gas"}
        response = api.post("/api/cylinders/ship", json=body, headers=worker.headers)
        assert response.status_code == 200, response.text
        event = client.inbox.wait_for("cylinders-updated", timeout=EVENT_TIMEOUT, match=lambda p: p["action"] == "ship")
    assert event["count"] == 2
    assert [(c["id"], c["from_status"], c["status"], c["sent_to"]) for c in event["cylinders"]] == [
        (c["id"], "AVAILABLE", "SENT", "Acme Gas") for c in created
    ]


def test_a_refused_scan_sends_nothing(server, api, admin):
    worker = make_worker(api, admin)
    response = api.post("/api/cylinders/add", json={"cylinders": [{"gas_type": "N2"}]}, headers=admin.headers)
    [cylinder] = response.json()["created"]
    with PythonClient(server.url, auth=worker.auth, transports=["websocket"]) as client:
        assert client.call("join", ROOM)["ok"] is True
        refused = api.post("/api/cylinders/return", json={"qr_codes": [cylinder["qr_code"]]}, headers=worker.headers)
        assert refused.status_code == 409, refused.text
        marker = {"qr_codes": [cylinder["qr_code"]], "sent_to": "Marker"}
        assert api.post("/api/cylinders/ship", json=marker, headers=worker.headers).status_code == 200
        client.inbox.wait_for("cylinders-updated", timeout=EVENT_TIMEOUT, match=lambda p: p["action"] == "ship")
        # Events arrive in order: had the refused return sent one, it would be here before the ship.
        assert [p["action"] for p in client.inbox.named("cylinders-updated")] == ["ship"]


def test_a_plain_user_may_not_join_the_room(server, api):
    rider = sign_up(api)
    with PythonClient(server.url, auth=rider.auth, transports=["websocket"]) as client:
        refused = client.call("join", ROOM)
        assert refused["ok"] is False and refused["error"]["code"] == "ROOM_FORBIDDEN", refused
        assert client.call("join", "cylinders:other")["ok"] is False
