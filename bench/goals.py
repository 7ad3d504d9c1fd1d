"""`--scenario goals` (`make bench`): issue 11's goals, each measured in one run and judged in a GOALS table.

One database, seeded as for the other scenarios, and several servers on it at once (each idle while another
is measured):

- `trackbase`: the production shape (`--server`, gunicorn gthread 2 x 4 by default);
- `plain DRF`: the same server with DJANGO_SETTINGS_MODULE=bench.plain_drf_settings (Django's project-template
  middleware and logging, DRF's renderer and exception handler, SimpleJWT with its user query per request;
  same URLconf, views and database);
- `cache off`: trackbase with RAIL_SEARCH_CACHE_SECONDS=0 (config/settings.py reads it from the environment);
- the other two of gunicorn gthread, gunicorn sync and granian, for the server comparison.

Each of `--rounds` rounds measures every (server, endpoint) pair once, in the same order, the pairs a goal
compares next to each other, then a booking phase on the hot train; a figure is the median of the rounds, a
ratio the median of the rounds' ratios (lowest-highest beside it). Then the sell-out phase once (the
no-oversell proof at capacity), the HTTP servers stop, and bench.realtime measures REST-write-to-delivery
in the embedded shape and, with REDIS_URL, the production one.
"""

import copy
import importlib.util
import math
import os
import shutil
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from statistics import median

from bench import contention, report, server
from bench import endpoints as specs

ORIGINAL_SEARCH_RPS = 347.0  # issue 11: the original backend's search over 100 routes, same shape and data
PLAIN_DRF_SETTINGS = "bench.plain_drf_settings"
SEARCH = "search-routes"  # 100 routes cycling, as the issue's search rows
FIXED_COST = ("bare", "bare-auth", "unauth-401")
SERVER_ENDPOINTS = ("bare", "bare-auth", SEARCH, "my-bookings")
BOOKING_CONNECTIONS = 50
REALTIME_WRITES_PER_ROUND = 20
NO_LOAD_LIMIT = "1e9"  # bench.realtime waits for a quiet machine by default; the goals run only with --max-load

# Targets (issue 11, "Goals").
WITHIN_PLAIN_DRF = 0.90
OF_CEILING = 0.8
TIMES_ORIGINAL = 3.0
BOOKINGS_PER_S = 500.0
BOOKING_CPU_MS = 2.5
DELIVERY_P99_MS = 50.0
NEEDS_POSTGRES = "needs DATABASE_URL=postgres://…"
NEEDS_REDIS = "needs REDIS_URL=redis://…"


@dataclass(frozen=True)
class ServerSpec:
    key: str  # how goals and tables refer to it
    kind: str  # server.SERVERS
    worker_class: str  # gunicorn's; ignored by granian
    env: dict[str, str] = field(default_factory=dict)

    @property
    def shape(self) -> str:
        return shape_name(self.kind, self.worker_class)


def shape_name(kind: str, worker_class: str) -> str:
    return kind if kind == "granian" else f"{kind} {worker_class}"


COMPARED_SHAPES = (("gunicorn", "gthread"), ("gunicorn", "sync"), ("granian", "gthread"))


def servers(args) -> list[ServerSpec]:
    """trackbase, plain DRF and cache off in the chosen shape, then the other shapes of the comparison."""
    main = (args.server, args.worker_class)
    chosen = [
        ServerSpec("trackbase", *main),
        ServerSpec("plain DRF", *main, env={"DJANGO_SETTINGS_MODULE": PLAIN_DRF_SETTINGS}),
        ServerSpec("cache off", *main, env={"RAIL_SEARCH_CACHE_SECONDS": "0"}),
    ]
    others = [
        ServerSpec(shape_name(*shape), *shape) for shape in COMPARED_SHAPES if shape_name(*shape) != chosen[0].shape
    ]
    return chosen + others


def round_plan(specs_: list[ServerSpec]) -> list[tuple[str, str]]:
    """(server key, endpoint) in the order one round measures them: what a goal compares, side by side."""
    plan = [(key, name) for name in FIXED_COST for key in ("trackbase", "plain DRF")]
    plan += [("trackbase", SEARCH), ("trackbase", "my-bookings"), ("cache off", "bare-auth"), ("cache off", SEARCH)]
    compared = [spec.key for spec in specs_[3:]]
    return plan + [(key, name) for name in SERVER_ENDPOINTS for key in compared]


