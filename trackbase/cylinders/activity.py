"""The activity report's daily counts (`CylinderActivityDay`), kept beside the history.

The report's series and per-worker columns used to count every history row in the range, twice: 1.2 s for
30 days and 3-4 s for a year at a million history rows, growing with the history. Counts per (day, action,
actor) are at most days x actions x actors rows whatever the traffic. `activity_count` adds to them in the
transaction that writes the history rows it counts (`services._history`, the only writer of history), so
the two cannot disagree; `activity_rebuild` recounts them from the history. Days are local dates in
TIME_ZONE, the same days the reports' date ranges and `TruncDate` use."""

from datetime import date

from django.db import connections, router
from django.db.models import Count
from django.db.models.functions import TruncDate

from trackbase.cylinders.models import CylinderActivityDay, CylinderEvent

_KEY = ("day", "action", "by_id", "by_username")


def activity_count(*, day: date, action: str, actor, count: int) -> None:
    """Add `count` rows of `action` by `actor` on `day`, in the caller's transaction.

    One upsert, so two transactions adding to one key serialise on its row instead of racing to insert it
    (a read-then-write would lose one of two concurrent first scans of the day)."""
    connection = connections[router.db_for_write(CylinderActivityDay)]
    values = [connection.ops.adapt_datefield_value(day), action, actor.pk, actor.username, count]
    with connection.cursor() as cursor:
        cursor.execute(_upsert_sql(connection), values)


def _upsert_sql(connection) -> str:
    quote = connection.ops.quote_name
    table, count = quote(CylinderActivityDay._meta.db_table), quote("count")
    columns = ", ".join(quote(name) for name in (*_KEY, "count"))
    insert = f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, %s, %s)"  # noqa: S608 (quoted names, bound values)
    if connection.vendor == "mysql":
        return f"{insert} ON DUPLICATE KEY UPDATE {count} = {count} + VALUES({count})"
    key = ", ".join(quote(name) for name in _KEY)  # PostgreSQL and SQLite: the unique constraint's columns
    return f"{insert} ON CONFLICT ({key}) DO UPDATE SET {count} = {table}.{count} + EXCLUDED.{count}"


def activity_rebuild(*, using: str = "default", events=CylinderEvent, days=CylinderActivityDay) -> int:
    """Recount every day from the history; -> rows written. The migration that added the table passes its
    historical models; a bench that loads history with COPY calls it after loading."""
    groups = (
        events.objects.using(using).order_by().annotate(day=TruncDate("at")).values(*_KEY).annotate(count=Count("id"))
    )
    days.objects.using(using).all().delete()
    rows = days.objects.using(using).bulk_create((days(**group) for group in groups.iterator()), batch_size=2000)
    return len(rows)
