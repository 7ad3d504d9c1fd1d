"""Cylinder data, pools, audits and the in-process bulk-ship count, run inside Django by the harness as
`python -m bench.cylinders.data ...`.

`setup` writes the users, `--cylinders` cylinders and `--history` history rows (with the Shipments and
Refills rows those events open and close) straight into the tables: COPY on PostgreSQL, bulk_create
elsewhere, never the API. A fixed random seed makes two runs hold the same rows. The first `--reserved`
cylinders are AVAILABLE with only their `add` row: the scan and bulk-ship phases consume them in order.
"""

import argparse
import json
import os
import random
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ADMIN = "bench_cyl_admin"
WORKER_PREFIX = "bench_cyl_worker_"
SEED = 4004
GAS_TYPES = ["OXYGEN", "NITROGEN", "ARGON", "CO2", "ACETYLENE", "HELIUM"]
CUSTOMERS = [f"Customer {i:03d} Ltd." for i in range(200)]
STATIONS = [f"Refill Station {i}" for i in range(10)]
TRASH_REASONS = ["failed pressure test", "valve damaged", "corrosion", "lost by customer"]
CYCLE = [  # (action, from, to) after `add`, repeated
    ("ship", "AVAILABLE", "SENT"),
    ("return", "SENT", "RETURNED"),
    ("refill/send", "RETURNED", "IN_REFILL"),
    ("refill/receive", "IN_REFILL", "AVAILABLE"),
]
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def _django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def _qr(rng: random.Random) -> str:
    bits = rng.getrandbits(130)
    return "CYL1-" + "".join(CROCKFORD[(bits >> (5 * i)) & 31] for i in range(26))


def users_create(workers: int, password: str) -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    user_model = get_user_model()
    password_hash, now = make_password(password), timezone.now()
    users = [user_model(username=ADMIN, email=f"{ADMIN}@bench.invalid", role="ADMIN")]
    users += [
        user_model(username=f"{WORKER_PREFIX}{i:02d}", email=f"{WORKER_PREFIX}{i:02d}@bench.invalid", role="WORKER")
        for i in range(workers)
    ]
    for user in users:  # active now: no last_active_at UPDATE inside the run (see bench/seed.py)
        user.password, user.last_active_at = password_hash, now
    user_model.objects.bulk_create(users)


def _event_counts(rng: random.Random, cylinders: int, reserved: int, history: int) -> list[int]:
    """Events per cylinder: 1 for the reserved ones, the rest spread around the mean, summing to `history`."""
    rest = cylinders - reserved
    left = history - reserved
    if rest <= 0 or left < rest:
        raise SystemExit("bench: --history must be at least --cylinders")
    base, extra = divmod(left, rest)
    counts = [base + (1 if i < extra else 0) for i in range(rest)]
    spread = max(0, base - 1)
    for i in range(0, rest - 1, 2):  # pairwise, so the sum stays exact
        d = rng.randint(0, spread)
        counts[i] += d
        counts[i + 1] -= d
        if counts[i + 1] < 1:
            counts[i] += counts[i + 1] - 1
            counts[i + 1] = 1
    return [1] * reserved + counts


