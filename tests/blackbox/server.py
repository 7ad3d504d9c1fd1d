"""Start the real server (`manage.py serve`, the `make run` entry point) in a child process, and clean up after it.

Two shapes: `run_server` is `manage.py serve` (uvicorn, one process, its own task worker); `run_gunicorn` is the
production shape (`gunicorn config.wsgi -w 4 --threads 4 -k gthread`, migrated beforehand with `manage.py migrate`),
whose parallel workers and threads can race each other, as concurrency tests need. The gunicorn shape runs no task
worker: tasks it enqueues wait in their queue.

Databases: on the embedded defaults the server gets SQLite files in a fresh DATA_DIR. When DATABASE_URL
points at PostgreSQL or MariaDB (CI), the server gets two fresh databases of its own on that server,
`<name>_bb_<pid>_<n>` and `<analytics name>_bb_<pid>_<n>`, dropped afterwards: it never touches the
database pytest-django uses. With REDIS_URL set, each server gets its own Redis database (15, 14, ...,
flushed before and after), runs tasks on RQ like production, and the fixture starts an `rqworker` child.
"""

import contextlib
import itertools
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx


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


REPO_ROOT = Path(__file__).resolve().parents[2]
MANAGE_PY = str(REPO_ROOT / "manage.py")
READY_TIMEOUT = float(os.environ.get("BLACKBOX_READY_TIMEOUT", "120"))
STOP_TIMEOUT = 20.0  # worst case: uvicorn's 5 s grace, then the worker's 10 s; normally under a second
# Each black-box server takes one Redis database, counting down from the last; pytest uses the one in REDIS_URL.
# BLACKBOX_REDIS_DB_TOP moves that range, so two runs on one Redis (a developer's beside CI) do not flush each other's.
REDIS_DB_TOP = int(os.environ.get("BLACKBOX_REDIS_DB_TOP", "15"))
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
RQ_WORKER_ARGS = ["rqworker", "--job-class", "django_tasks_rq.backend.Job", "--with-scheduler", "default"]
# Variables the fixture decides for the child; whatever the test process has for them is dropped.
CONTROLLED_PREFIXES = ("DATABASE_URL", "ANALYTICS_DATABASE_URL", "REDIS_URL", "TASK_BACKEND", "EMAIL_", "THROTTLE_")


class ServerFailed(Exception):
    pass


class CommandFailed(Exception):
    pass


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def _database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


class ExternalDatabases:
    """Fresh main + analytics databases for one server on the PostgreSQL or MariaDB server of DATABASE_URL."""

    def __init__(self, database_url: str, analytics_url: str | None, suffix: str):
        analytics_url = analytics_url or _with_database(database_url, _database_name(database_url) + "_analytics")
        self.scheme = urlsplit(database_url).scheme
        self.admin_url = database_url
        self.urls = {
            "DATABASE_URL": _with_database(database_url, f"{_database_name(database_url)}_bb_{suffix}"),
            "ANALYTICS_DATABASE_URL": _with_database(analytics_url, f"{_database_name(analytics_url)}_bb_{suffix}"),
        }

    @property
    def names(self) -> list[str]:
        return [_database_name(url) for url in self.urls.values()]

    def create(self) -> None:
        self.drop()  # leftovers of an earlier run that died with this pid
        self._execute([self._create_sql(name) for name in self.names])

    def drop(self) -> None:
        self._execute([self._drop_sql(name) for name in self.names])

    def _create_sql(self, name: str) -> str:
        if self.scheme.startswith("postgres"):
            return f'CREATE DATABASE "{name}"'
        return f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4"

    def _drop_sql(self, name: str) -> str:
        if self.scheme.startswith("postgres"):
            # FORCE: a connection the server left behind must not keep the database alive.
            return f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
        return f"DROP DATABASE IF EXISTS `{name}`"

    def _execute(self, statements: list[str]) -> None:
        parts = urlsplit(self.admin_url)
        if self.scheme.startswith("postgres"):
            import psycopg

            # The names come from our own URL and pid; no user input reaches these statements.
            with psycopg.connect(_with_database(self.admin_url, "postgres"), autocommit=True) as conn:
                for statement in statements:
                    conn.execute(statement)
        elif self.scheme.startswith("mysql"):
            import pymysql

            conn = pymysql.connect(
                host=parts.hostname, port=parts.port or 3306, user=parts.username, password=parts.password or ""
            )
            try:
                with conn.cursor() as cursor:
                    for statement in statements:
                        cursor.execute(statement)
            finally:
                conn.close()
        else:
            raise ServerFailed(f"black-box tests support postgres:// and mysql:// DATABASE_URLs, not {self.scheme}://")


