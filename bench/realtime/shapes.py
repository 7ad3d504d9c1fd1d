"""The system under test, in the two shapes the bench measures, and what it reads from its processes.

production: `uvicorn config.asgi:socketio_application` (one process holds every websocket), the REST API in
  gunicorn WSGI workers and an RQ worker, all on one Redis: a REST write's notifications travel
  WSGI -> RQ -> worker -> Redis pub/sub -> the Socket.IO process.
embedded: `manage.py serve`, one process: Socket.IO, the REST API (ASGI) and the database task worker
  thread; emits go to the process's own loop, no Redis.
"""

import signal
import subprocess
import sys
import time
from contextlib import ExitStack
from pathlib import Path

import httpx

from bench import server
from bench.server import PROJECT_DIR, Gunicorn

PRODUCTION, EMBEDDED = "production", "embedded"
SHAPES = (PRODUCTION, EMBEDDED)
RQ_WORKER = ["manage.py", "rqworker", "--job-class", "django_tasks_rq.backend.Job", "--with-scheduler", "default"]
READY_TIMEOUT_S = 60
STOP_TIMEOUT_S = 20


def rss_kib(pid: int) -> int:
    """Resident memory of one process (VmRSS, KiB)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for pid {pid}")


def cpu_seconds(pid: int) -> float:
    return server._cpu_seconds(pid)


class Child:
    """One server process, its output in a log file; SIGTERM on exit, then SIGKILL if it hangs."""

    def __init__(self, name: str, command: list[str], env: dict[str, str], log: Path):
        self.name, self.command, self.env, self.log = name, command, env, log
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> "Child":
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                self.command, cwd=PROJECT_DIR, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        return self

    def __exit__(self, *exc) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    @property
    def pid(self) -> int:
        return self.process.pid

    def check_alive(self) -> None:
        if self.process.poll() is not None:
            tail = "\n".join(self.log.read_text(errors="replace").splitlines()[-30:])
            raise RuntimeError(f"{self.name} exited with {self.process.returncode}:\n{tail}")


def _wait(child: Child, ready, what: str) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        child.check_alive()
        try:
            if ready():
                return
        except (OSError, httpx.TransportError):  # refused until the socket is bound
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{child.name} did not {what} within {READY_TIMEOUT_S}s (log: {child.log})")


def _serves_socketio(url: str) -> bool:
    # An engine.io long-polling handshake: the app is imported and serving. (The session it opens times
    # out unused after pingInterval + pingTimeout; that is a few KiB in the "before" RSS.)
    response = httpx.get(f"{url}/socket.io/", params={"EIO": "4", "transport": "polling"}, timeout=5)
    return response.status_code == 200 and response.text.startswith("0{")


def _serves_http(url: str) -> bool:
    return httpx.get(f"{url}/health/", timeout=5).status_code == 200


def _worker_registered(redis_url: str) -> bool:
    import redis
    from rq import Worker

    client = redis.Redis.from_url(redis_url)
    try:
        return Worker.count(connection=client) > 0
    finally:
        client.close()


def flush_redis(redis_url: str) -> None:
    import redis

    client = redis.Redis.from_url(redis_url)
    try:
        client.flushdb()
    except redis.ConnectionError as exc:
        raise SystemExit(f"bench: Redis at {redis_url} is not reachable ({exc}); try --shapes embedded") from None
    finally:
        client.close()


class Running:
    """The started shape: where clients connect, where REST writes go, which process holds the sockets."""

    def __init__(self, name: str, socketio: Child, socketio_url: str, rest_url: str, description: str):
        self.name, self.socketio, self.socketio_url = name, socketio, socketio_url
        self.rest_url, self.description = rest_url, description

    def check_alive(self) -> None:
        self.socketio.check_alive()


def shape_env(name: str, env: dict[str, str], *, redis_url: str) -> dict[str, str]:
    """Production runs tasks on RQ and emits through Redis; embedded has no Redis at all."""
    if name == PRODUCTION:
        return env | {"REDIS_URL": redis_url, "TASK_BACKEND": "rq"}
    return {key: value for key, value in env.items() if key != "REDIS_URL"} | {"TASK_BACKEND": "database"}


def start_production(stack: ExitStack, env: dict[str, str], workdir: Path, *, rest_workers: int) -> Running:
    redis_url = env["REDIS_URL"]
    port = server._free_port()
    socketio_url = f"http://127.0.0.1:{port}"
    uvicorn = [str(Path(sys.executable).with_name("uvicorn")), "config.asgi:socketio_application"]
    # One process, uvicorn's defaults otherwise; a SIGTERM waits 5 s for open websockets, not forever.
    uvicorn += ["--host=127.0.0.1", f"--port={port}", "--no-access-log", "--timeout-graceful-shutdown=5"]
    socketio = stack.enter_context(Child("socketio", uvicorn, env, workdir / "socketio.log"))
    rest = Gunicorn(env, workers=rest_workers, worker_class="gthread", threads=4, log=workdir / "gunicorn.log")
    stack.enter_context(rest)
    worker = stack.enter_context(Child("rqworker", [sys.executable, *RQ_WORKER], env, workdir / "rqworker.log"))
    _wait(socketio, lambda: _serves_socketio(socketio_url), "serve Socket.IO")
    _wait(worker, lambda: _worker_registered(redis_url), "register with Redis")
    description = (
        f"uvicorn config.asgi:socketio_application (1 process) + {rest.describe()} + rqworker (1), Redis {redis_url}"
    )
    return Running(PRODUCTION, socketio, socketio_url, rest.base_url, description)


def start_embedded(stack: ExitStack, env: dict[str, str], workdir: Path) -> Running:
    port = server._free_port()
    url = f"http://127.0.0.1:{port}"
    command = [sys.executable, "manage.py", "serve", "--host=127.0.0.1", f"--port={port}", "--no-migrate"]
    serve = stack.enter_context(Child("serve", command, env, workdir / "serve.log"))
    _wait(serve, lambda: _serves_http(url) and _serves_socketio(url), "serve HTTP and Socket.IO")
    description = "manage.py serve (1 process: Socket.IO + REST on ASGI + database task worker thread), no Redis"
    return Running(EMBEDDED, serve, url, url, description)
