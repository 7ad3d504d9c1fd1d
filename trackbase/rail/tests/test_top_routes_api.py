"""GET /api/analytics/top-routes/: the most searched routes, from the request log."""

from datetime import timedelta

import pytest

from trackbase.analytics.buffer import request_log_buffer
from trackbase.analytics.services import request_log_flush, request_log_record
from trackbase.core.testing import NOW, assert_problem, field_errors
from trackbase.rail.selectors import SEARCH_ROUTE

pytestmark = pytest.mark.django_db(databases=["default", "analytics"])

TOP_ROUTES = "/api/analytics/top-routes/"


def _forget_queued_entries() -> None:
    request_log_buffer.stop()
    request_log_buffer.reset()


@pytest.fixture(autouse=True)
def request_log(settings):
    """Searches are logged again, with no flush thread: entries wait for request_log_flush()."""
    settings.REQUEST_LOG_ENABLED = True
    settings.REQUEST_LOG_FLUSH_SECONDS = 0
    _forget_queued_entries()
    yield
    _forget_queued_entries()


def searched(source: str, destination: str, *, days_ago: int = 0, status: int = 200, route: str = SEARCH_ROUTE):
    """A search as the request log holds it, `days_ago` days before now."""
    request_log_record(
        route=route,
        method="GET",
        status_code=status,
        user_id=None,
        query_params={"source": source, "destination": destination},
        duration_ms=3.0,
        request_id="",
        timestamp=NOW - timedelta(days=days_ago),
    )


def test_it_ranks_the_routes_searched_through_the_api(owner_client, outsider_client):
    for client, source in [(owner_client, "DEL"), (owner_client, "del"), (outsider_client, " del ")]:
        assert client.get("/api/trains/search/", {"source": source, "destination": "Bom"}).status_code == 200
    owner_client.get("/api/trains/search/", {"source": "DEL", "destination": "BLR"})
    request_log_flush()

    response = outsider_client.get(TOP_ROUTES)

    assert response.status_code == 200
    assert response.json() == [
        {"source": "DEL", "destination": "BOM", "count": 3},
        {"source": "DEL", "destination": "BLR", "count": 1},
    ]


def test_it_counts_only_successful_searches(owner_client):
    owner_client.get("/api/trains/search/", {"source": "DEL"})
    owner_client.get("/api/trains/search/", {"source": "DEL", "destination": "BOM", "limit": "many"})
    owner_client.get("/api/trains/search/", {"source": "MAS", "destination": "SBC"})
    searched("DEL", "BOM", status=500)
    searched("DEL", "BOM", status=429)
    request_log_flush()

    assert owner_client.get(TOP_ROUTES).json() == [{"source": "MAS", "destination": "SBC", "count": 1}]


def test_it_counts_only_the_search_route(owner_client):
    searched("DEL", "BOM", route="api/trains/")
    searched("DEL", "BOM", route="api/bookings/")
    searched("MAS", "SBC")
    request_log_flush()

    assert owner_client.get(TOP_ROUTES).json() == [{"source": "MAS", "destination": "SBC", "count": 1}]


def test_it_reports_nothing_before_anyone_searched(owner_client):
    assert owner_client.get(TOP_ROUTES).json() == []


@pytest.fixture
def history():
    """DEL-BOM searched twice ten days ago; MAS-SBC once today and once three days ago."""
    searched("DEL", "BOM", days_ago=10)
    searched("DEL", "BOM", days_ago=10)
    searched("MAS", "SBC")
    searched("MAS", "SBC", days_ago=3)
    request_log_flush()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", [("DEL", "BOM", 2), ("MAS", "SBC", 2)]),
        ("?days=7", [("MAS", "SBC", 2)]),
        ("?days=3", [("MAS", "SBC", 2)]),
        ("?days=2", [("MAS", "SBC", 1)]),
        ("?days=3650", [("DEL", "BOM", 2), ("MAS", "SBC", 2)]),
        ("?limit=1", [("DEL", "BOM", 2)]),
    ],
)
def test_it_limits_the_report_to_a_window_and_a_length(owner_client, history, query, expected):
    response = owner_client.get(TOP_ROUTES + query)

    assert [(r["source"], r["destination"], r["count"]) for r in response.json()] == expected


@pytest.mark.parametrize("query", ["days=0", "days=-1", "days=week", "days=3651", "limit=0", "limit=101", "limit=x"])
def test_it_rejects_a_bad_window_or_length(owner_client, query):
    field_errors(owner_client.get(f"{TOP_ROUTES}?{query}"), query.split("=")[0])


def test_it_reports_only_to_signed_in_users(anon_client):
    assert_problem(anon_client.get(TOP_ROUTES), 401, "NOT_AUTHENTICATED")
