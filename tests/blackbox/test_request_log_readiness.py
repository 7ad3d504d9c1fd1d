"""The request log is a dependency /ready/ reports: when its store cannot take entries, the instance is not ready
and the report built on it answers 503, not 500.

The break is one an operator can make on the embedded defaults: the analytics SQLite file loses its table (the
state of a file replaced by an empty one), while the server keeps running and the file still answers SELECT 1.
"""

import os
import sqlite3

import httpx
import pytest

from tests.blackbox.helpers import assert_problem, bearer, register
from tests.blackbox.server import LiveServer, serve_for_fixture

pytestmark = [
    pytest.mark.blackbox,
    pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="breaks the embedded analytics SQLite file"),
]


@pytest.fixture
def own_server(tmp_path, throttle_scopes) -> LiveServer:
    yield from serve_for_fixture(tmp_path, throttle_scopes=throttle_scopes)


def test_it_is_not_ready_and_reports_503_while_the_request_log_has_lost_its_table(own_server):
    with httpx.Client(base_url=own_server.url, timeout=30) as api:
        user = bearer(register(api)["access"])
        assert api.get("/ready/").json()["checks"]["request_log"] == "ok"
        assert api.get("/api/analytics/top-routes/", headers=user).status_code == 200

        with sqlite3.connect(own_server.data_dir / "analytics.sqlite3") as store:
            store.execute("DROP TABLE analytics_requestlog")

        ready = api.get("/ready/")
        assert ready.status_code == 503, ready.text
        assert ready.json()["checks"]["request_log"] == "unavailable"
        assert ready.json()["checks"]["analytics_database"] == "ok"  # SELECT 1 alone would have said ready
        assert_problem(api.get("/api/analytics/top-routes/", headers=user), 503, "ANALYTICS_UNAVAILABLE")