# --- figures from the rounds -------------------------------------------------------------------------------

Runs = dict[tuple[str, str], list[report.Row]]  # (server key, endpoint) -> one row per round


def _mid(values: list[float]) -> float:
    values = [v for v in values if not math.isnan(v)]
    return median(values) if values else math.nan


def rates(runs: Runs, key: str, name: str) -> list[float]:
    return [row.result.rps if row.result else math.nan for row in runs.get((key, name), [])]


def cpus(runs: Runs, key: str, name: str) -> list[float]:
    return [row.cpu_ms for row in runs.get((key, name), [])]


def per_round(top: list[float], bottom: list[float]) -> list[float]:
    return [a / b if b and not math.isnan(b) else math.nan for a, b in zip(top, bottom, strict=False)]


@dataclass(frozen=True)
class Ratio:
    """A ratio's median over the rounds and its range."""

    values: tuple[float, ...]

    @property
    def mid(self) -> float:
        return _mid(list(self.values))

    def text(self, of: str) -> str:
        known = [v for v in self.values if not math.isnan(v)]
        if not known:
            return "not measured"
        spread = f" ({min(known):.2f}-{max(known):.2f})" if len(known) > 1 else ""
        return f"{self.mid:.2f}x {of}{spread}"


def rps_ratio(runs: Runs, a: tuple[str, str], b: tuple[str, str]) -> Ratio:
    return Ratio(tuple(per_round(rates(runs, *a), rates(runs, *b))))


def cpu_ratio(runs: Runs, a: tuple[str, str], b: tuple[str, str]) -> Ratio:
    """a's server CPU per request over b's: below 1 when a costs less."""
    return Ratio(tuple(per_round(cpus(runs, *a), cpus(runs, *b))))


# --- verdicts ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GoalRow:
    goal: str
    figure: str
    target: str
    verdict: str


def verdict(value: float, *, at_least: float | None = None, at_most: float | None = None, below: float | None = None):
    """'met', 'missed', or 'not measured' (nan)."""
    if math.isnan(value):
        return "not measured"
    ok = (
        (at_least is None or value >= at_least)
        and (at_most is None or value <= at_most)
        and (below is None or value < below)
    )
    return "met" if ok else "missed"


def fixed_cost_rows(runs: Runs) -> list[GoalRow]:
    rows = []
    for name in FIXED_COST:
        ratio = rps_ratio(runs, ("trackbase", name), ("plain DRF", name))
        cpu = cpu_ratio(runs, ("trackbase", name), ("plain DRF", name))
        figure = f"req/s {ratio.text('plain DRF')}; CPU ms/req {cpu.text('plain DRF')}"
        if name == "bare":  # not a goal: the framework alone, for reading the other two
            rows.append(GoalRow("(a) bare, no authentication (context)", figure, "-", "reported"))
        else:
            label = "bare authenticated request" if name == "bare-auth" else "unauthenticated 401"
            target = f">= {WITHIN_PLAIN_DRF:.2f}x plain DRF req/s"
            rows.append(
                GoalRow(f"(a) {label} vs plain DRF", figure, target, verdict(ratio.mid, at_least=WITHIN_PLAIN_DRF))
            )
    return rows


def search_rows(runs: Runs) -> list[GoalRow]:
    off = rps_ratio(runs, ("cache off", SEARCH), ("cache off", "bare-auth"))
    off_rps = _mid(rates(runs, "cache off", SEARCH))
    times = off_rps / ORIGINAL_SEARCH_RPS
    on = rps_ratio(runs, ("trackbase", SEARCH), ("trackbase", "bare-auth"))
    return [
        GoalRow(
            "(b) search, cache off, vs bare-auth",
            off.text("bare-auth"),
            f">= {OF_CEILING}x bare-auth",
            verdict(off.mid, at_least=OF_CEILING),
        ),
        GoalRow(
            "(b) search, cache off, vs the original",
            f"{off_rps:,.0f} req/s = {times:.2f}x {ORIGINAL_SEARCH_RPS:.0f}",
            f">= {TIMES_ORIGINAL:g}x {ORIGINAL_SEARCH_RPS:.0f} req/s",
            verdict(times, at_least=TIMES_ORIGINAL),
        ),
        GoalRow("(b) search, cache on (bonus)", on.text("bare-auth"), "-", "reported"),
    ]


