"""`python -m bench.wellness`: HuCares' benchmarks (issue 9).

- `http` (wrk, `python -m bench`'s harness and table): `checkin-create` (`POST /api/v1/checkins`, each request a
  fresh user-group pair this week) and `group-analytics` (`GET /api/v1/analytics/group/{id}?weeks=104` over 2
  years x 50 members of check-ins), next to the bare authenticated ceiling. Flags after `--` go to `python -m
  bench` (e.g. `http -- --rounds 3 --max-load 2.5`); `python -m bench --endpoints checkin-create` works too.
- `fanout` (the real-time harness's clients and shapes, bench/realtime/): a member's `POST /api/v1/checkins` ->
  the `friend-checked-in` event at each of the group's other `--room` members, each connected over Socket.IO;
  p50/p99 over every delivery, in the production shape (uvicorn + gunicorn + Redis) and/or embedded.
"""

import argparse
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from bench import server
from bench.endpoints import SEED_PASSWORD
from bench.realtime import __main__ as realtime
from bench.realtime import load, report, shapes
from bench.realtime.clients import FD_HEADROOM, raise_fd_limit
from bench.realtime.report import ShapeResult

HTTP_ENDPOINTS = "checkin-create,group-analytics"
HTTP_TRAINS = 200  # `python -m bench` seeds rail data too; it is not what is measured here
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/14"
LATENCY_HOPS = {
    shapes.PRODUCTION: "POST /api/v1/checkins in a gunicorn worker (membership, INSERT, commit) -> on_commit: the"
    " other members' ids, one emit_to_room naming their {room} user rooms (one Redis PUBLISH) -> the Socket.IO"
    " process's pub/sub listener -> a websocket frame per member -> the client process's loop",
    shapes.EMBEDDED: "POST /api/v1/checkins in serve's ASGI Django -> commit -> on_commit: one emit_to_room naming"
    " the {room} user rooms, handed to the process's own loop -> a websocket frame per member -> the client's loop",
}


