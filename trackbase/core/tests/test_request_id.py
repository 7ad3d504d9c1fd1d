"""X-Request-ID: a caller's safe id is kept, anything else is replaced; either way it is echoed."""

import pytest

from trackbase.core.request_id import accept_or_generate

pytestmark = pytest.mark.urls("trackbase.core.tests.urls")


def test_it_keeps_a_valid_request_id(api):
    response = api.get("/health/", HTTP_X_REQUEST_ID="client-7f3a.retry:2")
    assert response["X-Request-ID"] == "client-7f3a.retry:2"


def test_it_generates_one_when_none_is_sent(api):
    first, second = api.get("/health/")["X-Request-ID"], api.get("/health/")["X-Request-ID"]
    assert len(first) == 32 and first != second


@pytest.mark.parametrize(
    "sent",
    ["x" * 500, "has spaces", "line\nbreak", "trailing-newline\n", "", "naïve", "<script>"],
    ids=["too-long", "spaces", "newline", "trailing-newline", "empty", "non-ascii", "markup"],
)
def test_it_replaces_an_unsafe_request_id(sent):
    generated = accept_or_generate(sent)
    assert generated != sent
    assert len(generated) == 32 and generated.isalnum()


def test_it_echoes_a_replaced_id_and_puts_it_in_error_bodies(api):
    response = api.get("/api/forbidden/", HTTP_X_REQUEST_ID="x" * 500)
    assert response["X-Request-ID"] != "x" * 500
    assert response.json()["request_id"] == response["X-Request-ID"]


def test_it_puts_the_callers_id_in_error_bodies(api):
    response = api.get("/api/forbidden/", HTTP_X_REQUEST_ID="trace-42")
    assert response.json()["request_id"] == "trace-42"
