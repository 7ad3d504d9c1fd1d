"""Instructions per request, counted by valgrind's callgrind: a figure that other load on the machine does not move.

    .venv/bin/python -m bench.instructions                       # every scenario, 200 requests each
    .venv/bin/python -m bench.instructions --scenarios unauth-401,bare-auth --requests 100 --keep

Each scenario runs in its own process under `valgrind --tool=callgrind --instr-atstart=no`: Django
starts and serves a few warm-up requests uninstrumented, then instrumentation is switched on (through
callgrind's client requests, from a tiny C helper compiled on the fly) for exactly `--requests` calls of
the WSGI application (`config.wsgi.application`, the production entry point, no test client), and off
again. The figure is instructions (Ir) per request, the server process's only: the database server's
work is not counted (SQLite runs in process, so there it is). With `--keep`, the callgrind files stay
for `callgrind_annotate`.

The settings are the load bench's (DEBUG=0, LOG_LEVEL=WARNING, throttles lifted but running, BENCH_ENDPOINTS=1)
on SQLite in a temp directory (or `--database-url`), with the request log's flush thread off
(REQUEST_LOG_FLUSH_MS=0): the enqueue is measured, the batched insert is not.
"""

import argparse
import io
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

SEARCH = "/api/trains/search/?source=DEL&destination=BOM&limit=10"
SCENARIOS = {
    # name: (method, path, authenticated, body, extra environment)
    "bare": ("GET", "/bench/bare/", False, None, {}),
    "bare-auth": ("GET", "/bench/bare-auth/", True, None, {}),
    "unauth-401": ("GET", "/api/bookings/my/", False, None, {}),
    "not-found-404": ("GET", "/api/no-such-endpoint/", True, None, {}),
    "profile": ("GET", "/api/profile/", True, None, {}),
    "my-bookings": ("GET", "/api/bookings/my/", True, None, {}),
    "booking": ("POST", "/api/bookings/", True, b'{"train_id": 1, "seats": 1}', {}),
    # The first page of 10 of the 100 DEL -> BOM trains: the COUNT runs too.
    "search": ("GET", SEARCH, True, None, {"RAIL_SEARCH_CACHE_SECONDS": "0"}),
    "search-cached": ("GET", SEARCH, True, None, {"RAIL_SEARCH_CACHE_SECONDS": "3600"}),
}
# Scenarios taken from the load bench's endpoints (bench/endpoints.py): each request gets the next value of
# the endpoint's pool (bench/seed.py), minted by `_prepare` for the warm-up and the measured requests.
POOLED = ("checkin-create", "group-analytics")
POOL_USERS = 50  # the group-analytics group's members; each one's first request (a cold principal) is a warm-up
DEFAULT_SCENARIOS = [
    "bare", "bare-auth", "unauth-401", "not-found-404", "profile", "my-bookings", "booking", "search", "search-cached"
]  # fmt: skip
WARMUP = 20
# The caller's bookings, as bench/rail_data.py gives each user 5 to 20 (one in ten cancelled), on the
# DEL -> BOM trains; `booking` adds its own to them when it runs first.
MY_BOOKINGS = 12
SEARCH_TRAINS = 100

_HELPER_C = """
#include <valgrind/callgrind.h>
void tb_start(void) { CALLGRIND_ZERO_STATS; CALLGRIND_START_INSTRUMENTATION; }
void tb_stop(void) { CALLGRIND_STOP_INSTRUMENTATION; }
"""


def _env(data_dir: Path, database_url: str | None = None, analytics_url: str | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "ANALYTICS_DATABASE_URL", "REDIS_URL"}}
    if database_url:
        env.update(DATABASE_URL=database_url, ANALYTICS_DATABASE_URL=analytics_url or f"{database_url}_analytics")
    env.update(
        DJANGO_SETTINGS_MODULE=env.get("DJANGO_SETTINGS_MODULE", "config.settings"),
        DATA_DIR=str(data_dir),
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(48),
        LOG_LEVEL="WARNING",
        BENCH_ENDPOINTS="1",
        REQUEST_LOG_FLUSH_MS="0",
        REQUEST_LOG_MAX_BUFFER="1000000",
        TASK_BACKEND="immediate",
        JWT_ACCESS_MINUTES="600",
    )
    for scope in ("ANON", "USER", "LOGIN", "REGISTER", "PASSWORD_RESET", "EMAIL_VERIFY", "TOKEN_REFRESH"):
        env[f"THROTTLE_{scope}"] = "1000000/s"
    return env


