"""`python -m bench.cylinders`: issue 10's cylinder benchmarks, on bench/'s harness (gunicorn, wrk).

1. bulk ship: `POST /api/cylinders/ship` with 500 scanned QR codes, over HTTP (time per request), and once
   through Django's test client with the queries captured (how many, of which kind);
2. single scans: `--scan-connections` wrk connections (20), each request ships ONE different AVAILABLE
   cylinder (a pool of `worker token<TAB>qr code`, bench/lua/contention.lua: sent only during the
   window, every answer read), next to `bare-auth` measured just before; then the proof that every 200
   is one history row;
3. reports: `/api/admin/inventory`, `/api/admin/reports`, `/api/admin/shipments` as the admin, over
   `--cylinders` cylinders and `--history` history rows written by bench/cylinders/data.py (COPY).

See bench/README.md, "Cylinders".
"""

import argparse
import http.client
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from statistics import median
from urllib.parse import urlsplit

from bench import loadgen, server
from bench.__main__ import Bench, git_revision, wait_for_quiet
from bench.endpoints import CEILINGS, SEED_PASSWORD, Endpoint

BATCH = 500
SCAN_MARKER = "Bench scan customer"
SCAN_WARM_MARKER = "Bench scan warm-up"
BULK_MARKER = "Bench bulk customer"
COUNT_MARKER = "Bench bulk counted"
DRAIN_S = 5
BARE_AUTH = next(c for c in CEILINGS if c.name == "bare-auth")


def parse_args(argv):
    p = argparse.ArgumentParser(prog="python -m bench.cylinders", description=__doc__.split("\n\n")[0])
    p.add_argument("--cylinders", type=int, default=100_000)
    p.add_argument("--history", type=int, default=1_000_000)
    p.add_argument("--bulk-runs", type=int, default=5, help="HTTP bulk ships of 500 (each on fresh cylinders)")
    p.add_argument("--scan-pool", type=int, default=12_000, help="AVAILABLE cylinders for the measured scans")
    p.add_argument("--scan-warm-pool", type=int, default=3_000)
    p.add_argument("--scan-connections", type=int, default=20)
    p.add_argument("--report-connections", type=int, default=4)
    p.add_argument("--duration", type=float, default=10)
    p.add_argument("--warmup", type=float, default=2)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--timeout", type=int, default=60)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--worker-threads", type=int, default=4)
    p.add_argument("--max-load", type=float, default=None)
    p.add_argument("--max-load-wait", type=float, default=600)
    p.add_argument("--skip", default="", help="comma-separated phases to skip: bulk,scans,reports")
    p.add_argument("--keep", action="store_true")
    return p.parse_args(argv)


def say(message: str) -> None:
    print(f"bench.cylinders: {message}", file=sys.stderr, flush=True)


def data(env, *args: str) -> dict:
    command = [sys.executable, "-m", "bench.cylinders.data", *args]
    run = subprocess.run(command, cwd=server.PROJECT_DIR, env=env, capture_output=True, text=True, check=False)
    if run.returncode:
        raise SystemExit(f"bench.cylinders: {' '.join(args[:1])} failed:\n{run.stderr[-3000:]}")
    return json.loads(run.stdout or "{}")


def layout(args) -> dict[str, tuple[int, int]]:
    """Reserved cylinder ids per phase: the bulk batches, the in-process counted batch, the scan pools."""
    slices, first = {}, 1
    sizes = [(f"bulk-{i}", BATCH) for i in range(args.bulk_runs)]
    sizes += [("bulk-count", BATCH), ("scan-warm", args.scan_warm_pool), ("scan", args.scan_pool)]
    for name, size in sizes:
        slices[name] = (first, first + size - 1)
        first += size
    return slices


def post(base_url: str, path: str, body: str, token: str) -> tuple[int, dict, float]:
    parts = urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=300)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    try:
        started = time.perf_counter()
        connection.request("POST", path, body=body.encode(), headers=headers)
        response = connection.getresponse()
        raw = response.read()
        return response.status, json.loads(raw or b"{}"), (time.perf_counter() - started) * 1000
    finally:
        connection.close()