class RedisDatabase:
    def __init__(self, redis_url: str, index: int):
        base = int(urlsplit(redis_url).path.lstrip("/") or 0)
        number = REDIS_DB_TOP - index
        if number <= base:
            number -= 1
        self.url = urlunsplit(urlsplit(redis_url)._replace(path=f"/{number}"))

    def wait_for_worker(self, child: "Child") -> None:
        """Until an RQ worker has registered: before that it may not even handle SIGTERM yet."""
        import redis
        from rq import Worker

        client = redis.Redis.from_url(self.url)
        deadline = time.monotonic() + READY_TIMEOUT
        try:
            while Worker.count(connection=client) == 0:
                if child.process.poll() is not None or time.monotonic() > deadline:
                    raise ServerFailed(f"the RQ worker did not start (exit code {child.process.poll()}).")
                time.sleep(0.1)
        finally:
            client.close()

    def flush(self) -> None:
        import redis

        client = redis.Redis.from_url(self.url)
        try:
            client.flushdb()
        finally:
            client.close()


@dataclass
class Child:
    name: str
    process: subprocess.Popen
    log_path: Path

    def output(self, limit: int = 8000) -> str:
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return text[-limit:]


@dataclass
class LiveServer:
    """One running `manage.py serve` (plus an rqworker on the RQ backend) with its own data."""

    url: str
    data_dir: Path
    env: dict
    children: list[Child] = field(default_factory=list)
    # Where the children write their logs, and the RQ database when tasks run on RQ.
    log_dir: Path | None = None
    redis_db: "RedisDatabase | None" = None

    @property
    def mail_dir(self) -> Path:
        return self.data_dir / "mail"

    def output(self) -> str:
        return "\n".join(f"----- {child.name} ({child.log_path}) -----\n{child.output()}" for child in self.children)


def child_env(*, data_dir: Path, port: int, throttle_scopes, overrides: dict) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith(CONTROLLED_PREFIXES)}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATA_DIR=str(data_dir),
        HOST="127.0.0.1",
        PORT=str(port),
        SECRET_KEY=secrets.token_urlsafe(40),
        DEBUG="0",
        PYTHONUNBUFFERED="1",
        REQUEST_LOG_FLUSH_MS="50",
    )
    # Generous limits so tests never trip a throttle by accident; a throttling test overrides its scope.
    env.update({f"THROTTLE_{scope.upper()}": "100000/min" for scope in throttle_scopes})
    env.update(overrides)
    return env


def _spawn(name: str, args: list[str], env: dict, log_dir: Path, *, program: list[str] | None = None) -> Child:
    """Start `program args` (default: `python manage.py args`) with its output in log_dir/<name>.log."""
    log_path = log_dir / f"{name}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [*(program or [sys.executable, MANAGE_PY]), *args],
            cwd=REPO_ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # so a failed stop can kill the whole group
            # If pytest itself is killed (a CI timeout), the server gets SIGTERM instead of living on.
            preexec_fn=parent_death_signal(),
        )
    return Child(name, process, log_path)


