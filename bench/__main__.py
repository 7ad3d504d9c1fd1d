"""`python -m bench` / `make bench`: start the server in its production shape, load it, print the table."""

import argparse
import functools
import json
import math
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

from bench import contention, loadgen, report, server
from bench import endpoints as specs
from bench.endpoints import SEED_PASSWORD, SINGLE_USE_POOLS, Endpoint

# gthread over sync: a thread serves another request while one waits on the database, and connections
# are kept alive. Measured on the 2-core machines: bench/README.md, "Worker class".
DEFAULT_WORKER_CLASS = "gthread"
# Headroom on the rate a single-use pool is sized from: running dry would turn into 401s.
SINGLE_USE_MARGIN = 1.5
SINGLE_USE_MIN, SINGLE_USE_CAP = 500, 200_000
FALLBACK_RATE = 5000.0  # req/s assumed when a single-use endpoint's ceiling was not measured
DRAIN_TIMEOUT_S = 120
BUSY_LOAD = 0.5  # per CPU, before the run starts
SERVER_LOG_TAIL = 10
LOAD_POLL_S = 10
SCENARIOS = ("goals", "endpoints", "booking-contention")
DEFAULT_CONNECTIONS = {"goals": 32, "endpoints": 32, "booking-contention": 50}
# The goals run measures about 20 things a round, 3 rounds: shorter measurements keep it near 15 minutes.
DEFAULT_DURATION = {"goals": 6.0, "endpoints": 10.0, "booking-contention": 10.0}
DEFAULT_ROUNDS = {"goals": 3, "endpoints": 1, "booking-contention": 1}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--scenario",
        choices=SCENARIOS,
        default="endpoints",
        help="goals: issue 11's goals table (bench/goals.py; `make bench`); endpoints: each endpoint in turn; "
        "booking-contention: bookings on one train (bench/contention.py)",
    )
    parser.add_argument("--duration", type=float, help="seconds measured per endpoint (10; 6 for goals)")
    parser.add_argument("--warmup", type=float, default=2, help="seconds of unmeasured load first (2)")
    parser.add_argument("--connections", type=int, help="wrk connections (32; 50 for booking-contention)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (2)")
    parser.add_argument(
        "--endpoints",
        type=lambda value: [name.strip() for name in value.split(",") if name.strip()],
        help=f"comma-separated subset of: {', '.join(specs.BY_NAME)} (default: all but non-default ones)",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        help="measure everything this many times, each endpoint right after its ceiling; rows show the median "
        "(1; 3 for goals)",
    )
    parser.add_argument("--server", choices=server.SERVERS, default="gunicorn", help="the WSGI server (gunicorn)")
    parser.add_argument("--workers", type=int, default=2, help="server worker processes (2)")
    parser.add_argument("--worker-class", choices=["sync", "gthread"], default=DEFAULT_WORKER_CLASS, help="gunicorn's")
    parser.add_argument(
        "--worker-threads", type=int, default=4, help="threads per gthread worker; granian's blocking threads (4)"
    )
    parser.add_argument(
        "--realtime-clients", type=int, default=1000, help="goals: bench.realtime's websocket clients (1000)"
    )
    parser.add_argument("--users", type=int, default=2000, help="seeded users (2000)")
    parser.add_argument("--trains", type=int, default=10_000, help="seeded trains, on 100 routes (10000)")
    parser.add_argument("--sellout-seats", type=int, default=2000, help="booking-contention's sell-out train (2000)")
    parser.add_argument(
        "--travel-years", type=int, default=10, help="travel endpoints: years of each traveller's history (10)"
    )
    parser.add_argument(
        "--sync-segments", type=int, default=100_000, help="travel endpoints: the sync user's segments (100000)"
    )
    parser.add_argument(
        "--max-load",
        type=float,
        help="before measuring, wait until the 1-minute load average is below this (e.g. 2.5)",
    )
    parser.add_argument("--max-load-wait", type=float, default=600, help="longest wait for --max-load, s (600)")
    parser.add_argument("--timeout", type=int, default=30, help="wrk per-request timeout, seconds (30)")
    parser.add_argument("--keep", action="store_true", help="keep the temp directory and bench databases")
    args = parser.parse_args(argv)
    if args.connections is None:
        args.connections = DEFAULT_CONNECTIONS[args.scenario]
    if args.duration is None:
        args.duration = DEFAULT_DURATION[args.scenario]
    if args.rounds is None:
        args.rounds = DEFAULT_ROUNDS[args.scenario]
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    if args.connections < args.threads:
        parser.error("--connections must be at least --threads")
    return args