def my_bookings_row(runs: Runs) -> GoalRow:
    ratio = rps_ratio(runs, ("trackbase", "my-bookings"), ("trackbase", "bare-auth"))
    target = f">= {OF_CEILING}x bare-auth"
    return GoalRow(
        "(c) my-bookings vs bare-auth", ratio.text("bare-auth"), target, verdict(ratio.mid, at_least=OF_CEILING)
    )


def booking_rows(opens: list[contention.Phase], sold_out: contention.Phase | None, postgres: bool) -> list[GoalRow]:
    rate = _mid([phase.result.per_second(201) for phase in opens])
    cpu = _mid([phase.cpu_ms for phase in opens])
    proofs = [phase.proof()[0] for phase in [*opens, *([sold_out] if sold_out else [])]]
    proof_figure = f"{sum(proofs)} of {len(proofs)} phases OK" + ("" if sold_out else " (no sell-out phase)")
    return [
        GoalRow(
            "(d) booking, one hot train",
            f"{rate:,.0f} bookings/s",
            f">= {BOOKINGS_PER_S:.0f}/s on PostgreSQL",
            verdict(rate, at_least=BOOKINGS_PER_S) if postgres else NEEDS_POSTGRES,
        ),
        GoalRow(
            "(d) booking, server CPU per booking",
            f"{cpu:.2f} ms",
            f"<= {BOOKING_CPU_MS} ms on PostgreSQL",
            verdict(cpu, at_most=BOOKING_CPU_MS) if postgres else NEEDS_POSTGRES,
        ),
        GoalRow(
            "(d) sold == 201s == confirmed seats (== capacity)",
            proof_figure,
            "every phase",
            "met" if proofs and all(proofs) and sold_out else "missed",
        ),
    ]


def realtime_rows(results: dict) -> list[GoalRow]:
    """results: bench.realtime shape name -> its ShapeResult, or None when the shape could not run."""
    from bench.realtime.report import percentile

    rows = []
    for shape, label in (("production", "production shape"), ("embedded", "embedded (make run)")):
        result = results.get(shape)
        target = f"p99 < {DELIVERY_P99_MS:.0f} ms"
        if result is None:
            missing = NEEDS_REDIS if shape == "production" else "not measured"
            rows.append(GoalRow(f"(e) real-time, {label}", "-", target, missing))
            continue
        p50, p99 = percentile(result.latency_ms, 50), percentile(result.latency_ms, 99)
        figure = f"p99 {p99:.1f} ms, p50 {p50:.1f} ms, {len(result.latency_ms):,}/{result.expected:,} delivered"
        complete = result.expected and len(result.latency_ms) >= result.expected
        rows.append(
            GoalRow(
                f"(e) real-time, {label}", figure, target, verdict(p99, below=DELIVERY_P99_MS) if complete else "missed"
            )
        )
    return rows


def server_scores(runs: Runs, specs_: list[ServerSpec]) -> list[tuple[str, float]]:
    """(server shape, geometric mean of its median req/s over SERVER_ENDPOINTS), best first."""
    keys = ["trackbase"] + [spec.key for spec in specs_[3:]]
    scores = []
    for key, spec in zip(keys, [specs_[0], *specs_[3:]], strict=True):
        medians = [_mid(rates(runs, key, name)) for name in SERVER_ENDPOINTS]
        known = [m for m in medians if not math.isnan(m) and m > 0]
        score = math.exp(sum(map(math.log, known)) / len(known)) if len(known) == len(medians) else math.nan
        scores.append((spec.shape, score))
    return sorted(scores, key=lambda item: -item[1] if not math.isnan(item[1]) else math.inf)


def server_row(scores: list[tuple[str, float]]) -> GoalRow:
    (best, top), rest = scores[0], scores[1:]
    if math.isnan(top):
        return GoalRow("(f) server", "not measured", "pick by the numbers", "not measured")
    leads = ", ".join(f"{top / score:.2f}x {shape}" for shape, score in rest)
    figure = f"{best} leads: geometric mean of req/s over {', '.join(SERVER_ENDPOINTS)} {leads}"
    return GoalRow("(f) server", figure, "pick by the numbers", f"{best} wins")


def goal_rows(
    runs: Runs,
    specs_: list[ServerSpec],
    opens: list[contention.Phase],
    sold_out: contention.Phase | None,
    realtime: dict,
    *,
    postgres: bool,
) -> list[GoalRow]:
    return [
        *fixed_cost_rows(runs),
        *search_rows(runs),
        my_bookings_row(runs),
        *booking_rows(opens, sold_out, postgres),
        *realtime_rows(realtime),
        server_row(server_scores(runs, specs_)),
    ]