def manage(env: dict, *args: str, extra_env: dict | None = None, timeout: float = READY_TIMEOUT) -> str:
    """Run `manage.py args` to completion as an operator would, with a server's env (DATA_DIR, databases, ...).
    Returns its output; raises CommandFailed with that output when it exits non-zero."""
    try:
        result = subprocess.run(
            [sys.executable, MANAGE_PY, *args],
            cwd=REPO_ROOT,
            env={**env, **(extra_env or {})},
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise CommandFailed(f"manage.py {' '.join(args)} did not finish in {timeout:g}s.") from exc
    output = result.stdout + result.stderr
    if result.returncode != 0:
        raise CommandFailed(f"manage.py {' '.join(args)} exited with code {result.returncode}:\n{output[-8000:]}")
    return output


def create_superuser(server: LiveServer, *, email: str, password: str, username: str | None = None) -> None:
    """An admin account made the operator's way: `manage.py createsuperuser --noinput` with DJANGO_SUPERUSER_*."""
    manage(
        server.env,
        "createsuperuser",
        "--noinput",
        extra_env={
            "DJANGO_SUPERUSER_USERNAME": username or email.split("@")[0],
            "DJANGO_SUPERUSER_EMAIL": email,
            "DJANGO_SUPERUSER_PASSWORD": password,
        },
    )


def wait_ready(server: LiveServer, child: Child) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    last = "no answer yet"
    while time.monotonic() < deadline:
        if child.process.poll() is not None:
            raise ServerFailed(
                f"the server exited with code {child.process.returncode} before it was ready.\n{server.output()}"
            )
        try:
            response = httpx.get(f"{server.url}/ready/", timeout=5)
            if response.status_code == 200:
                return
            last = f"{response.status_code} {response.text}"
        except httpx.TransportError as exc:
            last = repr(exc)
        time.sleep(0.2)
    raise ServerFailed(f"the server was not ready after {READY_TIMEOUT:g}s (last /ready/: {last}).\n{server.output()}")


def stop_child(child: Child) -> str | None:
    """SIGTERM and wait; returns a complaint when the child did not exit cleanly in time."""
    if child.process.poll() is None:
        child.process.send_signal(signal.SIGTERM)
    try:
        code = child.process.wait(STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        _kill_group(child.process.pid)
        child.process.wait()
        return f"{child.name} did not exit within {STOP_TIMEOUT:.0f}s of SIGTERM (killed)"
    if code != 0:
        return f"{child.name} exited with code {code} after SIGTERM"
    return None


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)


def leftover_processes(data_dir: Path) -> list[tuple[int, str]]:
    """Processes still running with this server's DATA_DIR in their environment (Linux only; [] elsewhere)."""
    proc = Path("/proc")
    if not proc.is_dir():
        return []
    marker = f"DATA_DIR={data_dir}".encode()
    found = []
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if marker in (entry / "environ").read_bytes().split(b"\0"):
                found.append((int(entry.name), (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()))
        except OSError:  # gone, a zombie, or not ours
            continue
    return found


_server_numbers = itertools.count()


def _is_external(url: str | None) -> bool:
    return bool(url) and urlsplit(url).scheme.startswith(("postgres", "pgsql", "mysql", "mariadb"))


@contextmanager
def _fresh_server(base_dir: Path, *, throttle_scopes, overrides: dict | None) -> Iterator[LiveServer]:
    """Fresh data (SQLite files in DATA_DIR, or new databases on DATABASE_URL's server), a Redis database when
    REDIS_URL is set, and a port: a LiveServer with no children yet. Afterwards: SIGTERM every child, check that
    nothing outlived them, and drop the data."""
    index = next(_server_numbers)
    data_dir = base_dir / "data"
    port = free_port()
    settings_env: dict[str, str] = {"TASK_BACKEND": "database"}
    databases = redis_db = None
    if _is_external(os.environ.get("DATABASE_URL")):
        databases = ExternalDatabases(
            os.environ["DATABASE_URL"], os.environ.get("ANALYTICS_DATABASE_URL"), f"{os.getpid()}_{index}"
        )
        databases.create()
        settings_env.update(databases.urls)
    if os.environ.get("REDIS_URL"):
        redis_db = RedisDatabase(os.environ["REDIS_URL"], index)
        redis_db.flush()
        settings_env.update(REDIS_URL=redis_db.url, TASK_BACKEND="rq")
    env = child_env(
        data_dir=data_dir, port=port, throttle_scopes=throttle_scopes, overrides={**settings_env, **(overrides or {})}
    )
    server = LiveServer(url=f"http://127.0.0.1:{port}", data_dir=data_dir, env=env, log_dir=base_dir, redis_db=redis_db)
    problems = []
    try:
        yield server
    finally:
        for child in reversed(server.children):
            problems.append(stop_child(child))
        for pid, cmdline in leftover_processes(data_dir):
            problems.append(f"process {pid} outlived the server: {cmdline}")
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        if databases is not None:
            databases.drop()
        if redis_db is not None:
            redis_db.flush()
    problems = [problem for problem in problems if problem]
    if problems:
        raise ServerFailed("\n".join(problems) + "\n" + server.output())


@contextmanager
def run_server(base_dir: Path, *, throttle_scopes, overrides: dict | None = None) -> Iterator[LiveServer]:
    """Start `manage.py serve` on fresh data, wait for /ready/, yield it; then SIGTERM it and check it left nothing."""
    with _fresh_server(base_dir, throttle_scopes=throttle_scopes, overrides=overrides) as server:
        serve = _spawn("serve", ["serve"], server.env, base_dir)
        server.children.append(serve)
        wait_ready(server, serve)
        if server.env["TASK_BACKEND"] == "rq":
            # Production runs RQ workers beside the app; `serve` only prints a hint, so the fixture plays that part.
            server.children.append(_spawn("rqworker", RQ_WORKER_ARGS, server.env, base_dir))
            server.redis_db.wait_for_worker(server.children[-1])
        yield server


def migrate(env: dict) -> None:
    """What a deployment runs before starting gunicorn: both databases, the analytics one holding only its app."""
    manage(env, "migrate", "--noinput")
    manage(env, "migrate", "analytics", "--database", "analytics", "--noinput")


@contextmanager
def run_gunicorn(
    base_dir: Path,
    *,
    throttle_scopes,
    app: str = "config.wsgi:application",
    workers: int = 4,
    threads: int = 4,
    overrides: dict | None = None,
) -> Iterator[LiveServer]:
    """The production shape on fresh data: migrate, then `gunicorn <app> -w 4 --threads 4 -k gthread`; wait for
    /ready/, yield it; then SIGTERM the master (it stops its workers) and check nothing was left behind."""
    with _fresh_server(base_dir, throttle_scopes=throttle_scopes, overrides=overrides) as server:
        try:
            migrate(server.env)
        except CommandFailed as exc:
            raise ServerFailed(str(exc)) from None
        start_gunicorn(server, app=app, workers=workers, threads=threads)
        yield server


def start_gunicorn(server: LiveServer, *, app: str, workers: int = 4, threads: int = 4) -> Child:
    """Start `gunicorn <app>` on the server's (migrated) data and port, and wait for /ready/. Also how a test
    brings a killed server back on the same data."""
    args = [app, "-w", str(workers), "--threads", str(threads), "-k", "gthread"]
    # No control socket: gunicorn's default is one path in $HOME, which parallel servers would fight over.
    args += ["-b", f"127.0.0.1:{server.env['PORT']}", "--graceful-timeout", "5", "--no-control-socket"]
    name = f"gunicorn-{len(server.children)}" if server.children else "gunicorn"
    gunicorn = _spawn(name, args, server.env, server.log_dir, program=[GUNICORN])
    server.children.append(gunicorn)
    wait_ready(server, gunicorn)
    return gunicorn


def kill_hard(server: LiveServer, child: Child) -> None:
    """SIGKILL the child and its whole process group (gunicorn's master and its workers) mid-whatever, as an
    OOM killer or a power cut would: no request finishes, no transaction commits that had not already."""
    group = child.process.pid  # spawned with start_new_session: its pid is its process group's id
    _kill_group(group)
    child.process.wait(STOP_TIMEOUT)
    deadline = time.monotonic() + STOP_TIMEOUT
    while _group_members(server, group) and time.monotonic() < deadline:
        time.sleep(0.05)  # the workers die with the group; wait until the kernel has reaped them
    server.children.remove(child)


def _group_members(server: LiveServer, group: int) -> list[int]:
    members = []
    for pid, _ in leftover_processes(server.data_dir):
        with contextlib.suppress(ProcessLookupError):
            if os.getpgid(pid) == group:
                members.append(pid)
    return members


def _for_fixture(server_context) -> Iterator[LiveServer]:
    import pytest

    failure = None
    try:
        with server_context as live:
            yield live
    except ServerFailed as exc:
        failure = str(exc)
    if failure:
        pytest.fail(failure, pytrace=False)


def serve_for_fixture(base_dir: Path, *, throttle_scopes, overrides: dict | None = None) -> Iterator[LiveServer]:
    """`yield from` this in a fixture: a server that fails to start or stop fails the tests with its output."""
    yield from _for_fixture(run_server(base_dir, throttle_scopes=throttle_scopes, overrides=overrides))


def gunicorn_for_fixture(base_dir: Path, *, throttle_scopes, **options) -> Iterator[LiveServer]:
    """`yield from` this in a fixture: `run_gunicorn(base_dir, **options)`, failing the tests if it fails."""
    yield from _for_fixture(run_gunicorn(base_dir, throttle_scopes=throttle_scopes, **options))
