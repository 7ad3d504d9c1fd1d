"""`python -m bench.realtime` / `make bench-realtime`: 1,000 Socket.IO clients on one process (connect time,
memory) and the latency from a REST write to its delivery at every client of a 50-member room."""

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path

from bench import server
from bench.endpoints import SEED_PASSWORD
from bench.realtime import load, report, rqjobs, shapes
from bench.realtime.clients import FD_HEADROOM, raise_fd_limit
from bench.realtime.report import ShapeResult, percentile

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/13"
JWT_ACCESS_MINUTES = 240  # the tokens must outlive the run, a wait for a quiet machine included
SETTLE_S = 2  # after the last connection, before reading RSS: let the handshakes' garbage go
LOAD_POLL_S = 15

# What one delivery's latency spans, from the REST request to the client's handler ({room}: followers).
LATENCY_HOPS = {
    shapes.PRODUCTION: "POST /api/trains/{{n}}/events/ in a gunicorn worker -> commit -> on_commit, in that worker:"
    " notifications_send: insert {room} rows, commit -> claim them -> emit_to_users: {room} PUBLISHes in one"
    " Redis pipeline -> the Socket.IO process's pub/sub listener -> websocket frame -> the client process's loop"
    " (no RQ job: only pushes use the queue)",
    shapes.EMBEDDED: "POST /api/trains/{{n}}/events/ in serve's ASGI Django -> commit -> on_commit, in that"
    " request: notifications_send: insert {room} rows, commit -> claim -> emit_to_users: one hand-off of {room}"
    " emits to the process's own loop -> websocket frame -> the client process's loop (no task poll)",
}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.realtime", description=__doc__)
    parser.add_argument(
        "--shapes",
        type=lambda value: [name.strip() for name in value.split(",") if name.strip()],
        default=list(shapes.SHAPES),
        help="comma-separated: production (uvicorn + gunicorn + rqworker + Redis), embedded (manage.py serve)",
    )
    parser.add_argument("--clients", type=int, default=1000, help="websocket clients (1000)")
    # One process opens 1,000 websockets on a fraction of a core (the table's "load proc CPU"); more spread it.
    parser.add_argument("--client-processes", type=int, default=1, help="load processes sharing the clients (1)")
    parser.add_argument("--room", type=int, default=50, help="followers of the train, i.e. the room's size (50)")
    parser.add_argument("--writes", type=int, default=20, help="measured REST writes (20)")
    parser.add_argument("--warmup-writes", type=int, default=2, help="unmeasured REST writes first (2)")
    parser.add_argument("--delivery-timeout", type=float, default=30, help="seconds to wait for one write's events")
    parser.add_argument("--connect-timeout", type=float, default=120, help="per-client handshake timeout, seconds")
    parser.add_argument("--redis-url", default=DEFAULT_REDIS_URL, help=f"flushed first ({DEFAULT_REDIS_URL})")
    parser.add_argument("--rest-workers", type=int, default=2, help="gunicorn gthread workers (2)")
    # The same flags as `python -m bench`, but on by default: 1,000 handshakes at once feel any other work.
    parser.add_argument("--max-load", type=float, default=2.5, help="wait for a 1-min load average below this")
    parser.add_argument("--max-load-wait", type=float, default=600, help="seconds to wait for it at most (600)")
    parser.add_argument("--keep", action="store_true", help="keep the temp directory (server and client logs)")
    args = parser.parse_args(argv)
    unknown = set(args.shapes) - set(shapes.SHAPES)
    if unknown or not args.shapes:
        parser.error(f"--shapes takes {', '.join(shapes.SHAPES)}")
    if not 0 < args.room <= args.clients:
        parser.error("--room must be between 1 and --clients")
    return args


def say(message: str) -> None:
    print(f"bench.realtime: {message}", file=sys.stderr, flush=True)


def seed(env: dict[str, str], *args: str) -> str:
    command = [sys.executable, "-m", "bench.realtime.seed", *args]
    return subprocess.run(command, cwd=server.PROJECT_DIR, env=env, check=True, capture_output=True, text=True).stdout