# --- tables ------------------------------------------------------------------------------------------------

GOAL_COLUMNS = ["goal", "measured", "target", "verdict"]
MEASURED_COLUMNS = ["server", "endpoint", "req/s", "p50 ms", "p99 ms", "CPU ms/req", "errors", "req/s by round"]
MEASURED_RIGHT = {2, 3, 4, 5}


def goal_cells(rows: list[GoalRow]) -> list[list[str]]:
    return [[row.goal, row.figure, row.target, row.verdict] for row in rows]


def _rate(value: float) -> str:
    return "-" if math.isnan(value) else f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def measured_cells(runs: Runs, specs_: list[ServerSpec]) -> list[list[str]]:
    shapes = {spec.key: spec.shape for spec in specs_}
    table = []
    for (key, name), rows in runs.items():
        row = report.median_round(rows)
        label = key if key == shapes[key] else f"{key} ({shapes[key]})"
        if row.result is None:
            table.append([label, name, "-", "-", "-", "-", row.note, "-"])
            continue
        cpu = _mid(cpus(runs, key, name))
        by_round = " / ".join(_rate(rate) for rate in rates(runs, key, name))
        errors = report._errors_of(row)
        r = row.result
        cells = [
            label,
            name,
            _rate(r.rps),
            f"{r.p50_ms:.1f}",
            f"{r.p99_ms:.1f}",
            "-" if math.isnan(cpu) else f"{cpu:.2f}",
        ]
        table.append([*cells, errors, by_round])
    return table


def server_cells(runs: Runs, specs_: list[ServerSpec]) -> tuple[list[str], list[list[str]]]:
    """Endpoints down, server shapes across: median req/s and CPU ms/req."""
    compared = [specs_[0], *specs_[3:]]
    keys = ["trackbase"] + [spec.key for spec in specs_[3:]]
    columns = ["endpoint", *(f"{spec.shape} req/s (CPU ms)" for spec in compared)]
    table = []
    for name in SERVER_ENDPOINTS:
        table.append(
            [name] + [f"{_rate(_mid(rates(runs, key, name)))} ({_mid(cpus(runs, key, name)):.2f})" for key in keys]
        )
    return columns, table


# --- the run -----------------------------------------------------------------------------------------------


def say(message: str) -> None:
    print(f"bench goals: {message}", file=sys.stderr, flush=True)


class Progress:
    """'step k of n' lines with the time elapsed and an estimate of what is left: the planned seconds of the steps
    left, scaled by how long the steps so far really took against their plan."""

    def __init__(self, planned: list[tuple[str, float]]):
        self.planned, self.done, self.started = planned, 0, time.monotonic()
        self.first_step: float | None = None

    def step(self) -> None:
        label, _ = self.planned[self.done]
        now = time.monotonic()
        self.first_step = self.first_step or now
        spent_plan = sum(seconds for _, seconds in self.planned[: self.done])
        left_plan = sum(seconds for _, seconds in self.planned[self.done :])
        eta = left_plan * ((now - self.first_step) / spent_plan if spent_plan else 1)
        self.done += 1
        elapsed = _clock(now - self.started)
        say(f"step {self.done} of {len(self.planned)}: {label} ({elapsed} elapsed, ETA {_clock(eta)})")


def _clock(seconds: float) -> str:
    return f"{int(seconds // 60)}:{int(seconds % 60):02d}"


def plan_steps(args, plan: list[tuple[str, str]], realtime_shapes: list[str]) -> list[tuple[str, float]]:
    measure_s = args.warmup + args.duration + 1.5
    booking_s = args.duration + contention.DRAIN_S + 2
    steps = []
    for n in range(args.rounds):
        steps += [(f"round {n + 1}: {key} {name}", measure_s) for key, name in plan]
        steps.append((f"round {n + 1}: booking on one hot train", booking_s + (args.warmup if n == 0 else 0)))
    steps.append(("booking: sell-out", booking_s + 4))
    writes = REALTIME_WRITES_PER_ROUND * args.rounds
    steps += [(f"real-time: {shape}", 40 + args.realtime_clients * 0.03 + writes * 0.7) for shape in realtime_shapes]
    return steps