class CheckInWriter:
    """Write n: the n-th author checks in to their own group, whose other members are the listeners.
    The same interface as bench.realtime.load.Writer, for load.delivery_phase."""

    def __init__(self, rest_url: str, authors: list[list]):
        self.parts, self.authors = urlsplit(rest_url), authors

    def write(self, number: int) -> tuple[str, float, float, datetime]:
        group_id, token = self.authors[number]
        body = json.dumps({"groupId": group_id, "productive": 8, "satisfied": 7, "body": 6, "care": 9})
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        connection = http.client.HTTPConnection(self.parts.hostname, self.parts.port, timeout=30)
        try:
            sent, sent_at = time.monotonic(), datetime.now(UTC)
            connection.request("POST", "/api/v1/checkins", body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
            answered = time.monotonic()
        finally:
            connection.close()
        if response.status != 201:
            raise RuntimeError(f"POST /api/v1/checkins answered {response.status}: {data[:300]!r}")
        # bench/realtime/clients.py names a friend-checked-in delivery by its group: one group per write.
        return f"checkin-group-{group_id}", sent, answered, sent_at


def seed(env: dict[str, str], *args: str) -> str:
    command = [sys.executable, "-m", "bench.wellness.seed", *args]
    return subprocess.run(command, cwd=server.PROJECT_DIR, env=env, check=True, capture_output=True, text=True).stdout


def run_shape(name: str, args, workdir: Path) -> tuple[ShapeResult, list[str]]:
    with ExitStack() as stack:
        db_env, _ = stack.enter_context(server.database(os.environ.get("DATABASE_URL"), keep=args.keep))
        env = server.base_env(workdir / "data", db_env) | {"JWT_ACCESS_MINUTES": str(realtime.JWT_ACCESS_MINUTES)}
        env = shapes.shape_env(name, env, redis_url=args.redis_url)
        if name == shapes.PRODUCTION:
            shapes.flush_redis(args.redis_url)
            stack.callback(shapes.flush_redis, args.redis_url)
        realtime.say(f"{name}: migrating and seeding {args.clients} users, {args.room}-member groups")
        server.migrate(env)
        total = args.warmup_writes + args.writes
        setup = json.loads(
            seed(
                env,
                "setup",
                f"--users={args.clients}",
                f"--room={args.room}",
                f"--writes={total}",
                f"--password={SEED_PASSWORD}",
            )
        )
        env = server.unthrottled(env, setup["throttle_scopes"])
        running = realtime.start_shape(name, stack, env, workdir, args)
        realtime.say(f"{name}: started {running.description}")
        quiet = realtime.wait_for_quiet(args.max_load, args.max_load_wait)
        tokens_path = workdir / "tokens.json"
        seed(env, "tokens", f"--out={tokens_path}")
        result, inbox = realtime.connect(running, stack, args, tokens_path, workdir)
        running.check_alive()
        writer = CheckInWriter(running.rest_url, json.loads(tokens_path.read_text())["authors"])
        load.delivery_phase(
            writer,
            inbox,
            setup["listeners"],
            result,
            writes=args.writes,
            warmup=args.warmup_writes,
            timeout=args.delivery_timeout,
        )
        result.dropped = len(inbox.dropped)
    return result, [f"{name}: {running.description}; {quiet}", f"{name} database: {setup['database']}"]


def fanout(args) -> int:
    raise_fd_limit(args.clients * 2 + FD_HEADROOM)
    workdir = Path(tempfile.mkdtemp(prefix="trackbase-bench-wellness-"))
    results = []
    context = [
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, commit {realtime.git_revision()}, "
        f"load average {os.getloadavg()[0]:.2f} at the start",
        f"clients: {args.clients} python-socketio AsyncClients (bench/realtime/clients.py, websocket transport) over "
        f"{args.client_processes} load process(es); {args.room} of them are the other members of each writer's group",
        f"{args.writes} check-ins measured after {args.warmup_writes} unmeasured, one at a time, each by its own "
        "author in its own group (one check-in per user, group and week), each after the previous one's events",
    ]
    try:
        for name in args.shapes:
            (workdir / name).mkdir()
            result, lines = run_shape(name, args, workdir / name)
            results.append(result)
            context += lines
    finally:
        if args.keep:
            realtime.say(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    notes = [f"latency ({r.shape}) covers: {LATENCY_HOPS[r.shape].format(room=args.room)}" for r in results]
    for r in results:
        slowest = max(r.slowest_ms, key=r.slowest_ms.get, default=None)
        if slowest is not None:
            notes.append(
                f"{r.shape}: slowest write ({slowest}): its last delivery after {r.slowest_ms[slowest]:.0f} ms"
            )
    title = f"friend-checked-in fan-out: POST /api/v1/checkins -> the event at each of the {args.room} other members"
    table = report._plain(report.DELIVERY_COLUMNS, report.delivery_cells(results))
    print("\n".join(context) + f"\n\n{title}\n{table}\n\n" + "\n".join(notes))
    markdown = ["# trackbase wellness fan-out bench", "", *(f"- {line}" for line in context), "", f"## {title}", ""]
    markdown += report._markdown(report.DELIVERY_COLUMNS, report.delivery_cells(results))
    markdown += ["", *(f"- {note}" for note in notes)]
    path = report.RESULTS_DIR / f"wellness-fanout-{datetime.now():%Y%m%d-%H%M%S}.md"
    report.RESULTS_DIR.mkdir(exist_ok=True)
    path.write_text("\n".join(markdown) + "\n")
    print(f"\nwritten to {path.relative_to(server.PROJECT_DIR)}")
    failed = [r.shape for r in results if len(r.latency_ms) < r.expected or not r.expected]
    return 1 if failed else 0


def http_bench(extra: list[str]) -> int:
    from bench import __main__ as bench_main

    argv = ["--endpoints", HTTP_ENDPOINTS, "--trains", str(HTTP_TRAINS), *extra]
    return bench_main.main(argv)


def parse_args(argv: list[str] | None):
    parser = argparse.ArgumentParser(prog="python -m bench.wellness", description=__doc__)
    parser.add_argument("what", choices=["http", "fanout", "all"], nargs="?", default="all")
    parser.add_argument(
        "--shapes", type=lambda v: [s.strip() for s in v.split(",") if s.strip()], default=["production"]
    )
    parser.add_argument("--clients", type=int, default=200, help="websocket clients, one seeded user each (200)")
    parser.add_argument("--client-processes", type=int, default=1)
    parser.add_argument("--room", type=int, default=50, help="the other members of each writer's group (50)")
    parser.add_argument("--writes", type=int, default=20, help="measured check-ins (20)")
    parser.add_argument("--warmup-writes", type=int, default=2)
    parser.add_argument("--delivery-timeout", type=float, default=30)
    parser.add_argument("--connect-timeout", type=float, default=120)
    parser.add_argument(
        "--redis-url", default=DEFAULT_REDIS_URL, help=f"flushed before and after ({DEFAULT_REDIS_URL})"
    )
    parser.add_argument("--rest-workers", type=int, default=2)
    parser.add_argument("--max-load", type=float, default=2.5)
    parser.add_argument("--max-load-wait", type=float, default=600)
    parser.add_argument("--keep", action="store_true")
    argv = sys.argv[1:] if argv is None else argv
    # Everything after `--` goes to `python -m bench` untouched (argparse's REMAINDER would swallow our flags).
    bench_args = argv[argv.index("--") + 1 :] if "--" in argv else []
    args = parser.parse_args(argv[: argv.index("--")] if "--" in argv else argv)
    args.bench_args = bench_args
    if set(args.shapes) - set(shapes.SHAPES):
        parser.error(f"--shapes takes {', '.join(shapes.SHAPES)}")
    if not 0 < args.room <= args.clients:
        parser.error("--room must be between 1 and --clients")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    status = 0
    if args.what in ("http", "all"):
        status |= http_bench(args.bench_args)
    if args.what in ("fanout", "all"):
        status |= fanout(args)
    return status


if __name__ == "__main__":
    sys.exit(main())
