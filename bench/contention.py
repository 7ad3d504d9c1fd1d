"""`--scenario booking-contention`: every connection books one seat at a time on ONE train.

Three phases, each on its own seeded train (bench/rail_data.py), all through `POST /api/bookings/` with
the access tokens of many users:

1. warm-up, on a train that cannot sell out: `--warmup` seconds, not reported;
2. open: `--duration` seconds on a train that cannot sell out either: bookings/s under contention;
3. sell-out: on a train with `--sellout-seats` seats, for long enough to ask for more than that.

Phases 2 and 3 run with bench/lua/contention.lua, which stops sending at the end of the window and waits
for every answer, so the responses counted are all the server gave. After each, the train row and its
bookings are read back and checked: seats sold (total - available) == 201 responses == seats of the
CONFIRMED bookings, and for the sell-out train, sold == capacity with every other answer a 409
NOT_ENOUGH_SEATS. A run where a check fails exits non-zero.
"""

import json
import math
from dataclasses import dataclass, replace
from pathlib import Path

from bench import loadgen, report, server
from bench.endpoints import BEARER, JSON, Endpoint

BOOKING = Endpoint(
    "booking",
    "POST",
    "/api/bookings/",
    ceiling="bare-auth",
    body='{"train_id":$TRAIN,"seats":1}',
    headers=JSON | BEARER,
    pool="access",
)
DRAIN_S = 5  # after the window: time for the last answers (p99 is well under a second on PostgreSQL)
# The sell-out window: long enough at the open phase's rate to ask for this many times the capacity.
SELLOUT_OVERSHOOT = 1.5
SELLOUT_MAX_WINDOW_S = 120
SOLD_OUT = "409 NOT_ENOUGH_SEATS"


@dataclass(frozen=True)
class Phase:
    name: str
    seats: int
    result: loadgen.Result
    cpu_ms: float
    audit: dict  # bench.rail_data.train_audit

    @property
    def created(self) -> int:
        return self.result.statuses.get(201, 0)

    def proof(self) -> tuple[bool, str]:
        r, a = self.result, self.audit
        others = r.requests - self.created
        refused = r.codes.get(SOLD_OUT, 0)
        checks = {
            "every request sent was answered": r.sent == r.requests,
            "sold == 201s == confirmed seats == confirmed bookings": (
                a["sold"] == self.created == a["confirmed_seats"] == a["confirmed_bookings"]
            ),
            "no other bookings": a["other_bookings"] == 0,
        }
        text = (
            f"sold (total - available) {a['sold']:,} == 201 responses {self.created:,} == seats of CONFIRMED "
            f"bookings {a['confirmed_seats']:,} ({a['confirmed_bookings']:,} bookings of 1 seat)"
        )
        if self.name == "sell-out":
            checks["sold == capacity"] = a["sold"] == self.seats
            checks["more requests than seats"] = r.requests > self.seats
            checks[f"every other answer a {SOLD_OUT}"] = refused == others
            text += f" == capacity {self.seats:,}; the other {others:,} answers: {refused:,} x {SOLD_OUT}"
        elif others:
            text += f"; {others:,} other answers ({_codes(r)})"
        text += f"; {r.sent:,} requests sent, {r.requests:,} answered"
        if any(r.socket_errors.values()):
            # With every request answered, these are the server closing connections left idle in the drain
            # (gunicorn's keep-alive timeout is 2 s): wrk counts a reset as a read error.
            text += f" ({_socket_errors(r)} on idle connections)"
        failed = [name for name, ok in checks.items() if not ok]
        verdict = f"FAILED ({'; '.join(failed)})" if failed else "OK"
        return not failed, f"{self.name}: {text}: {verdict}"


def _socket_errors(result: loadgen.Result) -> str:
    return ", ".join(f"socket {kind} x{n:,}" for kind, n in result.socket_errors.items() if n)


def _codes(result: loadgen.Result) -> str:
    parts = [f"{code} x{n:,}" for code, n in sorted(result.codes.items())]
    return ", ".join([*parts, _socket_errors(result)] if any(result.socket_errors.values()) else parts) or "none"


def _on_train(train_id: int) -> Endpoint:
    return replace(BOOKING, body=BOOKING.body.replace("$TRAIN", str(train_id)))


AUDIT_COUNTS = ("sold", "confirmed_bookings", "confirmed_seats", "other_bookings")


def audit(bench, train_id: int) -> dict:
    return json.loads(bench.seed("audit", str(train_id)))


def audit_since(before: dict, after: dict) -> dict:
    """What changed on a train between two audits: a later round's proof on a train earlier rounds booked."""
    return after | {key: after[key] - before[key] for key in AUDIT_COUNTS}


