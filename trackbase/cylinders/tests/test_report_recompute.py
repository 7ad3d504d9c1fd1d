"""The fast reports against a straightforward recomputation from the raw rows, on a random history.

The activity report reads daily counts kept beside the history and folds trip totals from per-place groups;
the inventory folds one grouped pass; the shipments total counts without joins. Here a seeded random
sequence of scans (valid and refused, by several workers, at any hour over three weeks, around midnight
included) goes through the services, and every answer must equal the one computed naively in Python from
the history, Shipment, Refill and Cylinder rows."""

import random
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from trackbase.accounts.models import Role
from trackbase.accounts.tests.factories import UserFactory
from trackbase.core.errors import DomainError
from trackbase.cylinders import activity, reports, services
from trackbase.cylinders.lifecycle import Action, Status
from trackbase.cylinders.models import Cylinder, CylinderActivityDay, CylinderEvent, Refill, Shipment

pytestmark = pytest.mark.django_db

START = datetime(2031, 3, 1, tzinfo=UTC)
DAYS = 21
PLACES = ["Acme Gas", "acme  gas", "Beta Ltd", "North Station", "South Station"]
REASONS = ["dented", "lost", "valve"]


@pytest.fixture
def history(time_machine, admin_user):
    """40 cylinders and 300 random scans; returns the day after the last one."""
    rng = random.Random(10)
    workers = [admin_user] + [UserFactory(username=f"w{i}", role=Role.WORKER) for i in range(3)]
    time_machine.move_to(START, tick=False)
    cylinders = services.cylinders_add(actor=admin_user, cylinders=[{"gas_type": "O2"} for _ in range(40)])
    codes = {c.pk: c.qr_code for c in cylinders}
    moment = START
    for _ in range(300):
        moment += timedelta(minutes=rng.randint(1, DAYS * 24 * 60 // 300 * 2))
        time_machine.move_to(moment, tick=False)
        _random_scan(rng, admin_user if rng.random() < 0.15 else rng.choice(workers), codes)
    return moment.date() + timedelta(days=1)


def _random_scan(rng: random.Random, actor, codes: dict[int, str]) -> None:
    action = rng.choice(Action.BULK)
    picked = rng.sample(sorted(codes), rng.randint(1, 4))
    try:
        result = services.cylinders_transition(
            actor=actor,
            action=action,
            qr_codes=[codes[pk] for pk in picked],
            sent_to=rng.choice(PLACES),
            reason=rng.choice(REASONS),
            partial=rng.random() < 0.5,
        )
    except DomainError:  # refused: nothing changed, and nothing may be counted
        return
    for item in result.updated:
        codes[item.cylinder.pk] = item.cylinder.qr_code  # a reprint's new code


# --- the straightforward recomputations -------------------------------------------------------------
def naive_series(date_from: date, date_to: date, period: str) -> list[dict]:
    rows: dict[date, Counter] = defaultdict(Counter)
    for event in CylinderEvent.objects.all():
        day = timezone.localdate(event.at)
        if date_from <= day <= date_to:
            bucket = day - timedelta(days=day.weekday()) if period == "week" else day
            rows[bucket][reports.ACTIVITY_COLUMNS[event.action]] += 1
    columns = reports.ACTIVITY_COLUMNS.values()
    return [{"period": b, **{c: rows[b][c] for c in columns}} for b in sorted(rows)]


def naive_workers(date_from: date, date_to: date) -> list[dict]:
    workers: dict[int, dict] = {}
    for event in CylinderEvent.objects.all():
        if date_from <= timezone.localdate(event.at) <= date_to:
            entry = workers.setdefault(
                event.by_id,
                {"user_id": event.by_id, "username": event.by_username, "total": 0}
                | dict.fromkeys(reports.ACTIVITY_COLUMNS.values(), 0),
            )
            entry[reports.ACTIVITY_COLUMNS[event.action]] += 1
            entry["total"] += 1
    return sorted(workers.values(), key=lambda w: (-w["total"], w["username"]))


def naive_trips(trips, *, key: str, name: str, unit: int) -> tuple[int, float | None, list[tuple]]:
    groups: dict[str, list] = defaultdict(list)
    for trip in trips:
        groups[getattr(trip, key)].append(trip)
    everything = [t.duration_seconds for t in trips]

    def mean(values):
        return round(sum(values) / len(values) / unit, 2) if values else None

    by_place = [
        (min(getattr(t, name) for t in group), len(group), mean([t.duration_seconds for t in group]))
        for place, group in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    ]
    return len(everything), mean(everything), by_place


def received_between(model, date_from: date, date_to: date) -> list:
    return [
        trip
        for trip in model.objects.exclude(received_at=None)
        if date_from <= timezone.localdate(trip.received_at) <= date_to
    ]


# --- the comparisons ---------------------------------------------------------------------------------
RANGES = [(0, DAYS + 1, "day"), (0, DAYS + 1, "week"), (3, 9, "day"), (4, 17, "week"), (20, 20, "day")]


@pytest.mark.parametrize(("first", "last", "period"), RANGES)
def test_the_activity_report_equals_a_recount_of_the_history(history, first, last, period):
    date_from, date_to = START.date() + timedelta(days=first), START.date() + timedelta(days=last)
    report = reports.activity(period=period, date_from=date_from, date_to=date_to)
    assert report["series"] == naive_series(date_from, date_to, period)
    assert report["workers"] == naive_workers(date_from, date_to)
    trashed = Counter(
        e.reason
        for e in CylinderEvent.objects.filter(action=Action.TRASH)
        if date_from <= timezone.localdate(e.at) <= date_to
    )
    assert report["trashed_by_reason"] == [
        {"reason": r, "count": n} for r, n in sorted(trashed.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    refills = received_between(Refill, date_from, date_to)
    count, average, stations = naive_trips(refills, key="station_key", name="station", unit=3600)
    turnaround = report["refill_turnaround"]
    assert (turnaround["count"], turnaround["average_hours"]) == (count, average)
    durations = [r.duration_seconds for r in refills]
    assert turnaround["min_hours"] == (round(min(durations) / 3600, 2) if durations else None)
    assert turnaround["max_hours"] == (round(max(durations) / 3600, 2) if durations else None)
    assert [(s["station"], s["count"], s["average_hours"]) for s in turnaround["by_station"]] == stations
    shipments = received_between(Shipment, date_from, date_to)
    count, average, customers = naive_trips(shipments, key="sent_to_key", name="sent_to", unit=86400)
    days = report["days_at_customer"]
    assert (days["count"], days["average_days"]) == (count, average)
    assert [(c["sent_to"], c["count"], c["average_days"]) for c in days["by_customer"]] == customers


def test_the_random_history_exercises_every_part_of_the_report(history):
    """The comparisons above are only as good as the data: make sure it holds what they compare."""
    report = reports.activity(period="day", date_from=START.date(), date_to=history)
    assert all(report["series"][0][column] >= 0 for column in reports.ACTIVITY_COLUMNS.values())
    totals = Counter()
    for row in report["series"]:
        totals.update({k: v for k, v in row.items() if k != "period"})
    assert all(totals[column] for column in reports.ACTIVITY_COLUMNS.values()), totals
    assert report["refill_turnaround"]["count"] and report["days_at_customer"]["count"]
    assert len(report["workers"]) == 4 and report["trashed_by_reason"]


def test_the_daily_counts_equal_a_rebuild_from_the_history(history):
    def counts():
        return sorted(CylinderActivityDay.objects.values_list("day", "action", "by_id", "by_username", "count"))

    kept = counts()
    assert sum(row[-1] for row in kept) == CylinderEvent.objects.count()
    activity.activity_rebuild()
    assert counts() == kept


def test_the_inventory_equals_a_recount_of_the_cylinders(history, time_machine):
    today = timezone.localdate()
    for index, cylinder in enumerate(Cylinder.objects.all()):  # tests due around today, some trashed
        Cylinder.objects.filter(pk=cylinder.pk).update(
            next_test_due=today + timedelta(days=index % 50 - 10), gas_type=["O2", "CO2", "N2"][index % 3]
        )
    body = reports.inventory(out_days=3, test_due_days=20)
    cylinders = list(Cylinder.objects.all())
    assert body["by_status"] == {s: sum(c.status == s for c in cylinders) for s in Status.ALL}
    assert body["total"] == len(cylinders)
    in_service = [c for c in cylinders if c.status != Status.TRASHED]
    assert body["tests_due"]["overdue"] == sum(c.next_test_due < today for c in in_service)
    assert body["tests_due"]["due_soon"] == sum(
        today <= c.next_test_due <= today + timedelta(days=20) for c in in_service
    )
    for gas in body["by_gas_type"]:
        mine = [c for c in cylinders if c.gas_type == gas["gas_type"]]
        assert gas["count"] == len(mine)
        assert gas["by_status"] == {s: sum(c.status == s for c in mine) for s in Status.ALL}
    for section, status in (("by_customer", Status.SENT), ("by_station", Status.IN_REFILL)):
        held = Counter(c.sent_to_key for c in cylinders if c.status == status)
        assert sorted((p["key"], p["count"]) for p in body[section]) == sorted(held.items())
    assert body["by_customer"] or body["by_station"]


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"status": "RETURNED"},
        {"sent_to": "ACME GAS"},
        {"worker": "W1"},
        {"date_from": START.date() + timedelta(days=5)},
    ],
)
def test_the_shipments_list_and_its_total_equal_a_plain_filter(history, filters):
    rows = reports.shipment_rows(**filters)
    wanted = sorted(
        (s for s in Shipment.objects.select_related("sent_by", "received_by") if _matches(s, filters)),
        key=lambda s: (s.sent_at, s.id),
        reverse=True,
    )
    assert rows.count() == len(wanted) > 0
    assert [s.id for s in rows] == [s.id for s in wanted]


def _matches(shipment, filters: dict) -> bool:
    users = {u.username.lower() for u in (shipment.sent_by, shipment.received_by) if u}
    return (
        filters.get("status", shipment.status) == shipment.status
        and (not filters.get("sent_to") or shipment.sent_to_key == "acme gas")
        and (not filters.get("worker") or filters["worker"].lower() in users)
        and (not filters.get("date_from") or timezone.localdate(shipment.sent_at) >= filters["date_from"])
    )
