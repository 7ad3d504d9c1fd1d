"""The system under test: a throwaway database, migrations, and gunicorn in its production shape."""

import http.client
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import dj_database_url

PROJECT_DIR = Path(__file__).resolve().parent.parent
BENCH_SUFFIX = "_bench"
ANALYTICS_SUFFIX = "_analytics"  # config/settings.py derives the analytics database name this way
# High enough never to trigger, but the throttles still run: their cache work is part of the cost.
UNTHROTTLED_RATE = "1000000/s"
READY_TIMEOUT_S = 60


def _bench_url(url: str) -> tuple[str, str]:
    """The same server, a database named `<name>_bench`: (url, name)."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/") + BENCH_SUFFIX
    return urlunsplit(parts._replace(path="/" + name)), name


def _admin_connection(config: dict):
    engine = config["ENGINE"]
    if "postgresql" in engine:
        import psycopg

        return (
            psycopg.connect(
                dbname="postgres",
                user=config["USER"] or None,
                password=config["PASSWORD"] or None,
                host=config["HOST"] or None,
                port=config["PORT"] or None,
                autocommit=True,
            ),
            '"{}"',
            " WITH (FORCE)",
            "",
        )
    if "mysql" in engine:
        import pymysql

        return (
            pymysql.connect(
                user=config["USER"],
                password=config["PASSWORD"] or "",
                host=config["HOST"] or "127.0.0.1",
                port=int(config["PORT"] or 3306),
                autocommit=True,
            ),
            "`{}`",
            "",
            " CHARACTER SET utf8mb4",
        )
    raise SystemExit(f"bench: unsupported DATABASE_URL engine {engine}")


def _recreate(url: str, names: list[str], *, drop_only: bool = False) -> None:
    connection, quote, force, options = _admin_connection(dj_database_url.parse(url))
    try:
        with connection.cursor() as cursor:
            for name in names:
                cursor.execute(f"DROP DATABASE IF EXISTS {quote.format(name)}{force}")
                if not drop_only:
                    cursor.execute(f"CREATE DATABASE {quote.format(name)}{options}")
    finally:
        connection.close()


@contextmanager
def database(source_url: str | None, *, keep: bool):
    """Env for a fresh database: SQLite under DATA_DIR, or `<name>_bench` (+ analytics) on the URL's server."""
    if not source_url:
        yield {}, "sqlite"
        return
    url, name = _bench_url(source_url)
    names = [name, name + ANALYTICS_SUFFIX]
    _recreate(url, names)
    try:
        # ANALYTICS_DATABASE_URL is dropped so the analytics store is `<name>_bench_analytics` beside it.
        yield {"DATABASE_URL": url, "ANALYTICS_DATABASE_URL": None}, f"{urlsplit(url).scheme} {', '.join(names)}"
    finally:
        if not keep:
            _recreate(url, names, drop_only=True)


def base_env(data_dir: Path, db_env: dict) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")  # another module tries a settings change
    env.update(
        DATA_DIR=str(data_dir),
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        LOG_LEVEL="WARNING",
        BENCH_ENDPOINTS="1",
        PYTHONDONTWRITEBYTECODE="1",
    )
    for key, value in db_env.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def unthrottled(env: dict[str, str], scopes: list[str]) -> dict[str, str]:
    """settings.py reads each scope's rate from THROTTLE_<SCOPE>."""
    return env | {f"THROTTLE_{scope.upper()}": UNTHROTTLED_RATE for scope in scopes}


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=PROJECT_DIR, env=env, check=True)


def migrate(env: dict[str, str]) -> None:
    manage(env, "migrate", "--verbosity=0")
    manage(env, "migrate", "--database=analytics", "--verbosity=0")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _cpu_seconds(pid: int) -> float:
    # /proc/<pid>/stat: the command may contain spaces, so count fields after its closing parenthesis.
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    utime, stime = int(fields[11]), int(fields[12])
    return (utime + stime) / os.sysconf("SC_CLK_TCK")


def database_names(env: dict[str, str]) -> list[str]:
    """The PostgreSQL databases the server under test uses (none for SQLite, MariaDB or no URL)."""
    url = env.get("DATABASE_URL")
    if not url or not urlsplit(url).scheme.startswith("postgres"):
        return []
    name = urlsplit(url).path.lstrip("/")
    return [name, name + ANALYTICS_SUFFIX]


def database_cpu(names: list[str]) -> dict[int, float]:
    """CPU seconds used so far by each live PostgreSQL backend serving these databases, when the server runs
    on this machine (Linux): the database's share of the requests. SQLite's runs in the server's own
    process; MariaDB's threads share one process and cannot be told apart."""
    if not names:
        return {}
    markers = [f" {name} ".encode() for name in names]
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            title = (entry / "cmdline").read_bytes()
            if title.startswith(b"postgres: ") and any(marker in title for marker in markers):
                found[int(entry.name)] = _cpu_seconds(int(entry.name))
        except OSError:  # gone meanwhile
            continue
    return found


