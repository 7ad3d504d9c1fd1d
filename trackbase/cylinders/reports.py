"""Admin reports, aggregated in the database: shipments, inventory, activity over time.

Each query groups on indexed columns (status, sent_to_key, gas_type, received_at) and returns one row
per group, so the result is small however many cylinders there are; Python only folds the groups
into the response shape. The activity series and per-worker counts read the daily counts kept beside the
history (activity.py), not the history itself."""

from datetime import date, datetime, time, timedelta

from django.db.models import Count, Max, Min, Q, QuerySet, Sum
from django.utils import timezone

from trackbase.cylinders import codes
from trackbase.cylinders.lifecycle import Action, Status
from trackbase.cylinders.models import Cylinder, CylinderActivityDay, CylinderEvent, Refill, Shipment

OUT_LIST_LIMIT = 100
DAY = 86400


def day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


# --- shipments --------------------------------------------------------------------------------------
# The columns a shipment row shows (ShipmentRowOutput): nothing else is read.
SHIPMENT_ROW_FIELDS = (
    "id",
    "status",
    "sent_to",
    "sent_at",
    "received_at",
    "duration_seconds",
    "cylinder__serial_number",
    "sent_by_username",
    "received_by_username",
)


def shipment_rows(
    *,
    worker: str | None = None,
    sent_to: str | None = None,
    status: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[Shipment]:
    """Shipments newest first (for a page or a CSV stream); dates filter on sent_at.

    The serial number comes through select_related, which a page's COUNT leaves out: the total counts the
    shipments alone (a join to cylinders would cost a hash join over every shipment)."""
    rows = Shipment.objects.order_by("-sent_at", "-id")  # cyl_shipment_sent_idx, read backwards
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
    return rows.select_related("cylinder").only(*SHIPMENT_ROW_FIELDS)


def _handled_by(worker: str) -> Q:
    """Sent or received by this user id, or by this username as it was then (kept on the row, so a deleted
    account's shipments are still found, and no users are joined)."""
    if worker.isdecimal() and len(worker) <= 18:
        return Q(sent_by_id=int(worker)) | Q(received_by_id=int(worker))
    return Q(sent_by_username__iexact=worker) | Q(received_by_username__iexact=worker)


# --- inventory --------------------------------------------------------------------------------------
def inventory(*, out_days: int = 30, test_due_days: int = 30) -> dict:
    now = timezone.now()
    stock = _stock(today=timezone.localdate(), test_due_days=test_due_days)
    by_status = dict.fromkeys(Status.ALL, 0)
    for group in stock:
        by_status[group["status"]] += group["count"]
    in_service = [group for group in stock if group["status"] != Status.TRASHED]
    holdings = _holdings()
    return {
        "total": sum(by_status.values()),
        "by_status": by_status,
        "by_customer": holdings[Status.SENT],
        "by_station": holdings[Status.IN_REFILL],
        "by_gas_type": _by_gas_type(stock),
        "out_longer_than": _out_longer_than(now=now, days=out_days),
        "tests_due": {
            "within_days": test_due_days,
            "overdue": sum(group["overdue"] for group in in_service),
            "due_soon": sum(group["due_soon"] for group in in_service),
        },
    }


def _stock(*, today: date, test_due_days: int) -> list[dict]:
    """Cylinders per (gas type, status) with their pressure tests overdue and due soon: one pass over the
    table answers the counts by status, by gas type and the tests due."""
    return list(
        Cylinder.objects.order_by()
        .values("gas_type", "status")
        .annotate(
            count=Count("*"),
            overdue=Count("id", filter=Q(next_test_due__lt=today)),
            due_soon=Count(
                "id", filter=Q(next_test_due__gte=today, next_test_due__lte=today + timedelta(days=test_due_days))
            ),
        )
    )


def _holdings() -> dict[str, list[dict]]:
    """Where the cylinders away are (SENT: customers, IN_REFILL: stations), by place key, most first; the
    name shown is one spelling seen."""
    groups = (
        Cylinder.objects.filter(status__in=Status.AWAY)
        .order_by()
        .values("status", "sent_to_key")
        .annotate(sent_to=Min("sent_to"), count=Count("*"))
        .order_by("-count", "sent_to_key")
    )
    holdings: dict[str, list[dict]] = {status: [] for status in Status.AWAY}
    for g in groups:
        holdings[g["status"]].append({"sent_to": g["sent_to"], "key": g["sent_to_key"], "count": g["count"]})
    return holdings


def _by_gas_type(stock: list[dict]) -> list[dict]:
    result: dict[str, dict] = {}
    for group in stock:
        gas_type = group["gas_type"]
        entry = result.setdefault(
            gas_type, {"gas_type": gas_type, "count": 0, "by_status": dict.fromkeys(Status.ALL, 0)}
        )
        entry["count"] += group["count"]
        entry["by_status"][group["status"]] = group["count"]
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
    activity; trashed by reason; all over [date_from, date_to] (inclusive days).

    The series and the workers sum the daily counts (activity.py), not the history; trips and trash
    reasons are range scans on covering indexes."""
    start, end = day_start(date_from), day_start(date_to + timedelta(days=1))
    daily = CylinderActivityDay.objects.filter(day__gte=date_from, day__lte=date_to).order_by()
    trashed = CylinderEvent.objects.filter(action=Action.TRASH, at__gte=start, at__lt=end).order_by()
    return {
        "period": period,
        "date_from": date_from,
        "date_to": date_to,
        "series": _series(daily, period=period),
        "refill_turnaround": _turnaround(Refill.objects.filter(received_at__gte=start, received_at__lt=end)),
        "days_at_customer": _days_at_customer(Shipment.objects.filter(received_at__gte=start, received_at__lt=end)),
        "workers": _workers(daily),
        "trashed_by_reason": [
            {"reason": r["reason"], "count": r["count"]}
            for r in trashed.values("reason").annotate(count=Count("id")).order_by("-count", "reason")
        ],
    }


def _series(daily: QuerySet, *, period: str) -> list[dict]:
    rows: dict[date, dict] = {}
    for day, action, n in daily.values_list("day", "action").annotate(n=Sum("count")):
        bucket = day - timedelta(days=day.weekday()) if period == "week" else day  # weeks start on Monday
        row = rows.setdefault(bucket, {"period": bucket, **dict.fromkeys(ACTIVITY_COLUMNS.values(), 0)})
        row[ACTIVITY_COLUMNS[action]] += n
    return [rows[bucket] for bucket in sorted(rows)]


def _hours(seconds) -> float | None:
    return None if seconds is None else round(float(seconds) / 3600, 2)


def _days(seconds) -> float | None:
    return None if seconds is None else round(float(seconds) / DAY, 2)


def _by_place(trips: QuerySet, *, key: str, name: str) -> list[dict]:
    """Finished trips per place, most first, in one query: count, exact sum, shortest and longest duration.
    The totals are folded from these groups, so every average is sum / count, the same on every database."""
    groups = (
        trips.filter(duration_seconds__isnull=False)
        .order_by()
        .values(key)
        .annotate(
            name=Min(name),
            count=Count("*"),  # not COUNT(id): the covering index has no id, and the scan stays index-only
            total=Sum("duration_seconds"),
            shortest=Min("duration_seconds"),
            longest=Max("duration_seconds"),
        )
    )
    return sorted(groups, key=lambda g: (-g["count"], g[key]))


def _mean(groups: list[dict]) -> float | None:
    count = sum(g["count"] for g in groups)
    return sum(int(g["total"]) for g in groups) / count if count else None


def _turnaround(refills: QuerySet) -> dict:
    stations = _by_place(refills, key="station_key", name="station")
    return {
        "count": sum(s["count"] for s in stations),
        "average_hours": _hours(_mean(stations)),
        "min_hours": _hours(min((s["shortest"] for s in stations), default=None)),
        "max_hours": _hours(max((s["longest"] for s in stations), default=None)),
        "by_station": [
            {"station": s["name"], "count": s["count"], "average_hours": _hours(_mean([s]))} for s in stations
        ],
    }


def _days_at_customer(shipments: QuerySet) -> dict:
    customers = _by_place(shipments, key="sent_to_key", name="sent_to")
    return {
        "count": sum(c["count"] for c in customers),
        "average_days": _days(_mean(customers)),
        "by_customer": [
            {"sent_to": c["name"], "count": c["count"], "average_days": _days(_mean([c]))} for c in customers
        ],
    }


def _workers(daily: QuerySet) -> list[dict]:
    groups = daily.values_list("by_id", "by_username", "action").annotate(n=Sum("count"))
    workers: dict[int | None, dict] = {}
    for by_id, username, action, n in groups:
        entry = workers.setdefault(
            by_id, {"user_id": by_id, "username": username, "total": 0, **dict.fromkeys(ACTIVITY_COLUMNS.values(), 0)}
        )
        entry[ACTIVITY_COLUMNS[action]] += n
        entry["total"] += n
    return sorted(workers.values(), key=lambda w: (-w["total"], w["username"]))
