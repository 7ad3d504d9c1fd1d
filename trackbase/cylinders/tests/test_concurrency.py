"""Two workers scanning one cylinder at once get exactly one transition: real parallel requests.

Each scenario releases its clients together behind a barrier against Django's threaded live server
(one database connection per request thread), then checks the outcome with one invariant function.
The same scenario against the transition service with its guards removed (`unguarded_transition`:
read outside any transaction, check, pause as a slow request would, then write unconditionally)
must break that invariant: proof that the check can fail, and that the guards keep it green.
"""

import functools
import threading
import time
from collections import Counter

import httpx
import pytest
from django.db import connection, transaction
from django.utils import timezone
from rest_framework_simplejwt.tokens import AccessToken

from trackbase.accounts.models import Role
from trackbase.accounts.tests.factories import UserFactory
from trackbase.cylinders import codes, lifecycle, services
from trackbase.cylinders.errors import InvalidTransition
from trackbase.cylinders.models import Cylinder, CylinderActivityDay, CylinderEvent, Shipment
from trackbase.cylinders.trips import trips_record

PARALLEL = 12
RACE_WINDOW_SECONDS = 0.2

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor == "sqlite",
        # pytest-django hands the live server the test's own in-memory SQLite connection, so its request
        # threads share one connection (and one transaction state): nothing would run in parallel.
        reason="needs a database server; the in-memory SQLite test database is one shared connection",
    ),
]


@pytest.fixture
def scanners(db):
    """PARALLEL worker accounts, each with its own bearer header."""
    users = [UserFactory(username=f"scanner{i}", role=Role.WORKER) for i in range(PARALLEL)]
    return [{"Authorization": f"Bearer {AccessToken.for_user(user)}"} for user in users]


def in_parallel(url: str, requests: list) -> list[httpx.Response]:
    barrier = threading.Barrier(len(requests), timeout=60)
    responses: list = [None] * len(requests)

    def run(index: int) -> None:
        try:
            with httpx.Client(base_url=url, timeout=60) as client:
                barrier.wait()
                responses[index] = requests[index](client)
        except BaseException as exc:  # reported below with every other outcome
            responses[index] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(requests))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    failures = [r for r in responses if not isinstance(r, httpx.Response)]
    assert not failures, failures[:3]
    return responses


def outcome(response: httpx.Response) -> str:
    if response.status_code == 200:
        return "applied"
    if response.status_code == 409:
        return response.json()["code"]
    return f"{response.status_code} {response.text[:200]}"


def race_problems(cylinder: Cylinder, responses: list[httpx.Response]) -> list[str]:
    """Everything wrong after PARALLEL workers shipped one AVAILABLE cylinder at once.
    Problems about a cylinder moved twice start with DOUBLE."""
    problems = []
    outcomes = Counter(outcome(r) for r in responses)
    if set(outcomes) - {"applied", "INVALID_TRANSITION"}:
        problems.append(f"unexpected answers: {outcomes}")
    ships = CylinderEvent.objects.filter(cylinder=cylinder, action="ship").count()
    shipments = Shipment.objects.filter(cylinder=cylinder).count()
    if outcomes["applied"] != 1:
        problems.append(f"DOUBLE: {outcomes['applied']} requests answered 200 for one cylinder")
    if ships != 1:
        problems.append(f"DOUBLE: {ships} ship rows in the history")
    if shipments != 1:
        problems.append(f"DOUBLE: {shipments} shipments for one cylinder")
    history = list(CylinderEvent.objects.filter(cylinder=cylinder).values_list("from_status", "action", "to_status"))
    try:
        replayed = lifecycle.replay([(f or None, a, t) for f, a, t in history])
    except ValueError as exc:
        problems.append(f"the history does not replay: {exc}")
    else:
        if replayed != Cylinder.objects.get(pk=cylinder.pk).status:
            problems.append(f"the history replays to {replayed}, the cylinder says otherwise")
    return problems


def ship_race(url: str, scanners: list[dict], cylinder: Cylinder) -> list[httpx.Response]:
    def ship(index: int):
        body = {"qr_codes": [cylinder.qr_code], "sent_to": f"Customer {index}"}
        return lambda client: client.post("/api/cylinders/ship", json=body, headers=scanners[index])

    return in_parallel(url, [ship(i) for i in range(PARALLEL)])


def test_parallel_scans_of_one_cylinder_apply_once(live_server, scanners, add_cylinders):
    [cylinder] = add_cylinders()
    responses = ship_race(live_server.url, scanners, cylinder)
    assert race_problems(cylinder, responses) == []
    winner = next(r for r in responses if r.status_code == 200).json()["updated"][0]["sent_to"]
    assert Cylinder.objects.get(pk=cylinder.pk).sent_to == winner


def test_overlapping_batches_in_opposite_orders_neither_deadlock_nor_double(live_server, scanners, add_cylinders):
    cylinders = add_cylinders(20)
    forward = [c.qr_code for c in cylinders]
    batches = [forward if i % 2 == 0 else forward[::-1] for i in range(PARALLEL)]

    def ship(index: int):
        body = {"qr_codes": batches[index], "sent_to": "Acme", "partial": index % 3 == 0}
        return lambda client: client.post("/api/cylinders/ship", json=body, headers=scanners[index])

    responses = in_parallel(live_server.url, [ship(i) for i in range(PARALLEL)])
    assert all(r.status_code in (200, 409) for r in responses), [r.text[:200] for r in responses]
    applied = Counter(u["id"] for r in responses if r.status_code == 200 for u in r.json()["updated"])
    assert sorted(applied) == sorted(c.pk for c in cylinders) and set(applied.values()) == {1}, applied
    assert CylinderEvent.objects.filter(action="ship").count() == 20
    assert Shipment.objects.count() == 20


