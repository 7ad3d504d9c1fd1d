"""Admin reports, aggregated in the database: shipments, inventory, activity over time.

Each query groups on indexed columns (status, sent_to_key, gas_type, action/at) and returns one row
per group, so the result is small however many cylinders there are; Python only folds the groups
into the response shape."""

from datetime import date, datetime, time, timedelta

from django.db.models import Avg, Count, F, Max, Min, Q, QuerySet
from django.db.models.functions import TruncDate, TruncWeek
from django.utils import timezone

from trackbase.cylinders import codes
from trackbase.cylinders.lifecycle import Action, Status
from trackbase.cylinders.models import Cylinder, CylinderEvent, Refill, Shipment

OUT_LIST_LIMIT = 100
DAY = 86400


def day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


# --- shipments --------------------------------------------------------------------------------------
def shipment_rows(
    *,
    worker: str | None = None,
    sent_to: str | None = None,
    status: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet:
    """Shipments newest first, as flat rows (for a page or a CSV stream); dates filter on sent_at."""
    rows = Shipment.objects.order_by("-sent_at", "-id")
    if worker:
        rows = rows.filter(_handled_by(worker))
    if sent_to:
        rows = rows.filter(sent_to_key=codes.place_key(sent_to))
    if status:
        rows = rows.filter(status=status)
    if date_from:
        rows = rows.filter(sent_at__gte=day_start(date_from))
    if date_to:
        rows = rows.filter(sent_at__lt=day_start(date_to + timedelta(days=1)))
    return rows.values(
        "id",
        "status",
        "sent_to",
        "sent_at",
        "received_at",
        "duration_seconds",
        "cylinder_id",
        serial_number=F("cylinder__serial_number"),
        sent_by_username=F("sent_by__username"),
        received_by_username=F("received_by__username"),
    )


def _handled_by(worker: str) -> Q:
    if worker.isdecimal() and len(worker) <= 18:
        return Q(sent_by_id=int(worker)) | Q(received_by_id=int(worker))
    return Q(sent_by__username__iexact=worker) | Q(received_by__username__iexact=worker)


# --- inventory --------------------------------------------------------------------------------------
def inventory(*, out_days: int = 30, test_due_days: int = 30) -> dict:
    now = timezone.now()
    today = timezone.localdate()
    by_status = dict.fromkeys(Status.ALL, 0)
    by_status |= dict(Cylinder.objects.order_by().values_list("status").annotate(n=Count("id")))
    in_service = Cylinder.objects.exclude(status=Status.TRASHED).order_by()
    tests = in_service.aggregate(
        overdue=Count("id", filter=Q(next_test_due__lt=today)),
        due_soon=Count(
            "id", filter=Q(next_test_due__gte=today, next_test_due__lte=today + timedelta(days=test_due_days))
        ),
    )
    return {
        "total": sum(by_status.values()),
        "by_status": by_status,
        "by_customer": _holdings(Status.SENT),
        "by_station": _holdings(Status.IN_REFILL),
        "by_gas_type": _by_gas_type(),
        "out_longer_than": _out_longer_than(now=now, days=out_days),
        "tests_due": {"within_days": test_due_days, "overdue": tests["overdue"], "due_soon": tests["due_soon"]},
    }


def _holdings(status: str) -> list[dict]:
    """Where the cylinders in `status` are, grouped by place key; the name shown is one spelling seen."""
    groups = (
        Cylinder.objects.filter(status=status)
        .order_by()
        .values("sent_to_key")
        .annotate(sent_to=Min("sent_to"), count=Count("id"))
        .order_by("-count", "sent_to_key")
    )
    return [{"sent_to": g["sent_to"], "key": g["sent_to_key"], "count": g["count"]} for g in groups]


def _by_gas_type() -> list[dict]:
    groups = Cylinder.objects.order_by().values_list("gas_type", "status").annotate(n=Count("id"))
    result: dict[str, dict] = {}
    for gas_type, status, n in groups:
        entry = result.setdefault(
            gas_type, {"gas_type": gas_type, "count": 0, "by_status": dict.fromkeys(Status.ALL, 0)}
        )
        entry["count"] += n
        entry["by_status"][status] = n
    return [result[key] for key in sorted(result)]


def _out_longer_than(*, now: datetime, days: int) -> dict:
    out = Cylinder.objects.filter(status__in=Status.AWAY, status_changed_at__lt=now - timedelta(days=days))
    oldest = out.order_by("status_changed_at", "id")[:OUT_LIST_LIMIT]
    return {
        "days": days,
        "count": out.count(),
        "cylinders": [
            {
                "id": c.pk,
                "serial_number": c.serial_number,
                "status": c.status,
                "sent_to": c.sent_to,
                "since": c.status_changed_at,
                "days_out": (now - c.status_changed_at).days,
            }
            for c in oldest
        ],
    }


# --- activity over time -----------------------------------------------------------------------------
ACTIVITY_COLUMNS = {
    Action.ADD: "added",
    Action.SHIP: "shipments",
    Action.RETURN: "returns",
    Action.REFILL_SEND: "refills_sent",
    Action.REFILL_RECEIVE: "refills_received",
    Action.TRASH: "trashed",
    Action.REPRINT: "reprinted",
}


def activity(*, period: str, date_from: date, date_to: date) -> dict:
    """Shipments, returns, refills per day or week; refill turnaround; days at a customer; per-worker
    activity; trashed by reason; all over [date_from, date_to] (inclusive days)."""
    start, end = day_start(date_from), day_start(date_to + timedelta(days=1))
    events = CylinderEvent.objects.filter(at__gte=start, at__lt=end).order_by()
    return {
        "period": period,
        "date_from": date_from,
        "date_to": date_to,
        "series": _series(events, period=period),
        "refill_turnaround": _turnaround(Refill.objects.filter(received_at__gte=start, received_at__lt=end)),
        "days_at_customer": _days_at_customer(Shipment.objects.filter(received_at__gte=start, received_at__lt=end)),
        "workers": _workers(events),
        "trashed_by_reason": [
            {"reason": r["reason"], "count": r["count"]}
            for r in events.filter(action=Action.TRASH)
            .values("reason")
            .annotate(count=Count("id"))
            .order_by("-count", "reason")
        ],
    }


def _series(events: QuerySet, *, period: str) -> list[dict]:
    trunc = TruncWeek("at") if period == "week" else TruncDate("at")
    groups = events.annotate(bucket=trunc).values_list("bucket", "action").annotate(n=Count("id"))
    rows: dict[date, dict] = {}
    for bucket, action, n in groups:
        day = bucket.date() if isinstance(bucket, datetime) else bucket
        row = rows.setdefault(day, {"period": day, **dict.fromkeys(ACTIVITY_COLUMNS.values(), 0)})
        row[ACTIVITY_COLUMNS[action]] = n
    return [rows[day] for day in sorted(rows)]


def _hours(seconds) -> float | None:
    return None if seconds is None else round(float(seconds) / 3600, 2)


def _days(seconds) -> float | None:
    return None if seconds is None else round(float(seconds) / DAY, 2)


def _turnaround(refills: QuerySet) -> dict:
    refills = refills.order_by()
    total = refills.aggregate(
        count=Count("id"), avg=Avg("duration_seconds"), min=Min("duration_seconds"), max=Max("duration_seconds")
    )
    stations = refills.values("station_key").annotate(
        station=Min("station"), count=Count("id"), avg=Avg("duration_seconds")
    )
    return {
        "count": total["count"],
        "average_hours": _hours(total["avg"]),
        "min_hours": _hours(total["min"]),
        "max_hours": _hours(total["max"]),
        "by_station": [
            {"station": s["station"], "count": s["count"], "average_hours": _hours(s["avg"])}
            for s in sorted(stations, key=lambda s: (-s["count"], s["station_key"]))
        ],
    }


def _days_at_customer(shipments: QuerySet) -> dict:
    shipments = shipments.filter(duration_seconds__isnull=False).order_by()
    total = shipments.aggregate(count=Count("id"), avg=Avg("duration_seconds"))
    customers = shipments.values("sent_to_key").annotate(
        sent_to=Min("sent_to"), count=Count("id"), avg=Avg("duration_seconds")
    )
    return {
        "count": total["count"],
        "average_days": _days(total["avg"]),
        "by_customer": [
            {"sent_to": c["sent_to"], "count": c["count"], "average_days": _days(c["avg"])}
            for c in sorted(customers, key=lambda c: (-c["count"], c["sent_to_key"]))
        ],
    }


def _workers(events: QuerySet) -> list[dict]:
    groups = events.values_list("by_id", "by_username", "action").annotate(n=Count("id"))
    workers: dict[int | None, dict] = {}
    for by_id, username, action, n in groups:
        entry = workers.setdefault(
            by_id, {"user_id": by_id, "username": username, "total": 0, **dict.fromkeys(ACTIVITY_COLUMNS.values(), 0)}
        )
        entry[ACTIVITY_COLUMNS[action]] += n
        entry["total"] += n
    return sorted(workers.values(), key=lambda w: (-w["total"], w["username"]))