def start_servers(stack: ExitStack, args, env: dict[str, str], workdir: Path, specs_: list[ServerSpec]) -> dict:
    started = {}
    for spec in specs_:
        wsgi = server.wsgi_server(
            spec.kind,
            env | spec.env,
            workers=args.workers,
            worker_class=spec.worker_class,
            threads=args.worker_threads,
            log=workdir / f"server-{spec.key.replace(' ', '-')}.log",
        )
        say(f"starting {spec.key}: {wsgi.describe()}" + "".join(f" {k}={v}" for k, v in spec.env.items()))
        started[spec.key] = stack.enter_context(wsgi)
    return started


@dataclass(frozen=True)
class HttpFacts:
    loads: list[str]  # the load average when measuring began, at each round, at the end
    log_lines: dict[str, int]  # per server
    descriptions: dict[str, str]  # per server, its command line


def measure_http(args, wrk: str, workdir: Path, env: dict, setup: dict, specs_: list[ServerSpec], progress):
    """Every round's measurements and booking phases: (runs, open phases, sell-out phase, HttpFacts)."""
    from bench.__main__ import Bench, wait_for_quiet

    plan = round_plan(specs_)
    with ExitStack() as stack:
        started = start_servers(stack, args, env, workdir, specs_)
        benches = {key: Bench(args, wrk, workdir, env, wsgi) for key, wsgi in started.items()}
        booking_args = copy.copy(args)
        booking_args.connections = BOOKING_CONNECTIONS
        booker = Bench(booking_args, wrk, workdir, env, started["trackbase"])
        quiet = wait_for_quiet(args.max_load, args.max_load_wait)
        loads = [f"when measuring began {_load()}"]
        runs: Runs = {pair: [] for pair in plan}
        trains = setup["rail"]["contention_trains"]
        opens, pool = [], None
        for n in range(args.rounds):
            if n:
                loads.append(f"round {n + 1} {_load()}")
            for key, name in plan:
                progress.step()
                runs[(key, name)].append(benches[key].measure(specs.BY_NAME[name]))
            progress.step()
            if pool is None:
                pool = contention.warm_up(booker, trains)
            opens.append(contention.open_phase(booker, trains, pool, name=f"open, round {n + 1}"))
        progress.step()
        sold_out = contention.sell_out(booker, trains, pool, _mid([p.result.per_second(201) for p in opens]))
        loads.append(f"at the end of the HTTP part {_load()}")
        facts = HttpFacts(
            loads=[*([quiet] if quiet else []), "load average (1/5/15 min) " + "; ".join(loads)],
            log_lines={key: len(wsgi.log_lines()) for key, wsgi in started.items()},
            descriptions={key: wsgi.describe() for key, wsgi in started.items()},
        )
    return runs, opens, sold_out, facts


def _load() -> str:
    return "/".join(f"{value:.2f}" for value in os.getloadavg())


def measure_realtime(args, workdir: Path, shape_names: list[str], progress) -> tuple[dict, list[str]]:
    """bench.realtime's shapes, one after the other: {shape: ShapeResult}, and its context lines."""
    from bench.realtime import __main__ as realtime
    from bench.realtime.clients import FD_HEADROOM, raise_fd_limit

    argv = ["--shapes", ",".join(shape_names), "--clients", str(args.realtime_clients)]
    argv += ["--writes", str(REALTIME_WRITES_PER_ROUND * args.rounds)]
    argv += ["--max-load", str(args.max_load) if args.max_load else NO_LOAD_LIMIT]
    argv += ["--max-load-wait", str(args.max_load_wait)]
    if os.environ.get("REDIS_URL"):
        argv += ["--redis-url", os.environ["REDIS_URL"]]
    if args.keep:
        argv.append("--keep")
    rt_args = realtime.parse_args(argv)
    raise_fd_limit(rt_args.clients * 2 + FD_HEADROOM)
    results, lines = {}, []
    for name in shape_names:
        progress.step()
        (workdir / "realtime" / name).mkdir(parents=True)
        result, context = realtime.run_shape(name, rt_args, workdir / "realtime" / name)
        results[name], lines = result, lines + context
    return results, lines


