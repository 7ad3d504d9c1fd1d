import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from rest_framework.test import APIClient

from trackbase.analytics.models import RequestLog
from trackbase.analytics.services import request_log_flush

pytestmark = pytest.mark.django_db(databases=["default", "analytics"])


def test_it_logs_route_pattern_and_status(client):
    before = timezone.now()
    response = client.get("/api/schema/?format=json", HTTP_X_REQUEST_ID="req-schema-1")

    assert response.status_code == 200
    assert request_log_flush() == 1
    entry = RequestLog.objects.get()
    assert (entry.route, entry.method, entry.status_code) == ("api/schema/", "GET", 200)
    assert entry.query_params == {}
    assert entry.request_id == "req-schema-1"
    assert entry.user_id is None
    assert entry.duration_ms > 0
    assert before <= entry.timestamp <= timezone.now()


@pytest.mark.urls("trackbase.analytics.tests.urls")
def test_it_logs_one_route_for_every_path_it_matches():
    client = APIClient()
    client.get("/api/whoami/1/")
    client.get("/api/whoami/2/")

    assert request_log_flush() == 2
    assert set(RequestLog.objects.values_list("route", flat=True)) == {"api/whoami/<int:n>/"}


def test_it_logs_unresolved_paths_as_requested():
    response = APIClient().post("/api/nope/?x=1")

    assert response.status_code == 404
    request_log_flush()
    entry = RequestLog.objects.get()
    assert (entry.route, entry.method, entry.status_code, entry.query_params) == ("/api/nope/", "POST", 404, {})


def test_it_logs_the_me_prefix_too(client):
    client.get("/me/nope/")

    assert request_log_flush() == 1


def test_it_ignores_non_api_paths(client):
    assert client.get("/health/").status_code == 200

    assert request_log_flush() == 0


def test_it_logs_nothing_when_disabled(client, settings):
    settings.REQUEST_LOG_ENABLED = False

    assert client.get("/api/nope/").status_code == 404
    assert request_log_flush() == 0


@pytest.mark.urls("trackbase.analytics.tests.urls")
def test_it_records_the_user_drf_authenticated():
    user = get_user_model().objects.create_user(username="rider", password="S3cure-pass!")
    client = APIClient()
    client.force_authenticate(user)

    assert client.get("/api/whoami/1/").json() == {"id": user.pk}
    request_log_flush()
    assert RequestLog.objects.get().user_id == user.pk


@pytest.mark.urls("trackbase.analytics.tests.urls")
def test_it_records_no_user_for_anonymous_requests():
    APIClient().get("/api/whoami/1/")

    request_log_flush()
    assert RequestLog.objects.get().user_id is None


def test_it_does_not_query_for_a_user_drf_did_not_authenticate(client, django_assert_num_queries):
    client.force_login(get_user_model().objects.create_user(username="rider", password="S3cure-pass!"))

    # A session cookie is present, but nothing on this path looked the user up: neither may the log.
    with django_assert_num_queries(0):
        client.get("/api/nope/")
    request_log_flush()
    assert RequestLog.objects.get().user_id is None


def test_it_stores_paths_postgres_text_cannot_hold(client):
    client.get("/api/a%00b/")

    assert request_log_flush() == 1
    assert RequestLog.objects.get().route == "/api/ab/"


@pytest.mark.urls("trackbase.analytics.tests.urls")
def test_it_stores_values_postgres_text_cannot_hold():
    APIClient().get("/api/search/?q=x%00y")

    assert request_log_flush() == 1
    assert RequestLog.objects.get().query_params == {"q": "xy"}


def test_it_truncates_over_long_paths_instead_of_failing_the_batch(client):
    client.get("/api/" + "x" * 400 + "/")

    assert request_log_flush() == 1
    assert RequestLog.objects.get().route == "/api/" + "x" * 250


def test_it_never_stores_a_device_token_from_the_query_string(owner_client):
    response = owner_client.delete("/api/devices/?token=secret-push-token-123")

    assert response.status_code in (204, 404)
    assert request_log_flush() == 1
    entry = RequestLog.objects.get()
    assert (entry.route, entry.method) == ("api/devices/", "DELETE")
    assert "secret-push-token-123" not in str(entry.query_params)
    assert entry.query_params == {}


@pytest.mark.urls("trackbase.analytics.tests.urls")
def test_it_keeps_only_the_parameters_the_route_allows():
    APIClient().get("/api/search/?q=del&kind=a&kind=b&token=s3cret&access=eyJh&limit=5&offset=10")
    APIClient().get("/api/function-search/?q=bom&password=hunter2")

    assert request_log_flush() == 2
    logged = sorted(RequestLog.objects.values_list("route", "query_params"))
    assert logged == [
        ("api/function-search/", {"q": "bom"}),
        ("api/search/", {"q": "del", "kind": ["a", "b"], "limit": "5", "offset": "10"}),
    ]


@pytest.mark.urls("trackbase.analytics.tests.urls")
def test_it_bounds_what_it_keeps_of_an_allowed_parameter():
    APIClient().get("/api/search/?q=" + "x" * 5000 + "&" + "&".join(f"kind={n}" for n in range(100)))

    assert request_log_flush() == 1
    params = RequestLog.objects.get().query_params
    assert params["q"] == "x" * 200
    assert params["kind"] == [str(n) for n in range(10)]