def bulk_phase(bench: Bench, workdir: Path, env, args) -> list[str]:
    counted = data(env, "count-bulk", str(workdir / "bulk-count.txt"), COUNT_MARKER)
    timings, statuses = [], []
    for i in range(args.bulk_runs):
        lines = (workdir / f"bulk-{i}.txt").read_text().splitlines()
        token = lines[0].split("\t")[0]
        body = json.dumps({"qr_codes": [line.split("\t")[1] for line in lines], "sent_to": BULK_MARKER})
        status, answer, ms = post(bench.base_url, "/api/cylinders/ship", body, token)
        statuses.append(f"{status}/{len(answer.get('updated', []))}")
        timings.append(ms)
    audit = data(env, "audit", BULK_MARKER)
    say(f"bulk: {timings} ms, statuses {statuses}, counted {counted['queries']} queries, audit {audit}")
    ok = all(s == f"200/{BATCH}" for s in statuses) and audit["history_rows"] == BATCH * args.bulk_runs
    kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(counted["by_kind"].items(), key=lambda kv: -kv[1]))
    return [
        "| request | runs | median ms | min ms | max ms | queries | status / updated |",
        "|---|---:|---:|---:|---:|---:|---|",
        f"| ship 500, HTTP (gunicorn) | {len(timings)} | {median(timings):,.0f} | {min(timings):,.0f} | "
        f"{max(timings):,.0f} | | {', '.join(sorted(set(statuses)))} |",
        f"| ship 500, test client, queries captured | 1 | {counted['ms']:,.0f} | | | {counted['queries']} "
        f"({kinds}) | {counted['status']}/{counted['updated']} |",
        "",
        f"bulk proof: {audit['history_rows']:,} history rows for {args.bulk_runs} x {BATCH} shipped over HTTP, "
        f"{audit['cylinders_sent']:,} cylinders SENT, {audit['shipments']:,} Shipments rows, "
        f"{audit['cylinders_with_two_rows']} cylinders with two rows: {'OK' if ok else 'FAILED'}",
        "",
        "the counted request's queries, in order:",
        "",
        *(f"    {sql[:110]}" for sql in counted["sql"]),
    ]


def scan_endpoint(marker: str) -> Endpoint:
    return Endpoint(
        "scan (ship 1)",
        "POST",
        "/api/cylinders/ship",
        ceiling="bare-auth",
        body=f'{{"qr_codes":["$V2"],"sent_to":"{marker}"}}',
        headers={"Authorization": "Bearer $V1", "Content-Type": "application/json"},
        pool="cylinder-scans",
    )


def _errors(result: loadgen.Result) -> str:
    failures = result.failures
    parts = [f"{code} x{n:,}" for code, n in sorted(result.codes.items())] if result.codes else []
    parts += [f"{k} x{n:,}" for k, n in failures.items() if not k.isdigit() or not result.codes]
    return ", ".join(parts) or "none"


def scans_phase(bench: Bench, workdir: Path, env, args) -> list[str]:
    load = loadgen.Load(threads=args.threads, connections=args.scan_connections, timeout_s=args.timeout)
    bench.load = load
    access = workdir / "access.txt"
    if args.warmup > 0:
        bench.load_and_drain(BARE_AUTH, access, args.warmup)
    ceiling, ceiling_cpu = bench.load_and_drain(BARE_AUTH, access, args.duration)
    say(f"bare-auth: {ceiling.rps:,.1f} req/s")
    warm = scan_endpoint(SCAN_WARM_MARKER)
    loadgen.run_window(bench.wrk, bench.base_url, warm, workdir / "scan-warm.txt", max(args.warmup, 1), DRAIN_S, load)
    server.probe(bench.base_url, "GET", "/health/", timeout=120)
    endpoint = scan_endpoint(SCAN_MARKER)
    cpu_before = bench.server_cpu()
    result = loadgen.run_window(bench.wrk, bench.base_url, endpoint, workdir / "scan.txt", args.duration, DRAIN_S, load)
    cpu_after = bench.server_cpu()
    server.probe(bench.base_url, "GET", "/health/", timeout=120)
    cpu_ms = bench.cpu_ms_per_request(cpu_before, cpu_after, result.requests)
    audit = data(env, "audit", SCAN_MARKER)
    ok_count = result.statuses.get(200, 0)
    say(f"scans: {result.rps:,.1f} req/s, {ok_count} x 200, audit {audit}")
    checks = {
        "some scans succeeded": ok_count > 0,
        "every request sent was answered": result.sent == result.requests,
        "200s == history rows == cylinders SENT == Shipments rows": (
            ok_count == audit["history_rows"] == audit["cylinders_sent"] == audit["shipments"]
        ),
        "no cylinder shipped twice": audit["cylinders_with_two_rows"] == 0,
        "pool not exhausted (no cylinder scanned twice)": result.requests <= args.scan_pool,
    }
    failed = [name for name, ok in checks.items() if not ok]
    rows = [
        "| endpoint | connections | req/s | 200/s | p50 ms | p99 ms | CPU ms/req | errors | vs ceiling |",
        "|---|---:|---:|---:|---:|---:|---:|---|---|",
        f"| bare-auth | {load.connections} | {ceiling.rps:,.1f} | | {ceiling.p50_ms:.1f} | {ceiling.p99_ms:.1f} | "
        f"{ceiling_cpu:.2f} | {_errors(ceiling)} | |",
        f"| scan: ship 1 cylinder | {load.connections} | {result.rps:,.1f} | {result.per_second(200):,.1f} | "
        f"{result.p50_ms:.1f} | {result.p99_ms:.1f} | {cpu_ms:.2f} | {_errors(result)} | "
        f"{result.rps / ceiling.rps if ceiling.rps else float('nan'):.2f} of bare-auth |",
        "",
        f"scan proof: {ok_count:,} x 200 == {audit['history_rows']:,} `ship` history rows == "
        f"{audit['cylinders_sent']:,} cylinders SENT to the run's customer == {audit['shipments']:,} Shipments "
        f"rows; {audit['cylinders_with_two_rows']} cylinders with two rows; {result.sent:,} requests sent, "
        f"{result.requests:,} answered over {result.active_s or 0:.1f} s, each a different cylinder of a pool of "
        f"{args.scan_pool:,}: " + (f"FAILED ({'; '.join(failed)})" if failed else "OK"),
    ]
    return rows