def generate(*, cylinders: int, history: int, reserved: int, users: list, now: datetime):
    """Rows as tuples in each table's column order (see COLUMNS)."""
    from trackbase.cylinders.codes import place_key

    rng = random.Random(SEED)
    admin, workers = users[0], users[1:]
    keys = {name: place_key(name) for name in CUSTOMERS + STATIONS}
    cyl_rows, event_rows, shipment_rows, refill_rows = [], [], [], []
    event_id = 0
    for cid, count in enumerate(_event_counts(rng, cylinders, reserved, history), start=1):
        qr = _qr(rng)
        if cid <= reserved:
            times = [now - timedelta(days=1, seconds=rng.randint(0, 3600))]
        else:
            start = now - timedelta(days=rng.uniform(30, 730))
            span = (now - timedelta(hours=1) - start).total_seconds()
            times = sorted(start + timedelta(seconds=rng.uniform(0, span)) for _ in range(count))
        status, place, trash_reason = "AVAILABLE", "", ""
        open_ship = open_refill = None
        for n, at in enumerate(times):
            event_id += 1
            actor = admin if n == 0 else rng.choice(workers)
            reason = ""
            if n == 0:
                action, from_status, to_status, where = "add", "", "AVAILABLE", ""
            elif n == count - 1 and cid % 50 == 0:
                action, from_status, to_status = "trash", status, "TRASHED"
                actor, reason, trash_reason, where = admin, rng.choice(TRASH_REASONS), "", place
                trash_reason = reason
            else:
                action, from_status, to_status = CYCLE[(n - 1) % 4]
                where = (
                    rng.choice(CUSTOMERS)
                    if action == "ship"
                    else rng.choice(STATIONS)
                    if action == "refill/send"
                    else place
                )
            event_rows.append(
                (event_id, cid, action, from_status, to_status, actor.pk, actor.username, at, where,
                 keys.get(where, ""), qr, "", reason, "")
            )  # fmt: skip
            if action == "ship":
                open_ship = [
                    len(shipment_rows) + 1,
                    cid,
                    cid,
                    actor.pk,
                    None,
                    at,
                    None,
                    None,
                    where,
                    keys[where],
                    "SHIPPED",
                    actor.username,
                    "",
                ]
                shipment_rows.append(open_ship)
            elif action == "refill/send":
                open_refill = [
                    len(refill_rows) + 1,
                    cid,
                    cid,
                    actor.pk,
                    None,
                    at,
                    None,
                    None,
                    where,
                    keys[where],
                    "IN_REFILL",
                    actor.username,
                    "",
                ]
                refill_rows.append(open_refill)
            elif action in ("return", "refill/receive"):
                trip = open_ship if action == "return" else open_refill
                trip[2], trip[4], trip[6] = None, actor.pk, at
                trip[7] = int((at - trip[5]).total_seconds())
                trip[10] = "RETURNED" if action == "return" else "RECEIVED"
                trip[12] = actor.username
            elif action == "trash":
                for trip in (open_ship, open_refill):
                    if trip and trip[2] is not None:
                        trip[2], trip[10] = None, "TRASHED"
            status = to_status
            place = where if to_status in ("SENT", "IN_REFILL") else ""
        cyl_rows.append(
            (cid, f"CYL-B{cid:07d}", qr, status, place, keys.get(place, ""), rng.choice(GAS_TYPES),
             rng.choice([10, 20, 40, 50]), round(rng.uniform(10, 70), 2),
             date(2015, 1, 1) + timedelta(days=rng.randint(0, 3000)),
             (now + timedelta(days=rng.randint(-60, 1500))).date(), trash_reason, times[-1], times[0], times[-1])
        )  # fmt: skip
    return cyl_rows, event_rows, [tuple(r) for r in shipment_rows], [tuple(r) for r in refill_rows]


COLUMNS = {
    "cylinder": "id serial_number qr_code status sent_to sent_to_key gas_type capacity tare_weight manufacture_date "
    "next_test_due trash_reason status_changed_at created_at updated_at",
    "event": "id cylinder_id action from_status to_status by_id by_username at sent_to sent_to_key qr_code "
    "previous_qr_code reason note",
    "trip": "id cylinder_id open_cylinder_id sent_by_id received_by_id sent_at received_at duration_seconds",
}

TRIP_USERNAMES = " sent_by_username received_by_username"


def _insert(model, columns: str, rows: list[tuple]) -> None:
    from django.db import connection

    names = columns.split()
    if connection.vendor == "postgresql":
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {model._meta.db_table} ({', '.join(names)}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{model._meta.db_table}', 'id'), {len(rows) or 1})")
    else:
        model.objects.bulk_create((model(**dict(zip(names, row, strict=True))) for row in rows), batch_size=5000)


def setup(*, cylinders: int, history: int, reserved: int, workers: int, password: str) -> dict:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from trackbase.cylinders.activity import activity_rebuild
    from trackbase.cylinders.models import Cylinder, CylinderEvent, Refill, Shipment

    started = time.monotonic()
    users_create(workers, password)
    users = list(get_user_model().objects.filter(username__startswith="bench_cyl_").order_by("username"))
    now = datetime.now(UTC)
    cyl, events, shipments, refills = generate(
        cylinders=cylinders, history=history, reserved=reserved, users=users, now=now
    )
    generated = time.monotonic()
    with transaction.atomic():
        _insert(Cylinder, COLUMNS["cylinder"], cyl)
        _insert(CylinderEvent, COLUMNS["event"], events)
        _insert(Shipment, COLUMNS["trip"] + " sent_to sent_to_key status" + TRIP_USERNAMES, shipments)
        _insert(Refill, COLUMNS["trip"] + " station station_key status" + TRIP_USERNAMES, refills)
        activity_rebuild()  # the history went in around the services: count its days as they would have
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # What autovacuum does to a table soon after a bulk insert: statistics, and the visibility map
            # that lets the reports' covering indexes answer without reading the table.
            cursor.execute("VACUUM ANALYZE")
    statuses = {}
    for row in cyl:
        statuses[row[3]] = statuses.get(row[3], 0) + 1
    return {
        "throttle_scopes": sorted(settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {})),
        "cylinders": len(cyl),
        "history": len(events),
        "shipments": len(shipments),
        "refills": len(refills),
        "by_status": statuses,
        "generate_s": round(generated - started, 1),
        "insert_s": round(time.monotonic() - generated, 1),
    }


