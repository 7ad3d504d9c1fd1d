"""Production's real-time shape on fresh data: two Socket.IO-only ASGI processes, a WSGI REST process and an RQ
worker, all on one Redis (pub/sub between them) and one database.

    uvicorn config.asgi:socketio_application --port A     (and --port B)
    gunicorn config.wsgi -w 2 -b 127.0.0.1:C
    manage.py rqworker --job-class django_tasks_rq.backend.Job --with-scheduler default

Databases, Redis database, logs and clean-up come from tests/blackbox/server.py, as for its servers.
"""

import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.blackbox.server import (
    GUNICORN,
    READY_TIMEOUT,
    RQ_WORKER_ARGS,
    STOP_TIMEOUT,
    Child,
    CommandFailed,
    LiveServer,
    ServerFailed,
    _fresh_server,
    _spawn,
    free_port,
    migrate,
    wait_ready,
)

UVICORN = str(Path(sys.executable).with_name("uvicorn"))


@dataclass
class Cluster:
    rest: LiveServer  # url: the gunicorn process; env: what every process of the cluster runs with
    socketio_urls: list[str]


def wait_socketio(url: str, child: Child, server: LiveServer) -> None:
    """Until an engine.io handshake (long-polling) answers: the app is imported and serving."""
    deadline = time.monotonic() + READY_TIMEOUT
    last = "no answer yet"
    while time.monotonic() < deadline:
        if child.process.poll() is not None:
            raise ServerFailed(f"{child.name} exited with code {child.process.returncode}.\n{server.output()}")
        try:
            response = httpx.get(f"{url}/socket.io/", params={"EIO": "4", "transport": "polling"}, timeout=5)
            if response.status_code == 200 and response.text.startswith("0{"):
                return
            last = f"{response.status_code} {response.text[:200]}"
        except httpx.TransportError as exc:
            last = repr(exc)
        time.sleep(0.2)
    raise ServerFailed(f"{child.name} was not serving Socket.IO after {READY_TIMEOUT:g}s ({last}).\n{server.output()}")


@contextmanager
def run_cluster(base_dir: Path, *, throttle_scopes, socketio_processes: int = 2) -> Iterator[Cluster]:
    with _fresh_server(base_dir, throttle_scopes=throttle_scopes, overrides=None) as server:
        if server.redis_db is None:
            raise ServerFailed("the multi-process cluster needs REDIS_URL")
        try:
            migrate(server.env)
        except CommandFailed as exc:
            raise ServerFailed(str(exc)) from None
        rest = _spawn(
            "gunicorn",
            # No control socket: gunicorn's default is one path in $HOME, which parallel servers would fight over.
            [
                "config.wsgi",
                "-w",
                "2",
                "-b",
                f"127.0.0.1:{server.env['PORT']}",
                "--graceful-timeout",
                "5",
                "--no-control-socket",
            ],
            server.env,
            base_dir,
            program=[GUNICORN],
        )
        server.children.append(rest)
        sockets = []
        for number in range(socketio_processes):
            port = free_port()
            args = ["config.asgi:socketio_application", "--host", "127.0.0.1", "--port", str(port)]
            # Open websockets would hold a plain SIGTERM forever; production's process manager does the same.
            args += ["--timeout-graceful-shutdown", "5", "--no-access-log"]
            child = _spawn(f"socketio-{number}", args, server.env, base_dir, program=[UVICORN])
            server.children.append(child)
            sockets.append((f"http://127.0.0.1:{port}", child))
        server.children.append(_spawn("rqworker", RQ_WORKER_ARGS, server.env, base_dir))
        try:
            wait_ready(server, rest)
            for url, child in sockets:
                wait_socketio(url, child, server)
            server.redis_db.wait_for_worker(server.children[-1])
            yield Cluster(rest=server, socketio_urls=[url for url, _ in sockets])
        finally:
            _stop_uvicorn([child for _, child in sockets], server)


def _stop_uvicorn(children: list[Child], server: LiveServer) -> None:
    """uvicorn's CLI re-raises the SIGTERM it shut down on, so a clean stop exits by that signal, not with 0;
    stop_child would call that a failure. Stop them here, and leave the rest to the shared clean-up."""
    problems = []
    for child in children:
        if child.process.poll() is None:
            child.process.send_signal(signal.SIGTERM)
        try:
            code = child.process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            child.process.kill()
            child.process.wait()
            problems.append(f"{child.name} did not exit within {STOP_TIMEOUT:.0f}s of SIGTERM (killed)")
        else:
            if code not in (0, -signal.SIGTERM):
                problems.append(f"{child.name} exited with code {code} after SIGTERM")
        server.children.remove(child)
    if problems:
        raise ServerFailed("\n".join(problems) + "\n" + "\n".join(f"{c.name}: {c.output()}" for c in children))