def cpu_used(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds used between two readings of {pid: seconds}. A process that started in between counts in
    full; one that ended took its last CPU with it and counts for nothing (so on PostgreSQL this reads a
    little low: connections past DB_CONN_MAX_AGE and the request log's flush connection end and reconnect)."""
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


class WsgiServer:
    """A WSGI server process serving config.wsgi on a free port; subclasses give its command line."""

    name = "server"

    def __init__(self, env: dict[str, str], command: list[str], port: int, log: Path):
        self.port, self.command, self.env, self.log = port, command, env, log
        self.base_url = f"http://127.0.0.1:{port}"
        self.process: subprocess.Popen | None = None

    def describe(self) -> str:
        raise NotImplementedError

    def __enter__(self) -> "WsgiServer":
        # The server's own log and Django's (4xx/5xx warnings, tracebacks) go to one file, not the terminal.
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                self.command, cwd=PROJECT_DIR, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        self._wait_ready()
        return self

    def __exit__(self, *exc) -> None:
        self.process.send_signal(signal.SIGTERM)  # graceful: the master stops its workers
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + READY_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                if probe(self.base_url, "GET", "/health/", timeout=2) == 200:
                    return
            except OSError:  # refused until the socket is bound, then timeouts while workers boot
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} did not answer /health/ within {READY_TIMEOUT_S}s:\n{self.log_tail()}")

    def cpu_by_process(self) -> dict[int, float] | None:
        """CPU seconds used so far by the main process and each worker (Linux): steadier than req/s on a busy box."""
        pids = [self.process.pid]
        try:
            for task in Path(f"/proc/{self.process.pid}/task").iterdir():
                pids += [int(pid) for pid in (task / "children").read_text().split()]
            return {pid: _cpu_seconds(pid) for pid in pids}
        except OSError:
            return None

    def cpu_seconds(self) -> float | None:
        """CPU time used so far by the main process and its workers."""
        by_process = self.cpu_by_process()
        return None if by_process is None else sum(by_process.values())

    def log_lines(self) -> list[str]:
        return self.log.read_text(errors="replace").splitlines() if self.log.exists() else []

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_lines()[-lines:])


class Gunicorn(WsgiServer):
    name = "gunicorn"

    def __init__(self, env: dict[str, str], *, workers: int, worker_class: str, threads: int, log: Path):
        port = _free_port()
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            f"--workers={workers}",
            f"--worker-class={worker_class}",
            f"--bind=127.0.0.1:{port}",
            "--error-logfile=-",
            "--log-level=warning",
        ]
        if worker_class == "gthread":
            command.append(f"--threads={threads}")
        super().__init__(env, command, port, log)

    def describe(self) -> str:
        return "gunicorn config.wsgi " + " ".join(
            arg for arg in self.command[4:] if not arg.startswith(("--bind", "--error-logfile", "--log-level"))
        )


class Granian(WsgiServer):
    """granian's WSGI interface: Rust HTTP handling, the Django app on `threads` blocking threads per worker."""

    name = "granian"

    def __init__(self, env: dict[str, str], *, workers: int, threads: int, log: Path):
        port = _free_port()
        self.options = [
            "--interface=wsgi",
            f"--workers={workers}",
            f"--blocking-threads={threads}",
            "--no-ws",
        ]
        command = [sys.executable, "-m", "granian", *self.options, "--host=127.0.0.1", f"--port={port}"]
        command += ["--log-level=warning", "config.wsgi:application"]
        super().__init__(env, command, port, log)

    def describe(self) -> str:
        return "granian " + " ".join(self.options) + " config.wsgi:application"


SERVERS = ("gunicorn", "granian")


def wsgi_server(kind: str, env: dict[str, str], *, workers: int, worker_class: str, threads: int, log: Path):
    """The server `--server` names; `worker_class` is gunicorn's (granian runs blocking threads)."""
    if kind == "granian":
        return Granian(env, workers=workers, threads=threads, log=log)
    return Gunicorn(env, workers=workers, worker_class=worker_class, threads=threads, log=log)


def probe(base_url: str, method: str, path: str, body: str = "", headers=None, timeout: float = 30) -> int:
    """One request outside the load run: the status it gets (404 means the endpoint is not there yet)."""
    parts = urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        connection.request(method, path, body=body.encode() or None, headers=headers or {})
        return connection.getresponse().status
    finally:
        connection.close()
