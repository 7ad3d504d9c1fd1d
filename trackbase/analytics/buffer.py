"""A bounded in-process queue of request-log rows, written to the analytics store in batches, off the request path.

One daemon thread per process drains it every REQUEST_LOG_FLUSH_SECONDS, or sooner once REQUEST_LOG_BATCH_SIZE
rows wait. With REQUEST_LOG_FLUSH_SECONDS = 0 no thread runs and rows wait for an explicit `flush()`.
"""

import atexit
import logging
import os
import threading
import time
from collections import deque

from django.conf import settings
from django.db import OperationalError, connections, router

from trackbase.analytics.models import RequestLog

logger = logging.getLogger(__name__)

# How long stopping waits for a flush already under way before giving up on the thread.
STOP_TIMEOUT_SECONDS = 5.0
WRITE_ATTEMPTS = 4


class RequestLogBuffer:
    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        """Forget queued rows and the flush thread; the state a fresh process starts with."""
        # Also the after-fork hook: a forked worker would otherwise write its parent's queued rows a second
        # time, and inherit a thread object whose thread did not survive the fork, and locks possibly held.
        self._lock = threading.Lock()
        self._flushing = threading.Lock()
        self._rows: deque[dict] = deque()
        self._overflowed = 0
        self._wake = threading.Event()
        self._stop: threading.Event | None = None
        self._thread: threading.Thread | None = None

    def append(self, row: dict) -> None:
        with self._lock:
            if len(self._rows) >= settings.REQUEST_LOG_MAX_BUFFER:
                # The store is slower than the traffic or down: keep the newest rows, count the lost ones.
                self._rows.popleft()
                self._overflowed += 1
            self._rows.append(row)
            batch_ready = len(self._rows) >= settings.REQUEST_LOG_BATCH_SIZE
            if self._thread is None and settings.REQUEST_LOG_FLUSH_SECONDS > 0:
                self._start_thread()
        if batch_ready:
            self._wake.set()

    def flush(self) -> int:
        """Write every queued row now; returns how many were written (0 when the store refused them)."""
        # One flush at a time, so a flush at exit waits for the thread's batch instead of racing it.
        with self._flushing:
            with self._lock:
                rows, self._rows = self._rows, deque()
                overflowed, self._overflowed = self._overflowed, 0
            if overflowed:
                logger.warning("request log buffer full; entries dropped", extra={"dropped": overflowed})
            return self._write(rows) if rows else 0

    def stop(self) -> None:
        """Stop the flush thread, leaving queued rows in place; the next append starts a new one."""
        with self._lock:
            thread, stop = self._thread, self._stop
            self._thread = self._stop = None
        if thread is None:
            return
        stop.set()
        self._wake.set()
        thread.join(STOP_TIMEOUT_SECONDS)

    def _write(self, rows: deque[dict]) -> int:
        try:
            self._insert_with_retry([RequestLog(**row) for row in rows])
        except Exception as exc:  # best effort by design: a broken store costs log rows, never requests
            logger.warning(
                "request log flush failed; entries dropped", extra={"dropped": len(rows), "error": repr(exc)}
            )
            return 0
        return len(rows)

    @staticmethod
    def _insert_with_retry(entries: list) -> None:
        # A lock held for a moment (a deadlock victim, a busy SQLite table) is not a broken store: retry
        # briefly before dropping the batch.
        for attempt in range(WRITE_ATTEMPTS):
            try:
                RequestLog.objects.bulk_create(entries, batch_size=settings.REQUEST_LOG_BATCH_SIZE)
                return
            except OperationalError:
                if attempt == WRITE_ATTEMPTS - 1:
                    raise
                time.sleep(0.05 * 2**attempt)

    def _start_thread(self) -> None:
        # The interval is fixed for the thread's life: a setting changed at runtime (tests) must not turn its
        # wait into a busy loop; stop() and the next append pick up the new value.
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._run,
            args=(self._stop, settings.REQUEST_LOG_FLUSH_SECONDS),
            name="request-log-flush",
            daemon=True,
        )
        self._thread.start()

    def _run(self, stop: threading.Event, interval: float) -> None:
        while True:
            self._wake.wait(interval)
            if stop.is_set():
                return
            self._wake.clear()
            try:
                self.flush()
                # Connections are per thread and this thread lives as long as the process: closing after each
                # batch holds no idle connection open (nor one that would block dropping a test database).
                connections[router.db_for_write(RequestLog)].close()
            except Exception:  # the thread must outlive any failure, or the buffer could only ever fill up
                logger.exception("request log flush thread failed")


request_log_buffer = RequestLogBuffer()
os.register_at_fork(after_in_child=request_log_buffer.reset)
atexit.register(request_log_buffer.flush)