def _windowed(bench, name: str, train: dict, pool, window_s: float) -> Phase:
    endpoint = _on_train(train["id"])
    before = audit(bench, train["id"])
    cpu_before = bench.server_cpu()
    result = loadgen.run_window(bench.wrk, bench.base_url, endpoint, pool, window_s, DRAIN_S, bench.load)
    cpu_after = bench.server_cpu()
    server.probe(bench.base_url, "GET", "/health/", timeout=60)
    cpu_ms = bench.cpu_ms_per_request(cpu_before, cpu_after, result.requests)
    phase = Phase(name, train["seats"], result, cpu_ms, audit_since(before, audit(bench, train["id"])))
    bench.say(
        f"{name}: {result.statuses.get(201, 0):,} bookings in {result.active_s or 0:.1f} s, {result.rps:,.1f} req/s, "
        f"p50 {result.p50_ms:.1f} ms, p99 {result.p99_ms:.1f} ms; {_codes(result)}"
    )
    return phase


def warm_up(bench, trains: dict[str, dict]) -> Path:
    """One probe booking, then `--warmup` s of bookings on the warm-up train: the access-token pool."""
    pool = bench.cycling_pool("access")
    warm = _on_train(trains["warm-up"]["id"])
    token = pool.read_text().split("\n", 1)[0]
    status = server.probe(bench.base_url, "POST", warm.path, warm.body, {**JSON, "Authorization": f"Bearer {token}"})
    if status != 201:
        raise SystemExit(f"bench: booking probe answered {status}, expected 201")
    if bench.args.warmup > 0:
        bench.load_and_drain(warm, pool, bench.args.warmup)
    return pool


def open_phase(bench, trains: dict[str, dict], pool: Path, name: str = "open") -> Phase:
    """`--duration` s on the train that cannot sell out; its proof counts this phase's bookings only."""
    return _windowed(bench, name, trains["open"], pool, bench.args.duration)


def sell_out(bench, trains: dict[str, dict], pool: Path, rate: float) -> Phase:
    """Ask for SELLOUT_OVERSHOOT times the sell-out train's seats at `rate` bookings/s."""
    capacity = trains["sell-out"]["seats"]
    window = min(SELLOUT_MAX_WINDOW_S, max(bench.args.duration, SELLOUT_OVERSHOOT * capacity / max(rate, 1.0)))
    return _windowed(bench, "sell-out", trains["sell-out"], pool, window)


def run(bench, trains: dict[str, dict]) -> list[Phase]:
    """trains: bench.rail_data's contention trains, {"warm-up"|"open"|"sell-out": {"id", "seats"}}."""
    pool = warm_up(bench, trains)
    opened = open_phase(bench, trains, pool)
    return [opened, sell_out(bench, trains, pool, opened.result.per_second(201))]


COLUMNS = [
    "phase",
    "seats",
    "requests",
    "201",
    SOLD_OUT,
    "other",
    "bookings/s",
    "req/s",
    "p50 ms",
    "p99 ms",
    "CPU ms/req",
    "vs ceiling",
]


RIGHT = set(range(1, 11))


def cells(phases: list[Phase], ceiling: loadgen.Result | None) -> list[list[str]]:
    rows = []
    for p in phases:
        r = p.result
        other = r.requests - p.created - r.codes.get(SOLD_OUT, 0)
        ratio = f"{r.rps / ceiling.rps:.2g} of bare-auth" if ceiling and ceiling.rps else "?"
        rows.append(
            [
                p.name,
                f"{p.seats:,}",
                f"{r.requests:,}",
                f"{p.created:,}",
                f"{r.codes.get(SOLD_OUT, 0):,}",
                f"{other:,}",
                f"{r.per_second(201):,.0f}" if p.name != "sell-out" else "-",  # sold out part-way: no rate
                f"{r.rps:,.0f}",
                f"{r.p50_ms:.1f}",
                f"{r.p99_ms:.1f}",
                "-" if math.isnan(p.cpu_ms) else f"{p.cpu_ms:.2f}",
                ratio,
            ]
        )
    return rows


def proof_lines(phases: list[Phase]) -> tuple[bool, list[str]]:
    proofs = [phase.proof() for phase in phases]
    return all(ok for ok, _ in proofs), [f"proof, {line}" for _, line in proofs]


def plain(phases: list[Phase], ceiling: loadgen.Result | None) -> str:
    table = report.plain_table(COLUMNS, cells(phases, ceiling), RIGHT)
    return table + "\n\n" + "\n".join(proof_lines(phases)[1])


def markdown(phases: list[Phase], ceiling: loadgen.Result | None) -> str:
    table = report.markdown_table(COLUMNS, cells(phases, ceiling), RIGHT)
    return "Booking contention:\n\n" + table + "\n\n" + "\n".join(f"- {line}" for line in proof_lines(phases)[1])