def say(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


def seed(env: dict[str, str], *args: str) -> str:
    command = [sys.executable, "-m", "bench.seed", *args]
    return subprocess.run(command, cwd=server.PROJECT_DIR, env=env, check=True, capture_output=True, text=True).stdout


class Bench:
    def __init__(self, args: argparse.Namespace, wrk: str, workdir: Path, env: dict[str, str], gunicorn):
        self.args, self.wrk, self.workdir, self.env = args, wrk, workdir, env
        self.gunicorn, self.base_url = gunicorn, gunicorn.base_url
        self.load = loadgen.Load(threads=args.threads, connections=args.connections, timeout_s=args.timeout)
        self.ceilings: dict[str, loadgen.Result] = {}
        self.database_names = server.database_names(env)

    say = staticmethod(say)

    def seed(self, *args: str) -> str:
        return seed(self.env, *args)

    def cycling_pool(self, name: str) -> Path:
        path = self.workdir / f"{name}.txt"
        if not path.exists():
            seed(self.env, "mint", name, f"--count={self.args.users}", f"--out={path}")
        return path

    def single_use_pool(self, endpoint: Endpoint, phase: str, rate: float, seconds: float) -> Path:
        count = min(SINGLE_USE_CAP, max(SINGLE_USE_MIN, math.ceil(rate * seconds)))
        path = self.workdir / f"{endpoint.name}-{phase}.txt"
        started = time.monotonic()
        seed(self.env, "mint", endpoint.pool, f"--count={count}", f"--out={path}")
        elapsed = time.monotonic() - started
        say(f"{endpoint.name}: minted {count:,} {endpoint.pool} values for the {phase} in {elapsed:.1f} s")
        return path

    def warmup_pool(self, endpoint: Endpoint) -> tuple[str, Path | None]:
        """(a value for the probe request, the warm-up pool without it)."""
        if endpoint.pool is None:
            return "", None
        if endpoint.pool not in SINGLE_USE_POOLS:
            path = self.cycling_pool(endpoint.pool)
            return path.read_text().split("\n", 1)[0], path
        # The endpoint cannot outrun its ceiling, so the ceiling's rate bounds what the warm-up consumes.
        ceiling = self.ceilings.get(endpoint.ceiling)
        rate = (ceiling.rps if ceiling else FALLBACK_RATE) * SINGLE_USE_MARGIN
        path = self.single_use_pool(endpoint, "warm-up", rate, max(self.args.warmup, 0.5))
        probe_value, rest = path.read_text().split("\n", 1)
        path.write_text(rest)
        return probe_value, path

    def main_pool(self, endpoint: Endpoint, warm_pool: Path | None, warm: loadgen.Result | None) -> Path | None:
        if endpoint.pool not in SINGLE_USE_POOLS:
            return warm_pool
        # Sized from the endpoint's own warm-up rate (twice over: a warm server runs faster than a cold one).
        ceiling = self.ceilings.get(endpoint.ceiling)
        rate = warm.rps * 2 if warm else (ceiling.rps if ceiling else FALLBACK_RATE) * SINGLE_USE_MARGIN
        return self.single_use_pool(endpoint, "measured run", rate, self.args.duration)

    def server_cpu(self) -> dict[int, float] | None:
        """CPU seconds used so far by each gunicorn process and each database backend serving them."""
        by_process = self.gunicorn.cpu_by_process()
        return None if by_process is None else by_process | server.database_cpu(self.database_names)

    def cpu_ms_per_request(self, before, after, requests: int) -> float:
        if before is None or after is None or not requests:
            return math.nan
        return server.cpu_used(before, after) * 1000 / requests

    def load_and_drain(self, endpoint: Endpoint, pool: Path | None, seconds: float) -> tuple[loadgen.Result, float]:
        """The wrk result and the server CPU milliseconds per response while wrk ran (nan if unknown)."""
        cpu_before = self.server_cpu()
        result = loadgen.run(self.wrk, self.base_url, endpoint, pool, seconds, self.load)
        cpu_after = self.server_cpu()
        # wrk stops on time, but requests it had sent are still queued in the server; the next run must
        # not pay for them. /health/ queues behind them, so its answer means the backlog is gone.
        server.probe(self.base_url, "GET", "/health/", timeout=DRAIN_TIMEOUT_S)
        return result, self.cpu_ms_per_request(cpu_before, cpu_after, result.requests)

    def measure(self, endpoint: Endpoint) -> report.Row:
        probe_value, warm_pool = self.warmup_pool(endpoint)
        fill = functools.partial(specs.fill, value=probe_value)
        headers = {name: fill(value) for name, value in endpoint.headers.items()}
        status = server.probe(self.base_url, endpoint.method, fill(endpoint.path), fill(endpoint.body), headers)
        if status in (404, 405):
            say(f"{endpoint.name}: skipped, {endpoint.method} {endpoint.path} answered {status}")
            return report.Row(endpoint, None, note=f"skipped: HTTP {status}")
        if not 200 <= status < 300 and status != endpoint.expected:
            say(f"{endpoint.name}: warning, the probe request answered {status}")
        warm = self.load_and_drain(endpoint, warm_pool, self.args.warmup)[0] if self.args.warmup > 0 else None
        main_pool = self.main_pool(endpoint, warm_pool, warm)
        result, cpu_ms = self.load_and_drain(endpoint, main_pool, self.args.duration)
        if endpoint.ceiling is None:
            self.ceilings[endpoint.name] = result
        say(
            f"{endpoint.name}: {result.rps:,.1f} req/s, p50 {result.p50_ms:.1f} ms, p99 {result.p99_ms:.1f} ms, "
            f"{cpu_ms:.2f} CPU ms/req"
        )
        return report.Row(endpoint, result, cpu_ms=cpu_ms)


def paired(chosen: list[Endpoint]) -> list[Endpoint]:
    """One round of --rounds: each endpoint right after its own ceiling, so that each ratio compares two
    measurements seconds apart, not minutes (other work on the machine comes and goes in between)."""
    order = []
    for endpoint in chosen:
        if endpoint.ceiling:
            order += [specs.BY_NAME[endpoint.ceiling], endpoint]
        elif not any(other.ceiling == endpoint.name for other in chosen):
            order.append(endpoint)  # a ceiling nothing chosen is compared with
    return order


def measure_all(bench: Bench, chosen: list[Endpoint], rounds: int) -> list[report.Row]:
    if rounds == 1:
        return [bench.measure(endpoint) for endpoint in chosen]
    measured = []
    for n in range(rounds):
        say(f"round {n + 1} of {rounds}")
        measured.append([bench.measure(endpoint) for endpoint in paired(chosen)])
    return report.combine_rounds(measured)


def publish(rows: list[report.Row], phases: list[contention.Phase], context: list[str]) -> None:
    """Print the tables and write them to bench/results/."""
    ceiling = next((row.result for row in rows if row.endpoint.name == "bare-auth"), None)
    extra_plain = "\n\n" + contention.plain(phases, ceiling) if phases else ""
    print("\n".join(context) + "\n\n" + report.plain(rows) + extra_plain)
    path = report.save(report.markdown(rows, context, contention.markdown(phases, ceiling) if phases else ""))
    print(f"\nwritten to {path.relative_to(server.PROJECT_DIR)}")


def git_revision() -> str:
    def git(*args: str) -> str:
        run = subprocess.run(["git", *args], cwd=server.PROJECT_DIR, capture_output=True, text=True, check=False)
        return run.stdout.strip()

    return git("rev-parse", "--short", "HEAD") + ("+uncommitted" if git("status", "--porcelain") else "")


def wait_for_quiet(limit: float | None, max_wait_s: float) -> str:
    """Poll the 1-minute load average until it is below `limit`: what the report says about it."""
    if limit is None:
        return ""
    started = time.monotonic()
    while (load := os.getloadavg()[0]) >= limit and time.monotonic() - started < max_wait_s:
        say(f"load average {load:.2f}, waiting for < {limit:g}")
        time.sleep(LOAD_POLL_S)
    waited = time.monotonic() - started
    if load >= limit:
        say(f"warning: load average still {load:.2f} after {waited:.0f} s; measuring anyway")
        return f"load average {load:.2f} when measuring began: never below {limit:g} in {waited:.0f} s of waiting"
    return f"load average {load:.2f} when measuring began (waited {waited:.0f} s for < {limit:g})"


def travel_args(args, chosen: list[Endpoint]) -> list[str]:
    """Seed the travel data only when a chosen endpoint needs it (it adds a few seconds per 100,000 rows)."""
    if not any(endpoint.pool in specs.TRAVEL_POOLS for endpoint in chosen):
        return []
    say(f"seeding travel data: {args.travel_years} years per traveller, {args.sync_segments:,} sync segments")
    return [f"--travel-years={args.travel_years}", f"--sync-segments={args.sync_segments}"]


def travel_line(travel: dict | None) -> list[str]:
    if not travel:
        return []
    history = travel["history_segments"]
    return [
        f"travel: {travel['travellers']} travellers with {travel['years']} years of history "
        f"({min(history):,}-{max(history):,} segments each); one sync user with {travel['sync_segments']:,} "
        f"segments and {travel['sync_tombstones']:,} tombstones, one change a minute "
        f"({travel['sync_recent_changes']} in the last hour)"
    ]


def context_lines(args, setup: dict, gunicorn: server.Gunicorn, load_before: float, quiet: str) -> list[str]:
    rail = setup["rail"]
    lines = [
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, commit {git_revision()}",
        f"machine: {os.cpu_count()} CPUs, {platform.system()} {platform.release()}, Python {platform.python_version()}"
        f"; load average before the run {load_before:.2f} (server and load generator share these CPUs)",
        f"database: {setup['database']}",
        f"data: {args.users:,} users, {rail['trains']:,} trains ({rail['search_matches']:,} on "
        f"{rail['search_route']}), {rail['bookings']:,} bookings",
        *travel_line(setup.get("travel")),
        f"server: {gunicorn.describe()}",
        f"load: wrk, {args.threads} threads, {args.connections} connections, "
        f"{args.warmup:g} s warm-up + {args.duration:g} s measured per endpoint"
        + (
            f"; {args.rounds} rounds, each endpoint right after its ceiling: each row is the median measurement "
            "by req/s, the ratio the median of each measurement's ratio to the ceiling just before it "
            "(lowest-highest)"
            if args.rounds > 1
            else ""
        ),
    ]
    return [*lines, quiet] if quiet else lines


def prepare(stack: ExitStack, args, workdir: Path, chosen: list[Endpoint]) -> tuple[dict[str, str], dict]:
    """A fresh database, migrated and seeded: (the servers' env, bench.seed setup's facts)."""
    db_env, db_label = stack.enter_context(server.database(os.environ.get("DATABASE_URL"), keep=args.keep))
    env = server.base_env(workdir / "data", db_env)
    say(f"migrating ({db_label})")
    server.migrate(env)
    say(f"seeding {args.users} users, {args.trains} trains and their bookings")
    setup = json.loads(
        seed(
            env,
            "setup",
            f"--users={args.users}",
            f"--password={SEED_PASSWORD}",
            f"--trains={args.trains}",
            f"--sellout-seats={args.sellout_seats}",
            *travel_args(args, chosen),
        )
    )
    return server.unthrottled(env, setup["throttle_scopes"]), setup


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    wrk = loadgen.ensure_wrk()
    load_before = os.getloadavg()[0]
    if load_before > BUSY_LOAD * (os.cpu_count() or 1):
        say(f"warning: load average {load_before:.2f} on {os.cpu_count()} CPUs: other work will skew the numbers")
    if args.scenario == "goals":
        from bench import goals

        return goals.run(args, wrk, load_before)
    contending = args.scenario == "booking-contention"
    # The contention scenario compares with the authenticated ceiling only, unless told otherwise.
    chosen = specs.select(args.endpoints or (["bare-auth"] if contending else None))
    workdir = Path(tempfile.mkdtemp(prefix="trackbase-bench-"))
    try:
        with ExitStack() as stack:
            env, setup = prepare(stack, args, workdir, chosen)
            gunicorn = server.wsgi_server(
                args.server,
                env,
                workers=args.workers,
                worker_class=args.worker_class,
                threads=args.worker_threads,
                log=workdir / "server.log",
            )
            say(f"starting {gunicorn.describe()}")
            stack.enter_context(gunicorn)
            bench = Bench(args, wrk, workdir, env, gunicorn)
            quiet = wait_for_quiet(args.max_load, args.max_load_wait)
            rows = measure_all(bench, chosen, args.rounds)
            phases = contention.run(bench, setup["rail"]["contention_trains"]) if contending else []
            server_log = gunicorn.log_lines()
        publish(rows, phases, context_lines(args, setup, gunicorn, load_before, quiet))
        if server_log:
            keep_hint = f"kept in {gunicorn.log}" if args.keep else "--keep keeps the file"
            print(f"\nserver log: {len(server_log)} lines ({keep_hint}); the last ones:")
            print("\n".join(server_log[-SERVER_LOG_TAIL:]))
        if phases and not contention.proof_lines(phases)[0]:
            say("booking-contention: a proof check FAILED (see above)")
            return 1
        return 0
    finally:
        if args.keep:
            say(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