def wait_for_quiet(threshold: float, max_wait: float) -> str:
    """Poll the 1-minute load average until it drops below `threshold`; a line for the report."""
    started = time.monotonic()
    while (load_now := os.getloadavg()[0]) >= threshold and time.monotonic() - started < max_wait:
        say(f"load average {load_now:.2f} >= {threshold:g}: waiting for a quieter machine")
        time.sleep(LOAD_POLL_S)
    waited = time.monotonic() - started
    verdict = "" if load_now < threshold else f", still >= {threshold:g}: measured anyway"
    return f"load average {load_now:.2f} when measuring (waited {waited:.0f} s{verdict})"


def start_shape(name: str, stack: ExitStack, env: dict[str, str], workdir: Path, args) -> shapes.Running:
    if name == shapes.PRODUCTION:
        return shapes.start_production(stack, env, workdir, rest_workers=args.rest_workers)
    return shapes.start_embedded(stack, env, workdir)


def run_shape(name: str, args, workdir: Path) -> tuple[ShapeResult, list[str]]:
    with ExitStack() as stack:
        env, setup = prepare(name, stack, args, workdir)
        running = start_shape(name, stack, env, workdir, args)
        say(f"{name}: started {running.description}")
        quiet = wait_for_quiet(args.max_load, args.max_load_wait)
        tokens_path = workdir / "tokens.json"
        seed(env, "tokens", f"--out={tokens_path}")
        result, inbox = connect(running, stack, args, tokens_path, workdir)
        running.check_alive()
        writer = load.Writer(running.rest_url, json.loads(tokens_path.read_text())["admin"], setup["train_number"])
        load.delivery_phase(
            writer,
            inbox,
            setup["followers"],
            result,
            writes=args.writes,
            warmup=args.warmup_writes,
            timeout=args.delivery_timeout,
        )
        result.dropped = len(inbox.dropped)
        if name == shapes.PRODUCTION:
            result.job_ms = rqjobs.breakdown(env["REDIS_URL"], result.sent_at)
        raw = {"followers": setup["followers"], "deliveries": inbox.by_event, "dropped": inbox.dropped}
        (workdir / "raw.json").write_text(json.dumps(raw | {"connect_s": result.connect_s}))  # for --keep
    return result, [f"{name}: {running.description}; {quiet}", f"{name} database: {setup['database']}"]


def prepare(name: str, stack: ExitStack, args, workdir: Path) -> tuple[dict[str, str], dict]:
    """A fresh database (and Redis database), migrated and seeded: (the servers' env, the seed's facts)."""
    db_env, _ = stack.enter_context(server.database(os.environ.get("DATABASE_URL"), keep=args.keep))
    env = server.base_env(workdir / "data", db_env) | {"JWT_ACCESS_MINUTES": str(JWT_ACCESS_MINUTES)}
    env = shapes.shape_env(name, env, redis_url=args.redis_url)
    if name == shapes.PRODUCTION:
        shapes.flush_redis(args.redis_url)
        stack.callback(shapes.flush_redis, args.redis_url)
    say(f"{name}: migrating and seeding {args.clients} users")
    server.migrate(env)
    setup = json.loads(
        seed(env, "setup", f"--users={args.clients}", f"--followers={args.room}", f"--password={SEED_PASSWORD}")
    )
    return server.unthrottled(env, setup["throttle_scopes"]), setup


def connect(running: shapes.Running, stack: ExitStack, args, tokens: Path, workdir: Path):
    """Every client connects at once: their times, the server's CPU and memory around it. -> (result, inbox)"""
    result, pid = ShapeResult(running.name, clients=args.clients), running.socketio.pid
    result.rss_before_kib = shapes.rss_kib(pid)
    inbox = load.Inbox()
    loads = load.start_load(
        running.socketio_url,
        tokens,
        clients=args.clients,
        processes=args.client_processes,
        timeout=args.connect_timeout,
        inbox=inbox,
        log=workdir / "clients.log",
    )
    for client_process in loads:
        stack.callback(client_process.stop)  # before the servers stop: the stack unwinds in reverse
    say(f"{running.name}: connecting {args.clients} clients from {len(loads)} load process(es)")
    cpu_before = shapes.cpu_seconds(pid)
    load.connect_phase(loads, result, timeout=args.connect_timeout + 60)
    result.server_cpu_s = shapes.cpu_seconds(pid) - cpu_before
    time.sleep(SETTLE_S)
    result.rss_after_kib = shapes.rss_kib(pid)
    say(f"{running.name}: {result.connected} connected in {result.wall_s:.2f} s; {args.writes} writes")
    return result, inbox


