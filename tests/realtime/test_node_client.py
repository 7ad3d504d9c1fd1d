"""The official socket.io-client (Node, from the npm registry) against the real server: what a browser or a React
Native app runs. tests/realtime/node/client.mjs prints what it receives; these tests read it."""

import pytest

from tests.realtime.clients import NodeClient
from tests.realtime.flows import (
    NOTIFICATION_TIMEOUT,
    announce_delay,
    assert_delay_notification,
    follow_new_train,
    is_delay_of,
    online,
    sign_up,
    wait_presence,
)

pytestmark = [pytest.mark.blackbox, pytest.mark.usefixtures("node_client_installed")]

CONNECT_TIMEOUT = 15.0  # node's start-up included


@pytest.mark.parametrize("transport", ["websocket", "polling"])
def test_it_connects_with_an_access_token(server, api, transport):
    rider = sign_up(api)
    with NodeClient(server.url, token=rider.access, transport=transport) as client:
        connected = client.wait_for("connect", timeout=CONNECT_TIMEOUT)
        assert connected["id"] and connected["transport"] == transport, connected
        assert online(api, rider, rider.id) is True
    assert client.process.returncode == 0, client.lines
    wait_presence(api, rider, rider.id, False)


@pytest.mark.parametrize(
    ("token", "code"), [(None, "NOT_AUTHENTICATED"), ("not.a.jwt", "TOKEN_INVALID")], ids=["no-token", "garbage"]
)
def test_it_is_refused_with_the_reason(server, token, code):
    client = NodeClient(server.url, token=token).start()
    try:
        refused = client.wait_for("connect_error", timeout=CONNECT_TIMEOUT)
        assert client.wait_exit() == 1, client.lines
    finally:
        client.stop()
    # socket.io-client exposes a refusal as an Error: `message`, and `data` as the server sent it.
    assert refused["data"]["code"] == code, refused
    assert refused["message"] == refused["data"]["message"], refused
    assert client.inbox.named("connect") == []


def test_a_notification_reaches_the_node_client(server, api, admin):
    rider = sign_up(api)
    train_number = follow_new_train(api, admin=admin, follower=rider)
    with NodeClient(server.url, token=rider.access) as client:
        client.wait_for("connect", timeout=CONNECT_TIMEOUT)
        announce_delay(api, admin=admin, train_number=train_number)
        (payload,) = client.wait_for(
            "notification", timeout=NOTIFICATION_TIMEOUT, match=lambda args: is_delay_of(train_number)(args[0])
        )
        assert_delay_notification(api, rider, payload, train_number)
