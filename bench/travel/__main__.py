"""`python -m bench.travel`: time the pure Schengen calculation (ledger + 90/180 status) as history grows.

No server, no database: the calculation a status request runs, on synthetic histories of a frequent
traveller (a segment a day on average across Schengen and non-Schengen states, some multi-day legs and
airside connections). Prints one row per history length: segments, median and p95 milliseconds.

`--import-rows N` instead runs the CSV import of N rows end to end, with its database inserts
(bench/travel/importing.py). The status and sync endpoints are measured under load by the wrk harness:
`python -m bench --endpoints travel` (bench/README.md, "Travel").
"""

import argparse
import random
import statistics
import time
from datetime import date, timedelta

from trackbase.travel.rules.membership import Membership
from trackbase.travel.rules.presence import Leg, ledger
from trackbase.travel.rules.schengen import schengen_days, schengen_status

COUNTRIES = ["DE", "FR", "ES", "IT", "NL", "HR", "BG", "US", "GB", "IE", "TR", "AE"]
FOUNDED = date(1995, 3, 26)
MEMBERSHIP = Membership.of(
    [(code, FOUNDED, None) for code in ("DE", "FR", "ES", "NL", "IT")]
    + [("HR", date(2023, 1, 1), None), ("BG", date(2024, 3, 31), None)]
)


def calculate(legs: list[Leg], check: date):
    """What the status endpoint computes on a cache miss (trackbase/travel/calculators.py); the legs come
    sorted, as the database returns them."""
    since = check - timedelta(days=179)
    days = ledger(legs, until=check, membership=MEMBERSHIP, since=since, presorted=True)
    return schengen_status(schengen_days(days, MEMBERSHIP), check)


def history(years: int, *, end: date, seed: int = 7) -> list[Leg]:
    rng = random.Random(seed)
    day = end - timedelta(days=365 * years)
    here, legs = "US", []
    while day < end:
        there = rng.choice([c for c in COUNTRIES if c != here])
        length = rng.choice([0, 0, 0, 0, 0, 1])
        transit = rng.random() < 0.05
        legs.append(Leg(here, there, day, day + timedelta(days=length), sequence=len(legs), transit=transit))
        day += timedelta(days=length + rng.choice([0, 0, 1, 1, 2]))
        here = there
    return legs


def measure(legs: list[Leg], check: date, repeats: int) -> list[float]:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        calculate(legs, check)
        times.append((time.perf_counter() - start) * 1000)
    return times


def csv_rows_per_second(rows: int) -> float:
    """The import's pure part (decode, parse, airports, local times, layovers, duplicate keys), no database."""
    from trackbase.travel.imports import formats, journeys

    rng = random.Random(7)
    airports = ["FRA", "JFK", "LHR", "CDG", "MUC", "DXB", "SIN", "HND", "ZRH", "MAD", "EDDF", "KJFK"]
    lines = ["date,from,to,departure_time,arrival_time,flight_number"]
    for n in range(rows):
        origin, destination = rng.sample(airports, 2)
        lines.append(f"2030-{1 + n % 12:02d}-{1 + n % 28:02d},{origin},{destination},{n % 24:02d}:15,,LH{n}")
    data = "\n".join(lines).encode()
    start = time.perf_counter()
    kind, reader = formats.reader(formats.decode(data))
    flights = [journeys.to_flight(formats.parse_row(kind, n, row)) for n, row in enumerate(reader, start=2)]
    keys = [flight.import_key for flight in journeys.mark_layovers(flights)]
    assert len(keys) == rows
    return rows / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.travel", description=__doc__)
    parser.add_argument("--years", type=int, nargs="+", default=[1, 2, 5, 10, 20])
    parser.add_argument("--repeats", type=int, default=200)
    parser.add_argument("--csv-rows", type=int, default=0, help="Also time the CSV import's pure part.")
    parser.add_argument(
        "--import-rows",
        type=int,
        default=0,
        help="Only the CSV import end to end on a fresh database (DATABASE_URL's server, else SQLite): "
        "rows/s and peak memory (bench/travel/importing.py).",
    )
    parser.add_argument(
        "--no-tracemalloc", action="store_true", help="--import-rows: skip the third import, under tracemalloc"
    )
    args = parser.parse_args()
    if args.import_rows:
        from bench.travel import importing

        raise SystemExit(importing.parent(args.import_rows, traced=not args.no_tracemalloc))
    check = date(2031, 3, 14)
    print(f"{'years':>5} {'segments':>9} {'median ms':>10} {'p95 ms':>8}")
    for years in args.years:
        legs = history(years, end=check)
        times = sorted(measure(legs, check, args.repeats))
        p95 = times[int(len(times) * 0.95) - 1]
        print(f"{years:>5} {len(legs):>9} {statistics.median(times):>10.3f} {p95:>8.3f}")
    if args.csv_rows:
        print(f"CSV import, pure part: {csv_rows_per_second(args.csv_rows):,.0f} rows/s on {args.csv_rows:,} rows")


if __name__ == "__main__":
    main()