def _tokens(usernames: list[str]) -> list[str]:
    from django.contrib.auth import get_user_model
    from rest_framework_simplejwt.settings import api_settings

    token_class = api_settings.AUTH_TOKEN_CLASSES[0]
    by_name = {u.username: u for u in get_user_model().objects.filter(username__in=usernames)}
    return [str(token_class.for_user(by_name[name])) for name in usernames]


def worker_names() -> list[str]:
    from django.contrib.auth import get_user_model

    return sorted(
        get_user_model().objects.filter(username__startswith=WORKER_PREFIX).values_list("username", flat=True)
    )


def pools(*, out: Path, slices: dict[str, tuple[int, int]]) -> None:
    """Writes `access.txt` (one token per worker), `admin.txt`, and per slice `<name>.txt` of
    `worker token<TAB>qr code` for reserved cylinders first..last (ids), workers taken in turn."""
    from trackbase.cylinders.models import Cylinder

    workers = worker_names()
    tokens = _tokens(workers)
    (out / "access.txt").write_text("".join(f"{t}\n" for t in tokens))
    (out / "admin.txt").write_text(_tokens([ADMIN])[0] + "\n")
    for name, (first, last) in slices.items():
        codes = Cylinder.objects.filter(pk__gte=first, pk__lte=last, status="AVAILABLE").order_by("pk")
        lines = (f"{tokens[i % len(tokens)]}\t{qr}\n" for i, qr in enumerate(codes.values_list("qr_code", flat=True)))
        (out / f"{name}.txt").write_text("".join(lines))


def audit(marker: str) -> dict:
    """What the database holds for the ship requests that used `sent_to=marker`."""
    from django.db.models import Count

    from trackbase.cylinders.models import Cylinder, CylinderEvent, Shipment

    events = CylinderEvent.objects.filter(action="ship", sent_to=marker)
    return {
        "history_rows": events.count(),
        "cylinders_sent": Cylinder.objects.filter(status="SENT", sent_to=marker).count(),
        "shipments": Shipment.objects.filter(sent_to=marker).count(),
        "cylinders_with_two_rows": events.values("cylinder_id").annotate(n=Count("id")).filter(n__gt=1).count(),
    }


def count_bulk_ship(qr_file: Path, marker: str) -> dict:
    """One bulk ship through Django's test client (the full middleware stack, this process's settings),
    its queries captured: the count the HTTP runs cannot see."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    token = qr_file.read_text().partition("\t")[0]
    codes = [line.split("\t")[1] for line in qr_file.read_text().splitlines() if line]
    body = json.dumps({"qr_codes": codes, "sent_to": marker})
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    client.get("/health/")
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        response = client.post("/api/cylinders/ship", body, content_type="application/json")
        elapsed = time.perf_counter() - started
    kinds: dict[str, int] = {}
    for query in captured.captured_queries:
        word = query["sql"].lstrip().split(None, 1)[0].upper()
        kinds[word] = kinds.get(word, 0) + 1
    return {
        "status": response.status_code,
        "updated": len(response.json().get("updated", [])) if response.status_code == 200 else 0,
        "queries": len(captured.captured_queries),
        "by_kind": kinds,
        "ms": round(elapsed * 1000, 1),
        "sql": [q["sql"][:160] for q in captured.captured_queries],
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.cylinders.data")
    commands = parser.add_subparsers(dest="command", required=True)
    s = commands.add_parser("setup")
    s.add_argument("--cylinders", type=int, required=True)
    s.add_argument("--history", type=int, required=True)
    s.add_argument("--reserved", type=int, required=True)
    s.add_argument("--workers", type=int, default=20)
    s.add_argument("--password", required=True)
    p = commands.add_parser("pools")
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--slices", required=True, help='JSON {"name": [first_id, last_id]}')
    a = commands.add_parser("audit")
    a.add_argument("marker")
    c = commands.add_parser("count-bulk")
    c.add_argument("qr_file", type=Path)
    c.add_argument("marker")
    args = parser.parse_args(argv)
    _django_setup()
    if args.command == "setup":
        result = setup(
            cylinders=args.cylinders,
            history=args.history,
            reserved=args.reserved,
            workers=args.workers,
            password=args.password,
        )
    elif args.command == "pools":
        pools(out=args.out, slices={k: tuple(v) for k, v in json.loads(args.slices).items()})
        result = {}
    elif args.command == "audit":
        result = audit(args.marker)
    else:
        result = count_bulk_ship(args.qr_file, args.marker)
    json.dump(result, sys.stdout, default=str)


if __name__ == "__main__":
    main()
