"""Black-box fixtures: the real server process on a free port with fresh data, and an HTTP client for it."""

import httpx
import pytest

from tests.blackbox.server import LiveServer, serve_for_fixture


@pytest.fixture(scope="session")
def throttle_scopes() -> list[str]:
    from django.conf import settings

    return list(settings.THROTTLE_RATES)


@pytest.fixture(scope="session")
def server(tmp_path_factory, throttle_scopes) -> LiveServer:
    """One server for the whole session: `manage.py serve` exactly as `make run` starts it."""
    yield from serve_for_fixture(tmp_path_factory.mktemp("bb-server"), throttle_scopes=throttle_scopes)


@pytest.fixture
def api(server) -> httpx.Client:
    with httpx.Client(base_url=server.url, timeout=30) as client:
        yield client