def _build_helper(directory: Path) -> Path:
    source, library = directory / "cg.c", directory / "libcg.so"
    source.write_text(_HELPER_C)
    subprocess.run(["cc", "-shared", "-fPIC", "-O1", "-o", str(library), str(source)], check=True)
    return library


def _child_prepare(data_dir: Path, pooled: list[str], count: int) -> None:
    import django

    django.setup()
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.utils import timezone
    from rest_framework_simplejwt.tokens import AccessToken

    from trackbase.rail.models import Booking, BookingStatus, Train
    from trackbase.rail.rules import new_pnr, station_key

    get_user_model().objects.filter(username="cg_user").delete()
    Train.objects.filter(train_number="12001").delete()
    Train.objects.filter(train_number__startswith="CG").delete()
    user = get_user_model().objects.create_user("cg_user", "cg@bench.invalid", "Bench-Passw0rd!")
    get_user_model().objects.filter(pk=user.pk).update(last_active_at=timezone.now())
    departure = timezone.now() + timedelta(days=30)
    Train.objects.create(
        train_number="12001",
        name="Callgrind Express",
        source="Delhi",
        destination="Mumbai",
        source_key=station_key("Delhi"),
        destination_key=station_key("Mumbai"),
        departure_time=departure,
        arrival_time=departure + timedelta(hours=16),
        total_seats=10_000_000,
        available_seats=10_000_000,
    )
    search_trains = Train.objects.bulk_create(
        Train(
            train_number=f"CG{n:04d}",
            name=f"Bench Express {n}",
            source="DEL",
            destination="BOM",
            source_key=station_key("DEL"),
            destination_key=station_key("BOM"),
            departure_time=departure + timedelta(hours=n),
            arrival_time=departure + timedelta(hours=n + 14),
            total_seats=500,
            available_seats=500 - n,
            platform=str(n % 16) if n % 3 else "",
        )
        for n in range(SEARCH_TRAINS)
    )
    Booking.objects.bulk_create(
        Booking(
            pnr=new_pnr(),
            user=user,
            train=train,
            seats=1 + n % 6,
            status=BookingStatus.CANCELLED if n % 10 == 9 else BookingStatus.CONFIRMED,
            cancelled_at=timezone.now() if n % 10 == 9 else None,
        )
        for n, train in enumerate(search_trains[:MY_BOOKINGS])
    )
    (data_dir / "token").write_text(str(AccessToken.for_user(user)))
    (data_dir / "train").write_text(str(Train.objects.get(train_number="12001").pk))
    if pooled:
        from bench import endpoints, seed

        seed.users_create(count=POOL_USERS, password=endpoints.SEED_PASSWORD)
        for name in pooled:
            seed.write_pool(endpoints.BY_NAME[name].pool, count, data_dir / f"pool.{name}")


def _pooled_requests(data_dir: Path, scenario: str) -> Iterator[tuple[str, str, dict, bytes]]:
    """(path, query string, headers as WSGI environ keys, body) per request, from the scenario's pool file."""
    from bench.endpoints import BY_NAME, fill

    endpoint = BY_NAME[scenario]
    for value in (data_dir / f"pool.{scenario}").read_text().splitlines():
        path, _, query = fill(endpoint.path, value).partition("?")
        headers = {_environ_key(name): fill(text, value) for name, text in endpoint.headers.items()}
        yield path, query, headers, fill(endpoint.body, value).encode()


def _environ_key(header: str) -> str:
    key = header.upper().replace("-", "_")
    return key if key in ("CONTENT_TYPE", "CONTENT_LENGTH") else f"HTTP_{key}"


