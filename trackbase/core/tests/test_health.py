"""Liveness never touches a dependency; readiness checks each one and names the one that fails."""

import pytest
from django.test import override_settings

pytestmark = pytest.mark.urls("config.urls")
UNREACHABLE_REDIS = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
}


def test_it_is_alive(api):
    response = api.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db(databases=["default", "analytics"])
def test_it_is_ready_when_every_dependency_answers(api):
    response = api.get("/ready/")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"] == {
        "database": "ok",
        "analytics_database": "ok",
        "cache": "ok",
        "tasks": "ok",
        "request_log": "ok",
    }
    assert set(body["scheduler"]["jobs"]) >= {"push_outbox_sweep", "idempotency_key_purge"}


@pytest.mark.django_db(databases=["default", "analytics"])
def test_it_names_the_failing_dependency(api):
    # A real outage, not a mock: nothing listens on port 1. Changing CACHES resets Django's cache handlers.
    # A block rather than the `settings` fixture, so the cache is healthy again before shared teardowns use it.
    with override_settings(CACHES=UNREACHABLE_REDIS):
        response = api.get("/ready/")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["cache"] == "unavailable"
    assert body["checks"]["database"] == "ok"


def test_the_root_points_to_the_api_docs(api):
    response = api.get("/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json()["docs"] == "http://testserver/api/docs/"
    assert response.json()["schema"] == "http://testserver/api/schema/"