def git_revision() -> str:
    def git(*args: str) -> str:
        run = subprocess.run(["git", *args], cwd=server.PROJECT_DIR, capture_output=True, text=True, check=False)
        return run.stdout.strip()

    return git("rev-parse", "--short", "HEAD") + ("+uncommitted" if git("status", "--porcelain") else "")


def context_lines(args) -> list[str]:
    return [
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, commit {git_revision()}",
        f"machine: {os.cpu_count()} CPUs, {platform.system()} {platform.release()}, Python {platform.python_version()}"
        " (servers and load processes share these CPUs)",
        f"clients: {args.clients} python-socketio AsyncClients (websocket transport only, auth: {{token}}) over "
        f"{args.client_processes} load process(es), all opening their connection at once",
        f"delivery: {args.room} of them follow one train; {args.writes} admin writes measured after "
        f"{args.warmup_writes} unmeasured, one at a time, each after the previous one's events arrived",
    ]


def notes(results: list[ShapeResult], room: int) -> list[str]:
    lines = [f"latency ({r.shape}) covers: {LATENCY_HOPS[r.shape].format(room=room)}" for r in results]
    lines.append(
        "connect time: from a client's connect() call to the server's CONNECT answer (TCP, websocket upgrade, "
        "engine.io OPEN, the JWT check and its user query); all clients start at once, so it includes queueing"
    )
    for r in results:
        lines += job_lines(r)
        if r.strays:
            lines.append(
                f"{r.shape}: {r.strays} strays, notifications for non-followers: Redis pub/sub ignores the database "
                "number, so another trackbase on the same Redis server publishes on the same `socketio` channel"
            )
        if r.connect_errors:
            lines.append(
                f"{r.shape} connect failures: {r.connect_errors} (python-socketio's 'Unexpected connection error': "
                "the server answered the namespace CONNECT neither way within --connect-timeout; see its log, --keep)"
            )
    return lines


def job_lines(r: ShapeResult) -> list[str]:
    """The production latency split by RQ's job timestamps (the median write), and the slowest write."""
    lines = []
    if r.job_ms:
        to_start, running = [start for start, _ in r.job_ms.values()], [run for _, run in r.job_ms.values()]
        lines.append(
            f"{r.shape}, medians per write from RQ's job timestamps: request sent -> job started "
            f"{percentile(to_start, 50):.0f} ms (REST, commit, enqueue, the worker's fork); the job "
            f"{percentile(running, 50):.0f} ms (notifications_send and its {r.room} publishes)"
        )
    slowest = max(r.slowest_ms, key=r.slowest_ms.get, default=None)
    if slowest is not None:
        line = f"{r.shape}, slowest write (event {slowest}): its last delivery {r.slowest_ms[slowest]:.0f} ms"
        if slowest in r.job_ms:
            start, run = r.job_ms[slowest]
            line += f"; its job started {start:.0f} ms after the request and ran {run:.0f} ms"
        lines.append(line)
    return lines


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # Children inherit the limit: the Socket.IO process needs a descriptor per websocket too.
    raise_fd_limit(args.clients * 2 + FD_HEADROOM)
    workdir = Path(tempfile.mkdtemp(prefix="trackbase-bench-realtime-"))
    results, context = [], context_lines(args)
    try:
        for name in args.shapes:
            (workdir / name).mkdir()
            result, lines = run_shape(name, args, workdir / name)
            results.append(result)
            context += lines
    finally:
        if args.keep:
            say(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    footnotes = notes(results, args.room)
    print("\n".join(context) + "\n\n" + report.plain(results) + "\n\n" + "\n".join(footnotes))
    path = report.save(report.markdown(results, context, footnotes))
    print(f"\nwritten to {path.relative_to(server.PROJECT_DIR)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
