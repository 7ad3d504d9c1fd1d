"""/ready/ counts the request log as a dependency: ok only while its entries can be written."""

import pytest

from trackbase.analytics.models import RequestLog

pytestmark = [pytest.mark.urls("config.urls"), pytest.mark.django_db(databases=["default", "analytics"])]


@pytest.fixture
def request_log_gone(monkeypatch):
    """The analytics store answers but holds no request-log table (its database file was replaced)."""
    monkeypatch.setattr(RequestLog._meta, "db_table", "analytics_requestlog_gone")


def test_it_reports_the_request_log_ok_when_it_can_be_written(anon_client):
    response = anon_client.get("/ready/")

    assert response.status_code == 200, response.json()
    assert response.json()["checks"]["request_log"] == "ok"


def test_it_reports_the_request_log_down_while_its_writes_would_be_dropped(anon_client, request_log_gone):
    response = anon_client.get("/ready/")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["request_log"] == "unavailable"
    assert body["checks"]["analytics_database"] == "ok"  # the server answers; the log still cannot be written


def test_its_probe_leaves_no_entry_behind(anon_client):
    anon_client.get("/ready/")

    assert not RequestLog.objects.exists()