def report_endpoints(admin_token: str) -> list[Endpoint]:
    year_ago = (date.today() - timedelta(days=365)).isoformat()
    bearer = {"Authorization": f"Bearer {admin_token}"}
    spec = [
        ("inventory", "/api/admin/inventory"),
        ("reports (30 days, by day)", "/api/admin/reports"),
        ("reports (365 days, by week)", f"/api/admin/reports?period=week&date_from={year_ago}"),
        ("shipments (page 1)", "/api/admin/shipments"),
        ("shipments (one customer)", "/api/admin/shipments?sent_to=customer%20007%20ltd"),
    ]
    return [Endpoint(name, "GET", path, ceiling="bare-auth", headers=bearer) for name, path in spec]


def reports_phase(bench: Bench, workdir: Path, args) -> list[str]:
    load = loadgen.Load(threads=min(args.threads, args.report_connections), connections=args.report_connections,
                        timeout_s=args.timeout)  # fmt: skip
    bench.load = load
    token = (workdir / "admin.txt").read_text().strip()
    rows = [
        "| endpoint | req/s | p50 ms | p99 ms | CPU ms/req | errors | one request alone |",
        "|---|---:|---:|---:|---:|---|---:|",
    ]
    for endpoint in report_endpoints(token):
        status, size, alone_ms, _ = _get(bench.base_url, endpoint.path, token)
        if args.warmup > 0:
            bench.load_and_drain(endpoint, None, args.warmup)
        result, cpu_ms = bench.load_and_drain(endpoint, None, args.duration)
        say(f"{endpoint.name}: {result.rps:,.1f} req/s, p50 {result.p50_ms:.1f} ms, p99 {result.p99_ms:.1f} ms")
        rows.append(
            f"| {endpoint.name} | {result.rps:,.1f} | {result.p50_ms:,.1f} | {result.p99_ms:,.1f} | {cpu_ms:,.1f} | "
            f"{_errors(result)} | {status}, {size / 1024:,.1f} KiB, {alone_ms:,.0f} ms |"
        )
    # Not under wrk: the shipments CSV costs milliseconds per row (see bench/README.md, "Cylinders"), so one
    # day's rows, once, alone.
    day = (date.today() - timedelta(days=1)).isoformat()
    path = f"/api/admin/shipments?format=csv&date_from={day}&date_to={day}"
    status, size, alone_ms, lines = _get(bench.base_url, path, token)
    rows += [
        "",
        f"shipments CSV, one day ({day}), one request alone: {status}, {lines - 1:,} rows, {size / 1024:,.1f} KiB "
        f"in {alone_ms:,.0f} ms ({alone_ms / max(lines - 1, 1):.2f} ms per row)",
    ]
    return rows


def _get(base_url: str, path: str, token: str) -> tuple[int, int, float, int]:
    """One request alone: its status, body size, milliseconds and lines."""
    parts = urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=300)
    try:
        started = time.perf_counter()
        connection.request("GET", path, headers={"Authorization": f"Bearer {token}"})
        response = connection.getresponse()
        body = response.read()
        return response.status, len(body), (time.perf_counter() - started) * 1000, body.count(b"\n")
    finally:
        connection.close()


def flush_redis() -> None:
    """The cached principals (trackbase/accounts/principal.py) are keyed by user id, not by database: left
    from an earlier run on a re-created database, they hold other password hashes and every token gets a
    401. So REDIS_URL's database is flushed before and after: choose one nobody else uses."""
    url = os.environ.get("REDIS_URL")
    if url:
        import redis

        redis.Redis.from_url(url).flushdb()


