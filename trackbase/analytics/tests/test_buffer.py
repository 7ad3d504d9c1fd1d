import logging
import os
import threading
import time

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext

from trackbase.analytics.buffer import request_log_buffer
from trackbase.analytics.models import RequestLog
from trackbase.analytics.services import request_log_flush

pytestmark = pytest.mark.django_db(databases=["default", "analytics"])

WAIT_SECONDS = 10


def _get(client, request_id: str) -> int:
    return client.get("/api/nope/", HTTP_X_REQUEST_ID=request_id).status_code


def _wait_for(condition) -> bool:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def _drop_warnings(caplog) -> list[int]:
    return [
        r.dropped for r in caplog.records if r.name == "trackbase.analytics.buffer" and r.levelno == logging.WARNING
    ]


@pytest.fixture
def analytics_store_down(monkeypatch, tmp_path):
    """New connections to the analytics store fail for real: its database does not exist.

    The test's own connection stays open (it holds the test transaction); the connection handler shares
    one settings dict per alias, so only connections opened from now on, in other threads, see the change.
    """
    monkeypatch.setitem(connections["analytics"].settings_dict, "NAME", str(tmp_path / "gone" / "analytics"))


def _flush_in_new_thread() -> int:
    written = []
    thread = threading.Thread(target=lambda: written.append(request_log_flush()))
    thread.start()
    thread.join()
    return written[0]


def test_it_writes_a_flush_in_batches_of_the_configured_size(client, settings):
    settings.REQUEST_LOG_BATCH_SIZE = 2
    for n in range(5):
        _get(client, f"req-{n}")

    with CaptureQueriesContext(connections["analytics"]) as queries:
        assert request_log_flush() == 5
    assert sum("INSERT" in q["sql"] for q in queries.captured_queries) == 3
    assert RequestLog.objects.count() == 5


def test_it_keeps_the_newest_entries_when_the_buffer_is_full(client, settings, caplog):
    settings.REQUEST_LOG_MAX_BUFFER = 3
    for n in range(5):
        _get(client, f"req-{n}")

    assert request_log_flush() == 3
    assert set(RequestLog.objects.values_list("request_id", flat=True)) == {"req-2", "req-3", "req-4"}
    assert _drop_warnings(caplog) == [2]


def test_it_drops_entries_when_store_is_down(client, caplog, analytics_store_down):
    _get(client, "req-1")
    _get(client, "req-2")

    assert _flush_in_new_thread() == 0
    assert _drop_warnings(caplog) == [2]
    assert request_log_flush() == 0  # dropped, not kept for a retry that would pile up


def test_requests_succeed_when_analytics_db_is_unavailable(client, settings, caplog, analytics_store_down):
    settings.REQUEST_LOG_FLUSH_SECONDS = 0.05

    assert client.get("/api/schema/").status_code == 200
    assert _get(client, "req-2") == 404
    assert _wait_for(lambda: sum(_drop_warnings(caplog)) == 2)


@pytest.mark.django_db(databases=["default", "analytics"], transaction=True)
def test_the_thread_flushes_on_its_interval(client, settings):
    settings.REQUEST_LOG_FLUSH_SECONDS = 0.05

    _get(client, "req-1")

    assert _wait_for(lambda: RequestLog.objects.filter(request_id="req-1").exists())


@pytest.mark.django_db(databases=["default", "analytics"], transaction=True)
def test_the_thread_flushes_as_soon_as_a_batch_is_waiting(client, settings):
    settings.REQUEST_LOG_FLUSH_SECONDS = 3600
    settings.REQUEST_LOG_BATCH_SIZE = 3

    for n in range(3):
        _get(client, f"req-{n}")

    assert _wait_for(lambda: RequestLog.objects.count() == 3)


def test_no_thread_runs_when_the_interval_is_zero(client):
    _get(client, "req-1")

    assert "request-log-flush" not in {thread.name for thread in threading.enumerate()}


@pytest.mark.filterwarnings("ignore:This process is multi-threaded")
def test_a_forked_worker_starts_with_an_empty_buffer_and_its_own_thread(client, settings):
    settings.REQUEST_LOG_FLUSH_SECONDS = 3600
    _get(client, "req-parent")
    read_end, write_end = os.pipe()

    pid = os.fork()
    if pid == 0:  # the worker: report what it inherited, then leave without running exit handlers
        inherited = request_log_buffer.flush()
        request_log_buffer.append({"request_id": "req-child"})
        threads = {thread.name for thread in threading.enumerate()}
        os.write(write_end, f"{inherited} {'request-log-flush' in threads}".encode())
        os._exit(0)

    os.close(write_end)
    os.waitpid(pid, 0)
    assert os.read(read_end, 64).decode() == "0 True"
    assert request_log_flush() == 1
