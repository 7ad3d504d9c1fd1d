"""Real-time black-box fixtures: the real server (`manage.py serve`), the official Node client, and production's
multi-process shape on Redis."""

import os

import httpx
import pytest

from tests.blackbox.server import LiveServer, ServerFailed, serve_for_fixture
from tests.realtime.clients import node_client_ready
from tests.realtime.cluster import Cluster, run_cluster
from tests.realtime.flows import Person, make_admin


@pytest.fixture(scope="session")
def throttle_scopes() -> list[str]:
    from django.conf import settings

    return list(settings.THROTTLE_RATES)


@pytest.fixture(scope="session")
def server(tmp_path_factory, throttle_scopes) -> LiveServer:
    """`manage.py serve` as `make run` starts it: Socket.IO and Django on one port (with Redis and an rqworker
    when REDIS_URL is set)."""
    yield from serve_for_fixture(tmp_path_factory.mktemp("rt-server"), throttle_scopes=throttle_scopes)


@pytest.fixture
def api(server) -> httpx.Client:
    with httpx.Client(base_url=server.url, timeout=30) as client:
        yield client


@pytest.fixture(scope="session")
def admin(server) -> Person:
    return make_admin(server)


@pytest.fixture(scope="session")
def node_client_installed() -> None:
    """socket.io-client from the npm registry, installed from tests/realtime/node's lockfile on first use; without
    Node the tests are skipped, except on CI (CI=true), where they are required."""
    node_client_ready(required=os.environ.get("CI", "").strip().lower() in ("1", "true", "yes", "on"))


@pytest.fixture(scope="module")
def cluster(tmp_path_factory, throttle_scopes) -> Cluster:
    if not os.environ.get("REDIS_URL"):
        pytest.skip(
            "multi-process real-time needs Redis (pub/sub between processes, shared presence): set REDIS_URL, "
            "as CI does for its PostgreSQL and MariaDB runs"
        )
    failure = None
    try:
        with run_cluster(tmp_path_factory.mktemp("rt-cluster"), throttle_scopes=throttle_scopes) as running:
            yield running
    except ServerFailed as exc:
        failure = str(exc)
    if failure:
        pytest.fail(failure, pytrace=False)


@pytest.fixture(scope="module")
def cluster_admin(cluster) -> Person:
    return make_admin(cluster.rest)


@pytest.fixture
def cluster_api(cluster) -> httpx.Client:
    with httpx.Client(base_url=cluster.rest.url, timeout=30) as client:
        yield client