def _child_run(data_dir: Path, scenario: str, requests: int, helper: str) -> None:
    import ctypes

    from django.db import connection

    from config.wsgi import application

    if scenario in POOLED:
        from bench.endpoints import BY_NAME

        method, path, query, authenticated, body = BY_NAME[scenario].method, "", "", False, None
        pooled = _pooled_requests(data_dir, scenario)
    else:
        method, path, authenticated, body, _ = SCENARIOS[scenario]
        path, _, query = path.partition("?")
        pooled = None
    token = (data_dir / "token").read_text().strip()
    if body is not None:
        body = body.replace(b'"train_id": 1', b'"train_id": ' + (data_dir / "train").read_text().strip().encode())
    base = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1",
        "HTTP_ACCEPT": "*/*",
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
    }
    if authenticated:
        base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    if body is not None:
        base["CONTENT_TYPE"] = "application/json"
        base["CONTENT_LENGTH"] = str(len(body))
    statuses: dict[str, int] = {}

    def start_response(status, headers, exc_info=None):
        statuses[status] = statuses.get(status, 0) + 1

    def one() -> None:
        environ = dict(base, **{"wsgi.input": io.BytesIO(body or b"")})
        if pooled is not None:
            path_info, query, headers, data = next(pooled)
            environ.update(headers, PATH_INFO=path_info, QUERY_STRING=query, CONTENT_LENGTH=str(len(data)))
            environ["wsgi.input"] = io.BytesIO(data)
        response = application(environ, start_response)
        b"".join(response)
        response.close()

    for _ in range(WARMUP + (POOL_USERS if pooled is not None else 0)):
        one()
    statuses.clear()
    queries = 0

    def counted(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    cg = ctypes.CDLL(helper)
    with connection.execute_wrapper(counted):
        cg.tb_start()
        for _ in range(requests):
            one()
        cg.tb_stop()
    print(f"statuses {statuses}", file=sys.stderr)
    print(f"queries {queries / requests:g}", file=sys.stderr)


def _instructions(out_file: Path) -> int:
    text = out_file.read_text(errors="replace")
    # `summary:` is written before ZERO_STATS takes effect; `totals:` (at the end) is what was counted.
    match = re.findall(r"^totals: (\d+)", text, re.M)
    if not match:
        raise SystemExit(f"no totals in {out_file}")
    return int(match[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--scenarios", default=",".join(DEFAULT_SCENARIOS), help=f"from {', '.join([*SCENARIOS, *POOLED])}"
    )
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--keep", action="store_true", help="keep the temp directory (callgrind.out.<scenario>)")
    parser.add_argument(
        "--database-url",
        help="measure on this PostgreSQL/MariaDB database (and <it>_analytics), both existing and disposable:"
        " migrated, then seeded with one user and one train (MYSQL_DRIVER picks the MariaDB driver)",
    )
    parser.add_argument(
        "--analytics-database-url", help="the analytics store for --database-url (default <it>_analytics)"
    )
    args = parser.parse_args()
    names = [name for name in args.scenarios.split(",") if name]
    unknown = set(names) - SCENARIOS.keys() - set(POOLED)
    if unknown:
        raise SystemExit(f"unknown scenario(s): {', '.join(sorted(unknown))}")
    if not shutil.which("valgrind"):
        raise SystemExit("needs valgrind (apt-get install -y valgrind)")
    directory = Path(tempfile.mkdtemp(prefix="tb-instructions-"))
    python = sys.executable
    try:
        helper = _build_helper(directory)
        env = _env(directory, args.database_url, args.analytics_database_url)
        # The analytics store holds only the analytics app (config/settings.py says why).
        for command in (["migrate"], ["migrate", "analytics", "--database", "analytics"]):
            subprocess.run([python, "manage.py", *command, "-v", "0"], env=env, check=True)
        pooled = ",".join(name for name in names if name in POOLED)
        prepare = [
            python,
            "-m",
            "bench.instructions",
            "_prepare",
            str(directory),
            pooled,
            str(WARMUP + POOL_USERS + args.requests),
        ]
        subprocess.run(prepare, env=env, check=True)
        print(f"{'scenario':<16} {'Ir/request':>12} {'queries':>8}  statuses")
        for name in names:
            out = directory / f"callgrind.out.{name}"
            done = subprocess.run(
                [
                    "valgrind",
                    "--tool=callgrind",
                    "--instr-atstart=no",
                    f"--callgrind-out-file={out}",
                    python,
                    "-m",
                    "bench.instructions",
                    "_run",
                    str(directory),
                    name,
                    str(args.requests),
                    str(helper),
                ],
                env=env | (SCENARIOS[name][4] if name in SCENARIOS else {}),
                capture_output=True,
                text=True,
            )
            statuses = re.findall(r"statuses (.*)", done.stderr)
            if done.returncode or not statuses:
                print(done.stderr[-3000:], file=sys.stderr)
                raise SystemExit(f"{name}: failed")
            per_request = _instructions(out) / args.requests
            queries = re.findall(r"queries (.*)", done.stderr)[-1]
            print(f"{name:<16} {per_request:>12,.0f} {queries:>8}  {statuses[-1]}", flush=True)
    finally:
        if args.keep:
            print(f"kept {directory}")
        else:
            shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "_prepare":
        _child_prepare(Path(sys.argv[2]), [name for name in sys.argv[3].split(",") if name], int(sys.argv[4]))
    elif len(sys.argv) > 1 and sys.argv[1] == "_run":
        _child_run(Path(sys.argv[2]), sys.argv[3], int(sys.argv[4]), sys.argv[5])
    else:
        main()