def run(args, wrk: str, load_before: float) -> int:
    from bench import __main__ as harness
    from bench.realtime import report as realtime_report
    from bench.realtime import shapes

    if importlib.util.find_spec("granian") is None:
        raise SystemExit("bench goals: granian is not installed: pip install -e '.[bench]' (make install does)")
    specs_ = servers(args)
    redis_url = os.environ.get("REDIS_URL")
    realtime_shapes = ([shapes.PRODUCTION] if redis_url else []) + [shapes.EMBEDDED]
    progress = Progress(plan_steps(args, round_plan(specs_), realtime_shapes))
    workdir = Path(tempfile.mkdtemp(prefix="trackbase-bench-goals-"))
    chosen = specs.select(list(dict.fromkeys(name for _, name in round_plan(specs_))))
    try:
        with ExitStack() as stack:
            if redis_url:
                # Cached principals are keyed by user id, not by database: ones left by an earlier run on a
                # re-created database would answer every token of this one with a 401.
                shapes.flush_redis(redis_url)
                stack.callback(shapes.flush_redis, redis_url)
            env, setup = harness.prepare(stack, args, workdir, chosen)
            runs, opens, sold_out, facts = measure_http(args, wrk, workdir, env, setup, specs_, progress)
        realtime, realtime_lines = measure_realtime(args, workdir, realtime_shapes, progress)
    finally:
        if args.keep:
            say(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    postgres = bool(os.environ.get("DATABASE_URL", "").startswith("postgres"))
    goals = goal_rows(runs, specs_, opens, sold_out, realtime, postgres=postgres)
    context = context_lines(args, setup, load_before, facts, specs_) + realtime_lines
    ceiling = report.median_round(runs[("trackbase", "bare-auth")]).result
    phases = [*opens, sold_out]
    columns, server_table = server_cells(runs, specs_)
    results = [realtime[name] for name in realtime_shapes]
    plain = [
        "\n".join(context),
        "Measured (medians of the rounds)\n"
        + report.plain_table(MEASURED_COLUMNS, measured_cells(runs, specs_), MEASURED_RIGHT),
        "Servers compared\n" + report.plain_table(columns, server_table, set(range(1, len(columns)))),
        "Booking contention (trackbase, 50 connections)\n" + contention.plain(phases, ceiling),
        realtime_report.plain(results),
        "GOALS\n" + report.plain_table(GOAL_COLUMNS, goal_cells(goals), set()),
    ]
    print("\n\n".join(plain))
    markdown = [
        "# trackbase bench: issue 11's goals",
        "\n".join(f"- {line}" for line in context),
        "## GOALS\n\n" + report.markdown_table(GOAL_COLUMNS, goal_cells(goals), set()),
        "## Measured (medians of the rounds)\n\n"
        + report.markdown_table(MEASURED_COLUMNS, measured_cells(runs, specs_), MEASURED_RIGHT),
        "## Servers compared\n\n" + report.markdown_table(columns, server_table, set(range(1, len(columns)))),
        "## " + contention.markdown(phases, ceiling),
        "## Real-time\n\n"
        + report.markdown_table(
            realtime_report.DELIVERY_COLUMNS, realtime_report.delivery_cells(results), set(range(1, 8))
        ),
    ]
    path = report.save("\n\n".join(markdown) + "\n")
    print(f"\nwritten to {path.relative_to(server.PROJECT_DIR)}")
    logged = ", ".join(f"{key} {count}" for key, count in facts.log_lines.items())
    print(f"server log lines: {logged} (--keep keeps the files)")
    if not contention.proof_lines(phases)[0]:
        say("booking: a proof check FAILED (see above)")
        return 1
    return 0


def context_lines(args, setup: dict, load_before: float, facts: HttpFacts, specs_) -> list[str]:
    from bench.__main__ import git_revision

    rail = setup["rail"]
    lines = [
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, commit {git_revision()}",
        f"machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}; 1-minute load average before the run "
        f"{load_before:.2f}",
        *facts.loads,
        f"database: {setup['database']}; Redis: {'REDIS_URL' if os.environ.get('REDIS_URL') else 'none'}",
        f"data: {args.users:,} users, {rail['trains']:,} trains, {rail['bookings']:,} bookings",
        f"load: wrk, {args.threads} threads, {args.connections} connections ({BOOKING_CONNECTIONS} booking), "
        f"{args.warmup:g} s warm-up + {args.duration:g} s measured; {args.rounds} interleaved rounds, each figure "
        "the median of the rounds, each ratio the median of the rounds' ratios (lowest-highest)",
    ]
    for spec in specs_:
        extra = "".join(f" {k}={v}" for k, v in spec.env.items())
        lines.append(f"server {spec.key}: {facts.descriptions[spec.key]}{extra}")
    return lines
