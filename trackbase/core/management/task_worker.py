"""The embedded task worker: django-tasks-db's worker loop in a thread of the `serve` process.

In-process on purpose: with no Redis, a task's real-time emits (a notification reaching an open
browser tab) can only reach the Socket.IO server through this process's own event loop.
"""

import logging
import os
import threading
import time

from django.db import connections
from django_tasks_db.management.commands.db_worker import Worker

logger = logging.getLogger("trackbase.serve")
POLL_SECONDS = 0.5
MAX_RESTART_DELAY = 30.0


class TaskWorkerThread:
    def __init__(self):
        self._worker: Worker | None = None
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._supervise, name="task-worker", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float, abort: threading.Event | None = None) -> bool:
        """Let the running task (if any) finish, then stop. False if it was still busy after `timeout`
        or when `abort` was set first (a second Ctrl-C); the daemon thread then ends with the process."""
        self._stopping.set()
        if self._worker is not None:
            self._worker.running = False
        deadline = time.monotonic() + timeout
        while self._thread.is_alive() and time.monotonic() < deadline and not (abort and abort.is_set()):
            self._thread.join(0.1)
        return not self._thread.is_alive()

    def _supervise(self) -> None:
        delay = 1.0
        while not self._stopping.is_set():
            self._worker = Worker(
                queue_names=["*"],
                excluded_queue_names=[],
                interval=POLL_SECONDS,
                batch=False,
                backend_name="default",
                startup_delay=False,
                max_tasks=None,
                worker_id=f"serve-{os.getpid()}",
            )
            try:
                self._worker.run()
                delay = 1.0
            except Exception:  # the loop itself failed (e.g. the database went away): retry with backoff
                logger.exception("task worker crashed; restarting in %.0f s", delay)
                self._stopping.wait(delay)
                delay = min(delay * 2, MAX_RESTART_DELAY)
            finally:
                connections.close_all()
