"""Log lines are JSON and carry the id of the request that wrote them."""

import io
import logging

import orjson
import pytest

from trackbase.core.logging import JsonFormatter, RequestIdFilter
from trackbase.core.request_id import reset_request_id, set_request_id
from trackbase.core.tests.views import SECRET_IN_CRASH


@pytest.fixture
def log_lines():
    """What the configured console handler writes, as parsed JSON lines."""
    handler = next(h for h in logging.getLogger().handlers if isinstance(h.formatter, JsonFormatter))
    assert any(isinstance(f, RequestIdFilter) for f in handler.filters)
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield lambda: [orjson.loads(line) for line in stream.getvalue().splitlines()]
    handler.setStream(previous)


def test_it_writes_json_with_the_request_id(log_lines):
    token = set_request_id("req-123")
    try:
        logging.getLogger("trackbase.test").warning("seat map refreshed", extra={"train": 12})
    finally:
        reset_request_id(token)
    [line] = log_lines()
    assert line["message"] == "seat map refreshed"
    assert line["level"] == "WARNING"
    assert line["request_id"] == "req-123"
    assert line["train"] == 12


def test_it_writes_null_outside_a_request(log_lines):
    logging.getLogger("trackbase.test").warning("startup")
    assert log_lines()[0]["request_id"] is None


@pytest.mark.urls("trackbase.core.tests.urls")
def test_it_logs_an_unexpected_error_with_the_request_id(api, log_lines):
    api.get("/api/crash/", HTTP_X_REQUEST_ID="crash-1")
    [line] = [line for line in log_lines() if line["logger"] == "trackbase.errors"]
    assert line["request_id"] == "crash-1"
    assert line["level"] == "ERROR"
    # The full reason goes to the log, where operators look, never to the client.
    assert SECRET_IN_CRASH in line["exc"]


@pytest.mark.urls("trackbase.core.tests.urls")
def test_it_tags_djangos_own_request_log_with_the_request_id(api, log_lines):
    # django.request writes "Internal Server Error" after the middleware has returned.
    api.get("/api/crash/", HTTP_X_REQUEST_ID="crash-2")
    [line] = [line for line in log_lines() if line["logger"] == "django.request"]
    assert line["request_id"] == "crash-2"
