"""Production's shape, on Redis: Socket.IO in two ASGI processes (A, B), REST in a WSGI process (C), tasks on an RQ
worker. An emit made by the worker reaches clients on either Socket.IO process; presence spans them.
Skipped without REDIS_URL (the embedded single process needs no Redis)."""

import time

import httpx
import pytest

from tests.realtime.clients import PythonClient
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

pytestmark = pytest.mark.blackbox


def test_a_notification_made_on_the_worker_reaches_a_client_on_another_process(cluster, cluster_api, cluster_admin):
    rider = sign_up(cluster_api)
    train_number = follow_new_train(cluster_api, admin=cluster_admin, follower=rider)
    socketio_a = cluster.socketio_urls[0]
    with PythonClient(socketio_a, auth=rider.auth, transports=["websocket"]) as client:
        announce_delay(cluster_api, admin=cluster_admin, train_number=train_number)
        payload = client.inbox.wait_for("notification", timeout=NOTIFICATION_TIMEOUT, match=is_delay_of(train_number))
        assert_delay_notification(cluster_api, rider, payload, train_number)


def test_clients_of_one_user_on_both_processes_both_get_it(cluster, cluster_api, cluster_admin):
    rider, outsider = sign_up(cluster_api), sign_up(cluster_api, "outsider")
    train_number = follow_new_train(cluster_api, admin=cluster_admin, follower=rider)
    socketio_a, socketio_b = cluster.socketio_urls
    with (
        PythonClient(socketio_a, auth=rider.auth, transports=["websocket"]) as on_a,
        PythonClient(socketio_b, auth=rider.auth, transports=["polling"]) as on_b,
        PythonClient(socketio_b, auth=outsider.auth, transports=["websocket"]) as bystander,
    ):
        announce_delay(cluster_api, admin=cluster_admin, train_number=train_number)
        for client in (on_a, on_b):
            payload = client.inbox.wait_for(
                "notification", timeout=NOTIFICATION_TIMEOUT, match=is_delay_of(train_number)
            )
            assert_delay_notification(cluster_api, rider, payload, train_number)
        time.sleep(0.5)  # a duplicate or a leak would arrive at about the same moment
        assert [len(client.inbox.named("notification")) for client in (on_a, on_b, bystander)] == [1, 1, 0]


def test_presence_spans_the_processes(cluster, cluster_api, cluster_admin):
    rider = sign_up(cluster_api)
    socketio_a, socketio_b = cluster.socketio_urls
    assert online(cluster_api, cluster_admin, rider.id) is False
    on_a = PythonClient(socketio_a, auth=rider.auth, transports=["websocket"]).connect()
    on_b = PythonClient(socketio_b, auth=rider.auth, transports=["websocket"]).connect()
    try:
        assert online(cluster_api, rider, rider.id) is True
        on_a.close()
        time.sleep(0.5)  # give a wrongly early "offline" the time to show
        assert online(cluster_api, rider, rider.id) is True
    finally:
        on_a.close()
        on_b.close()
    wait_presence(cluster_api, rider, rider.id, False)
    assert online(cluster_api, cluster_admin, rider.id) is False


def test_heartbeat_and_rooms_work_on_every_process(cluster, cluster_api):
    rider = sign_up(cluster_api)
    for url in cluster.socketio_urls:
        with PythonClient(url, auth=rider.auth, transports=["websocket"]) as client:
            assert client.call("heartbeat") == {"ok": True}
            assert client.call("join", rider.room)["ok"] is True
            assert client.call("join-group", "1")["ok"] is False


def same_id_users(first: httpx.Client, second: httpx.Client):
    """A user on each deployment with the same id: sign people up on whichever is behind until the ids meet."""
    one, two = sign_up(first), sign_up(second)
    for _ in range(200):
        if one.id == two.id:
            return one, two
        if one.id < two.id:
            one = sign_up(first)
        else:
            two = sign_up(second)
    raise AssertionError(f"user ids did not meet: {one.id} and {two.id}")


def test_another_deployment_on_the_same_redis_hears_nothing(cluster, cluster_api, cluster_admin, server, api):
    """Two deployments with their own Redis databases on one Redis server (as these tests run: the `serve` server
    and the cluster). Redis pub/sub ignores the database number, so their Socket.IO channels must differ, or user
    7's notification here reaches user 7 there."""
    here, there = same_id_users(cluster_api, api)
    train_number = follow_new_train(cluster_api, admin=cluster_admin, follower=here)
    with (
        PythonClient(cluster.socketio_urls[0], auth=here.auth, transports=["websocket"]) as client,
        PythonClient(server.url, auth=there.auth, transports=["websocket"]) as stranger,
    ):
        announce_delay(cluster_api, admin=cluster_admin, train_number=train_number)
        client.inbox.wait_for("notification", timeout=NOTIFICATION_TIMEOUT, match=is_delay_of(train_number))
        time.sleep(1.0)
        assert stranger.inbox.named("notification") == []


def test_deactivating_a_user_closes_their_sockets_on_every_process(cluster, cluster_api, cluster_admin):
    rider = sign_up(cluster_api)
    socketio_a, socketio_b = cluster.socketio_urls
    with (
        PythonClient(socketio_a, auth=rider.auth, transports=["websocket"]) as on_a,
        PythonClient(socketio_b, auth=rider.auth, transports=["websocket"]) as on_b,
    ):
        response = cluster_api.post(f"/api/admin/users/{rider.id}/deactivate/", headers=cluster_admin.headers)
        assert response.status_code == 200, response.text
        for client in (on_a, on_b):
            client.inbox.wait_for("disconnect", timeout=5)
    wait_presence(cluster_api, cluster_admin, rider.id, expected=False)
