"""Every failure on /api/ answers problem+json with a stable code and the request id."""

import pytest
from django.test import Client

from trackbase.core.errors import INTERNAL_ERROR_DETAIL
from trackbase.core.testing import assert_problem
from trackbase.core.tests.views import SECRET_IN_CRASH
from trackbase.core.views import NO_ENDPOINT_DETAIL

pytestmark = pytest.mark.urls("trackbase.core.tests.urls")


def test_it_reports_field_errors(api):
    response = api.post("/api/validation/", {"seats": 0}, format="json")
    body = assert_problem(response, 400, "VALIDATION_ERROR")
    assert body["errors"] == {
        "name": ["This field is required."],
        "seats": ["Ensure this value is greater than or equal to 1."],
    }


def test_it_asks_for_credentials_with_a_bearer_challenge(api):
    response = api.get("/api/signed-in/")
    assert_problem(response, 401, "NOT_AUTHENTICATED")
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_it_rejects_a_malformed_bearer_token(api):
    response = api.get("/api/signed-in/", HTTP_AUTHORIZATION="Bearer not-a-jwt")
    body = assert_problem(response, 401, "TOKEN_INVALID")
    assert "errors" not in body


def test_it_refuses_permission(api):
    assert_problem(api.get("/api/forbidden/"), 403, "PERMISSION_DENIED")


def test_it_hides_what_was_not_found(api):
    body = assert_problem(api.get("/api/missing/"), 404, "NOT_FOUND")
    assert "Booking" not in body["detail"]


def test_it_answers_a_domain_error_with_its_own_code(api):
    body = assert_problem(api.post("/api/domain/"), 409, "NOT_ENOUGH_SEATS")
    assert body["detail"] == "Only 2 seats are left."
    assert body["title"] == "Conflict"


def test_it_rejects_an_unsupported_method(api):
    response = api.post("/api/get-only/", {}, format="json")
    assert_problem(response, 405, "METHOD_NOT_ALLOWED")
    assert "GET" in response["Allow"]


def test_it_rejects_malformed_json(api):
    response = api.post("/api/echo/", '{"seats": ', content_type="application/json")
    assert_problem(response, 400, "MALFORMED_REQUEST")


def test_it_rejects_an_unsupported_media_type(api):
    response = api.post("/api/echo/", "seats=2", content_type="text/plain")
    assert_problem(response, 415, "UNSUPPORTED_MEDIA_TYPE")


def test_it_answers_an_oversized_body_with_413(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    response = api.post("/api/echo/", {"note": "x" * 200}, format="json")
    assert_problem(response, 413, "REQUEST_TOO_LARGE")


def test_it_says_when_to_retry_after_throttling(api):
    response = api.get("/api/throttled/")
    assert_problem(response, 429, "THROTTLED")
    assert response["Retry-After"] == "3"  # 2.5 s rounded up: never invite a retry that is still too early


def test_it_never_leaks_an_unexpected_error(api):
    response = api.get("/api/crash/")
    body = assert_problem(response, 500, "INTERNAL_ERROR")
    assert body["detail"] == INTERNAL_ERROR_DETAIL
    assert SECRET_IN_CRASH not in response.content.decode()


def test_it_answers_a_crash_outside_drf_with_problem_json():
    response = Client(raise_request_exception=False).get("/api/django-crash/")
    body = assert_problem(response, 500, "INTERNAL_ERROR")
    assert SECRET_IN_CRASH not in response.content.decode()
    assert body["detail"] == INTERNAL_ERROR_DETAIL


@pytest.mark.urls("config.urls")
@pytest.mark.parametrize("path", ["/api/no-such-endpoint/", "/me/no-such-thing", "/api", "/me"])
def test_it_answers_unknown_api_paths_with_problem_json(api, path):
    body = assert_problem(api.get(path), 404, "NOT_FOUND")
    assert body["detail"] == NO_ENDPOINT_DETAIL


@pytest.mark.urls("config.urls")
def test_it_keeps_html_404s_outside_the_api(api):
    response = api.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.urls("config.urls")
def test_it_answers_a_disallowed_host_on_an_api_path_with_problem_json(client):
    response = client.get("/api/profile/", HTTP_HOST="evil.example")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "BAD_REQUEST"
