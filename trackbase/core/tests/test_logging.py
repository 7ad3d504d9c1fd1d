"""Log lines are JSON and carry the id of the request that wrote them."""

import io
import logging
import os
import subprocess
import sys

import orjson
import pytest

from trackbase.core.logging import ClientErrorFilter, JsonFormatter, RequestIdFilter
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


@pytest.mark.urls("trackbase.core.tests.urls")
@pytest.mark.parametrize(
    ("method", "path", "status"),
    [("get", "/api/no-such-endpoint/", 404), ("get", "/api/missing/", 404), ("post", "/api/domain/", 409)],
)
def test_it_writes_no_warning_for_a_client_error(api, log_lines, caplog, method, path, status):
    assert getattr(api, method)(path).status_code == status
    assert [line for line in log_lines() if line["level"] != "DEBUG"] == []
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []


def test_it_lets_a_client_error_through_as_debug_only():
    record = logging.makeLogRecord({"levelno": logging.WARNING, "levelname": "WARNING", "status_code": 409})
    assert ClientErrorFilter().filter(record) and record.levelname == "DEBUG"
    server = logging.makeLogRecord({"levelno": logging.ERROR, "levelname": "ERROR", "status_code": 500})
    assert ClientErrorFilter().filter(server) and server.levelname == "ERROR"


LOGGERS_PROBE = """
import logging, django
django.setup()
import trackbase.realtime.server, trackbase.analytics.buffer, django.core.servers.basehttp  # their loggers too
names = ["", "django", "django.request", "django.server", "django.security.DisallowedHost", "django.db.backends"]
names += ["django.template", "trackbase.errors", "trackbase.x", "socketio.server", "engineio.server", "py.warnings"]
names += list(logging.root.manager.loggerDict)
for name in names:
    logging.getLogger(name).info("probe info from %s", name)
    logging.getLogger(name).warning("probe warning from %s", name)
logging.getLogger("trackbase.errors").error("probe error")
"""


@pytest.mark.parametrize(("level", "written"), [("ERROR", {"ERROR"}), ("WARNING", {"WARNING", "ERROR"})])
def test_it_obeys_log_level_in_every_logger(level, written, tmp_path):
    # Logging is configured once per process, at django.setup(): a fresh process per level.
    env = {**os.environ, "LOG_LEVEL": level, "DATA_DIR": str(tmp_path), "DEBUG": "1"}
    env.pop("DATABASE_URL", None)
    done = subprocess.run([sys.executable, "-c", LOGGERS_PROBE], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    lines = [orjson.loads(line) for line in done.stderr.splitlines()]
    assert {line["level"] for line in lines} == written
    assert not [line for line in lines if "probe info" in line["message"]]
