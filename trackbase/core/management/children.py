"""Child processes supervised by the run command: the task worker today, the scheduler later."""

import logging
import signal
import subprocess
import sys
import threading
import time

logger = logging.getLogger("trackbase.serve")

MAX_RESTART_DELAY = 30.0
# A child that ran this long before dying is restarted quickly again: the backoff is for crash loops.
HEALTHY_RUN_SECONDS = 60.0


def parent_death_signal():
    """On Linux, a preexec hook that makes the kernel SIGTERM the child if this process dies (even by SIGKILL)."""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    pr_set_pdeathsig = 1

    def hook() -> None:
        # Runs in the forked child before exec: resolve everything beforehand, call nothing that imports.
        prctl(pr_set_pdeathsig, signal.SIGTERM)

    return hook


class ChildProcess:
    """Runs one command as a child, restarts it (with backoff) if it dies, and stops it with SIGTERM."""

    def __init__(self, name: str, args: list[str], *, stop_timeout: float = 10.0):
        self.name = name
        self.args = args
        self.stop_timeout = stop_timeout
        self.process: subprocess.Popen | None = None
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._monitor: threading.Thread | None = None
        self._preexec = parent_death_signal()

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def start(self) -> None:
        self._spawn()
        self._monitor = threading.Thread(target=self._watch, name=f"{self.name}-monitor", daemon=True)
        self._monitor.start()

    def _spawn(self) -> None:
        with self._lock:
            if self._stopping.is_set():
                return
            # Own process group: a terminal's Ctrl-C reaches only the parent, which then stops the child
            # exactly once. Two signals would make the worker abandon the task it is running.
            # The arguments are built by the run command, never from input.
            self.process = subprocess.Popen(self.args, process_group=0, preexec_fn=self._preexec)  # noqa: S603

    def _watch(self) -> None:
        delay = 1.0
        while not self._stopping.is_set():
            started = time.monotonic()
            code = self.process.wait()
            if self._stopping.is_set():
                return
            if time.monotonic() - started > HEALTHY_RUN_SECONDS:
                delay = 1.0
            logger.error("%s exited unexpectedly; restarting", self.name, extra={"exit_code": code, "delay": delay})
            if self._stopping.wait(delay):
                return
            delay = min(delay * 2, MAX_RESTART_DELAY)
            self._spawn()

    def stop(self) -> int | None:
        """SIGTERM, wait up to stop_timeout, then SIGKILL. Returns the exit code."""
        with self._lock:
            self._stopping.set()
            process = self.process
        if process is None:
            return None
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(self.stop_timeout)
            except subprocess.TimeoutExpired:
                logger.warning("%s did not stop in %ss; killing it", self.name, self.stop_timeout)
                self.kill()
        return process.wait()

    def kill(self) -> None:
        with self._lock:
            self._stopping.set()
            process = self.process
        if process is not None and process.poll() is None:
            process.kill()