def main(argv=None) -> int:
    args = parse_args(argv)
    skip = set(filter(None, args.skip.split(",")))
    wrk = loadgen.ensure_wrk()
    load_before = os.getloadavg()
    slices = layout(args)
    reserved = max(last for _, last in slices.values())
    workdir = Path(tempfile.mkdtemp(prefix="trackbase-bench-cyl-"))
    sections: list[str] = []
    flush_redis()
    try:
        with ExitStack() as stack:
            db_env, db_label = stack.enter_context(server.database(os.environ.get("DATABASE_URL"), keep=args.keep))
            env = server.base_env(workdir / "data", db_env) | {"JWT_ACCESS_MINUTES": "240"}
            say(f"migrating ({db_label})")
            server.migrate(env)
            say(f"seeding {args.cylinders:,} cylinders, {args.history:,} history rows ({reserved:,} reserved)")
            seeded = data(
                env,
                "setup",
                f"--cylinders={args.cylinders}",
                f"--history={args.history}",
                f"--reserved={reserved}",
                f"--password={SEED_PASSWORD}",
            )
            say(f"seeded: {seeded}")
            env = server.unthrottled(env, seeded.pop("throttle_scopes"))
            data(env, "pools", f"--out={workdir}", f"--slices={json.dumps(slices)}")
            gunicorn = server.Gunicorn(
                env,
                workers=args.workers,
                worker_class="gthread",
                threads=args.worker_threads,
                log=workdir / "server.log",
            )
            say(f"starting {gunicorn.describe()}")
            stack.enter_context(gunicorn)
            bench_args = argparse.Namespace(
                threads=args.threads, connections=args.scan_connections, timeout=args.timeout, users=0
            )
            bench = Bench(bench_args, wrk, workdir, env, gunicorn)
            quiet = wait_for_quiet(args.max_load, args.max_load_wait)
            measuring_load = os.getloadavg()
            if "bulk" not in skip:
                sections += [
                    "### 1. Bulk ship of 500 scanned cylinders (one request)",
                    "",
                    *bulk_phase(bench, workdir, env, args),
                    "",
                ]
            if "scans" not in skip:
                sections += [
                    f"### 2. Single scans, {args.scan_connections} connections, each a different AVAILABLE cylinder",
                    "",
                    *scans_phase(bench, workdir, env, args),
                    "",
                ]
            if "reports" not in skip:
                sections += [
                    f"### 3. Reports over {seeded['cylinders']:,} cylinders and {seeded['history']:,} history rows "
                    f"({args.report_connections} connections)",
                    "",
                    *reports_phase(bench, workdir, args),
                    "",
                ]
            after_load = os.getloadavg()
            server_log = gunicorn.log_lines()
            database = db_label.split()[0] if db_env else "sqlite"
        by_status = ", ".join(f"{k} {v:,}" for k, v in sorted(seeded["by_status"].items()))
        context = [
            f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, commit {git_revision()}, {database}",
            f"machine: {os.cpu_count()} CPUs, {platform.system()} {platform.release()}, Python "
            f"{platform.python_version()}; load average (1/5/15 min) before seeding "
            f"{'/'.join(f'{x:.2f}' for x in load_before)}, when measuring began "
            f"{'/'.join(f'{x:.2f}' for x in measuring_load)}, at the end {'/'.join(f'{x:.2f}' for x in after_load)}",
            f"data: {seeded['cylinders']:,} cylinders ({by_status}), "
            f"{seeded['history']:,} history rows, {seeded['shipments']:,} shipments, {seeded['refills']:,} refills; "
            f"generated in {seeded['generate_s']} s, inserted in {seeded['insert_s']} s",
            f"server: {gunicorn.describe()}; wrk {args.threads} threads, {args.warmup:g} s warm-up + "
            f"{args.duration:g} s measured",
        ]
        if quiet:
            context.append(quiet)
        text = "\n".join([*(f"- {line}" for line in context), "", *sections])
        print(text)
        results = server.PROJECT_DIR / "bench" / "results"
        results.mkdir(exist_ok=True)
        out = results / f"cylinders-{datetime.now(UTC):%Y%m%d-%H%M%S}.md"
        out.write_text(text + "\n")
        say(f"written to {out}")
        if server_log:
            print(f"\nserver log: {len(server_log)} lines; the last ones:\n" + "\n".join(server_log[-15:]))
        return 1 if "FAILED" in text else 0
    finally:
        flush_redis()
        if args.keep:
            say(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
