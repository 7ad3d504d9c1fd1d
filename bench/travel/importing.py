"""CSV import end to end: `python -m bench.travel --import-rows 100000` (this module runs in a child process).

The parent makes a fresh database as the wrk harness does (SQLite in a temp directory, or `<name>_bench` on
DATABASE_URL's server, dropped afterwards), migrates it and starts this module inside Django with
`TASK_BACKEND=immediate`: `import_job_create` (the upload's checks and the ImportJob row) enqueues the
`import_csv` task, which the immediate backend runs there and then through django-tasks, so one call is the
whole import: read and parse every row, airports and local times, layovers, the duplicate check and the
bulk inserts. What the HTTP upload adds (multipart parsing) is left out.

Three imports of one generated file (generic format, `csv_bytes`, every row a distinct flight):
1. a new user: every row inserted; rows/s, the phases, and the process's max RSS growth;
2. the same file again for that user: every row a duplicate (the re-import path);
3. another new user under tracemalloc: the peak of Python allocations (tracemalloc slows it down, so its
   time is not the rows/s).

"save" is the duplicate check, the bulk inserts and the commit, with the callbacks the commit runs (the
user's Schengen alert check over all their segments, the devices' sync notice): "of which after commit".
"""

import argparse
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

AIRPORTS = ["FRA", "JFK", "LHR", "CDG", "MUC", "DXB", "SIN", "HND", "ZRH", "MAD", "EDDF", "KJFK", "AMS", "IST"]
FLIGHTS_PER_DAY = 4


def csv_bytes(rows: int, *, seed: int = 7) -> bytes:
    """A generic-format flight history of `rows` distinct flights ending before today, FLIGHTS_PER_DAY a day:
    each day's first flight leaves from anywhere, the others from where the previous one landed (connections
    within 24 hours: layovers)."""
    rng = random.Random(seed)
    first = date.today() - timedelta(days=rows // FLIGHTS_PER_DAY + 2)
    lines = ["date,from,to,departure_time,arrival_time,flight_number"]
    here = "FRA"
    for n in range(rows):
        if n % FLIGHTS_PER_DAY == 0:
            here = rng.choice(AIRPORTS)
        there = rng.choice([code for code in AIRPORTS if code != here])
        day = first + timedelta(days=n // FLIGHTS_PER_DAY)
        hour = 1 + 5 * (n % FLIGHTS_PER_DAY)
        lines.append(f"{day.isoformat()},{here},{there},{hour:02d}:10,{hour + 2:02d}:40,XB{n}")
        here = there
    return ("\n".join(lines) + "\n").encode()


def max_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


class Phases:
    """Wall time spent in the import's steps, timed by wrapping the module attributes the service calls."""

    def __init__(self):
        from trackbase.travel import alerts, services
        from trackbase.travel.imports import journeys, service

        self.seconds: dict[str, float] = {}
        self._wrap(service, "import_job_run", "task")
        self._wrap(service, "_read", "read + parse")
        self._wrap(journeys, "mark_layovers", "layovers")
        self._wrap(service, "_save", "save")
        # after_segments_changed's on_commit callbacks, run as _save's transaction commits (inside "save").
        self._wrap(alerts, "schengen_alerts_check", "after commit")
        self._wrap(services, "_notify_devices", "after commit")

    def _wrap(self, module, name: str, label: str) -> None:
        inner = getattr(module, name)

        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return inner(*args, **kwargs)
            finally:
                self.seconds[label] = self.seconds.get(label, 0.0) + time.perf_counter() - started

        setattr(module, name, timed)

    def take(self) -> dict[str, float]:
        taken, self.seconds = self.seconds, {}
        return taken


def child(rows: int, *, traced: bool = True) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection

    from trackbase.travel.imports import service
    from trackbase.travel.models import ImportStatus, TravelSegment

    assert settings.TASKS["default"]["BACKEND"].endswith("ImmediateBackend"), settings.TASKS
    user_model = get_user_model()
    users = [user_model.objects.create(username=f"bench_import_{n}", email=f"import{n}@bench.invalid") for n in (1, 2)]
    data = csv_bytes(rows)
    phases = Phases()

    def run(user, label: str) -> dict:
        started = time.perf_counter()
        job = service.import_job_create(user=user, data=data)
        seconds = time.perf_counter() - started
        job.refresh_from_db()
        if job.status != ImportStatus.SUCCESS:
            raise SystemExit(f"{label}: import ended {job.status}: {job.result}")
        return {"label": label, "seconds": seconds, "result": job.result, "phases": phases.take()}

    print(f"database: {connection.vendor}; file: {rows:,} rows, {len(data) / 2**20:.1f} MiB", flush=True)
    rss_before = max_rss_mib()
    runs = [run(users[0], "new user")]
    rss_after = max_rss_mib()
    runs.append(run(users[0], "same file again"))
    peak = None
    if traced:
        tracemalloc.start()
        runs.append(run(users[1], "new user, tracemalloc"))
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    stored = TravelSegment.objects.filter(user__in=users).count()

    print()
    print(
        "| import | rows | created | duplicates | row errors | seconds | rows/s | read + parse s | layovers s "
        "| save s | of which after commit s |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in runs:
        result, p = r["result"], r["phases"]
        print(
            f"| {r['label']} | {rows:,} | {result['created']:,} | {result['duplicates']:,} | {len(result['errors']):,} "
            f"| {r['seconds']:.2f} | {rows / r['seconds']:,.0f} | {p.get('read + parse', 0):.2f} "
            f"| {p.get('layovers', 0):.2f} | {p.get('save', 0):.2f} | {p.get('after commit', 0):.2f} |"
        )
    print()
    traced_line = (
        f"; tracemalloc peak of Python allocations during the third import: {peak / 2**20:.0f} MiB "
        f"(the {len(data) / 2**20:.1f} MiB file held before it started not counted)"
        if peak is not None
        else ""
    )
    print(
        f"memory: max RSS {rss_before:.0f} MiB before the first import, {rss_after:.0f} MiB after it "
        f"(+{rss_after - rss_before:.0f} MiB){traced_line}"
    )
    first = runs[0]
    task = first["phases"].get("task", first["seconds"])
    print(
        f"upload checks + job row (import_job_create before the task): {first['seconds'] - task:.2f} s; "
        f"segments stored: {stored:,}"
    )
    errors = first["result"]["errors"][:3]
    if errors:
        print(f"first row errors: {errors}")


def parent(rows: int, *, traced: bool = True) -> int:
    from bench import server

    revision = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=server.PROJECT_DIR, capture_output=True, text=True, check=False
    ).stdout.strip()
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, commit {revision}, load average {load}", flush=True)
    workdir = Path(tempfile.mkdtemp(prefix="trackbase-bench-import-"))
    try:
        with server.database(os.environ.get("DATABASE_URL"), keep=False) as (db_env, label):
            env = server.base_env(workdir / "data", db_env) | {"TASK_BACKEND": "immediate"}
            print(f"bench: migrating ({label})", file=sys.stderr, flush=True)
            server.migrate(env)
            command = [sys.executable, "-m", "bench.travel.importing", "--rows", str(rows)]
            command += [] if traced else ["--no-tracemalloc"]
            return subprocess.run(command, cwd=server.PROJECT_DIR, env=env, check=False).returncode
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.travel.importing")
    parser.add_argument("--rows", type=int, required=True)
    parser.add_argument("--no-tracemalloc", action="store_true")
    args = parser.parse_args()
    child(args.rows, traced=not args.no_tracemalloc)