def unguarded_transition(*, actor, action, qr_codes, sent_to="", reason="", note="", partial=False, trips=False):
    """The classic naive scan: read, check, pause, write; no row lock, no conditional update.
    With `trips`, it also opens the Shipment rows, whose one-open-trip-per-cylinder column is the last guard."""
    rule = lifecycle.transition(action)
    keys = [codes.qr_key(code) for code in qr_codes]
    cylinders = list(Cylinder.objects.filter(qr_code__in=keys))  # read outside the transaction: the bug
    for cylinder in cylinders:
        if not lifecycle.allows(action, cylinder.status):
            raise InvalidTransition(
                lifecycle.refusal(action=action, status=cylinder.status, label=cylinder.serial_number)
            )
    time.sleep(RACE_WINDOW_SECONDS)
    now = timezone.now()
    result = services.BatchResult(action)
    with transaction.atomic():
        for cylinder in cylinders:
            item = services.Item(cylinder.qr_code, services.OK, cylinder=cylinder, from_status=cylinder.status)
            result.updated.append(item)
        Cylinder.objects.filter(pk__in=[c.pk for c in cylinders]).update(status=rule.target, sent_to=sent_to)
        for cylinder in cylinders:
            cylinder.status, cylinder.sent_to = rule.target, sent_to
        if trips:
            trips_record(action=action, cylinders=cylinders, actor=actor, now=now, place=sent_to, place_key=sent_to)
        services._history(action, [(i.cylinder, i.from_status, "", "") for i in result.updated], actor=actor, now=now)
    return result


def test_without_the_guards_the_same_check_catches_a_double_shipment(live_server, scanners, add_cylinders, monkeypatch):
    monkeypatch.setattr(services, "cylinders_transition", unguarded_transition)
    [cylinder] = add_cylinders()
    problems = race_problems(cylinder, ship_race(live_server.url, scanners, cylinder))
    assert any(problem.startswith("DOUBLE") for problem in problems), problems


def test_without_the_guards_the_database_still_refuses_a_second_open_shipment(
    live_server, scanners, add_cylinders, monkeypatch
):
    monkeypatch.setattr(services, "cylinders_transition", functools.partial(unguarded_transition, trips=True))
    [cylinder] = add_cylinders()
    responses = ship_race(live_server.url, scanners, cylinder)
    # The losers of the race crash into the unique column (500s, rolled back) instead of shipping twice.
    assert Shipment.objects.filter(cylinder=cylinder).count() == 1
    assert CylinderEvent.objects.filter(cylinder=cylinder, action="ship").count() == 1
    assert Counter(r.status_code for r in responses)[200] == 1


def test_a_scan_retried_in_parallel_with_its_key_runs_once(live_server, scanners, add_cylinders):
    """A flaky connection: the scanner app fires the same batch several times at once, with one key."""
    cylinders = add_cylinders(5)
    body = {"qr_codes": [c.qr_code for c in cylinders], "sent_to": "Acme"}
    headers = scanners[0] | {"Idempotency-Key": "batch-7f3a"}
    responses = in_parallel(
        live_server.url,
        [lambda client: client.post("/api/cylinders/ship", json=body, headers=headers)] * (PARALLEL // 2),
    )
    kinds = Counter("replayed" if r.headers.get("Idempotent-Replayed") == "true" else outcome(r) for r in responses)
    assert kinds["applied"] == 1 and set(kinds) <= {"applied", "replayed", "IDEMPOTENCY_REQUEST_IN_FLIGHT"}, kinds
    assert CylinderEvent.objects.filter(action="ship").count() == 5
    assert Shipment.objects.count() == 5


def one_worker_ships_each_cylinder_at_once(url: str, header: dict, cylinders: list[Cylinder]) -> list:
    def ship(cylinder: Cylinder):
        body = {"qr_codes": [cylinder.qr_code], "sent_to": "Acme"}
        return lambda client: client.post("/api/cylinders/ship", json=body, headers=header)

    return in_parallel(url, [ship(c) for c in cylinders])


def daily_ship_counts() -> list[tuple[str, int]]:
    return list(CylinderActivityDay.objects.filter(action="ship").values_list("by_username", "count"))


def test_parallel_scans_by_one_worker_are_all_counted_in_the_daily_activity(live_server, scanners, add_cylinders):
    """One worker's scans of the day add to one daily-count row; the first ones race to create it."""
    cylinders = add_cylinders(PARALLEL)
    responses = one_worker_ships_each_cylinder_at_once(live_server.url, scanners[0], cylinders)
    assert [r.status_code for r in responses] == [200] * PARALLEL, [r.text[:200] for r in responses]
    assert daily_ship_counts() == [("scanner0", PARALLEL)]


def read_then_write_count(*, day, action, actor, count):
    """The naive counter: look for the row, pause as a slow request would, then create or add."""
    row = CylinderActivityDay.objects.filter(day=day, action=action, by=actor, by_username=actor.username).first()
    time.sleep(RACE_WINDOW_SECONDS)
    if row is None:
        CylinderActivityDay.objects.create(day=day, action=action, by=actor, by_username=actor.username, count=count)
    else:
        CylinderActivityDay.objects.filter(pk=row.pk).update(count=row.count + count)


def test_without_the_upsert_the_same_check_loses_scans(live_server, scanners, add_cylinders, monkeypatch):
    monkeypatch.setattr(services, "activity_count", read_then_write_count)
    cylinders = add_cylinders(PARALLEL)
    responses = one_worker_ships_each_cylinder_at_once(live_server.url, scanners[0], cylinders)
    # The racers all find no row and insert it: one wins, the others crash into the unique key (500s).
    assert Counter(r.status_code for r in responses)[200] < PARALLEL
