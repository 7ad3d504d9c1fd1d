from datetime import datetime, timedelta

from django.conf import settings
from django.db import connections, router, transaction
from django.utils import timezone

from trackbase.analytics.buffer import request_log_buffer
from trackbase.analytics.models import METHOD_MAX_LENGTH, ROUTE_MAX_LENGTH, RequestLog

# Rows deleted per statement: a year of traffic in one DELETE would hold its locks (and, on MySQL, grow
# the undo log) for minutes; batches keep each transaction short while the log goes on being written.
PURGE_BATCH_SIZE = 5000


def _storable(text: str) -> str:
    # PostgreSQL text and jsonb reject NUL, and one bad row fails its whole batch: a scanner requesting
    # /api/%00 must not cost everyone else's entries.
    return text.replace("\x00", "")


def _storable_params(query_params: dict[str, str | list[str]]) -> dict[str, str | list[str]]:
    return {
        _storable(key): [_storable(v) for v in value] if isinstance(value, list) else _storable(value)
        for key, value in query_params.items()
    }


def request_log_record(
    *,
    route: str,
    method: str,
    status_code: int,
    user_id: int | None,
    query_params: dict[str, str | list[str]],
    duration_ms: float,
    request_id: str,
    timestamp: datetime,
) -> None:
    """Queue one API request for the analytics store; never touches the database itself."""
    request_log_buffer.append(
        {
            # Over-long values would fail the batch on strict databases; the prefix is what reports group by.
            "route": _storable(route)[:ROUTE_MAX_LENGTH],
            "method": _storable(method)[:METHOD_MAX_LENGTH],
            "status_code": status_code,
            "user_id": user_id,
            "query_params": _storable_params(query_params),
            "duration_ms": duration_ms,
            "request_id": request_id,
            "timestamp": timestamp,
        }
    )


def request_log_flush() -> int:
    """Write every queued request-log entry now; returns how many reached the store."""
    return request_log_buffer.flush()


def request_log_purge() -> int:
    """Delete request-log entries older than REQUEST_LOG_RETENTION_DAYS (0 keeps them forever); returns
    how many were deleted."""
    days = settings.REQUEST_LOG_RETENTION_DAYS
    if days <= 0:
        return 0
    expired = RequestLog.objects.filter(timestamp__lt=timezone.now() - timedelta(days=days))
    deleted = 0
    while True:
        # Ids first, then a delete by id: MariaDB cannot DELETE with a LIMIT inside an IN (subquery).
        ids = list(expired.order_by("timestamp").values_list("pk", flat=True)[:PURGE_BATCH_SIZE])
        if not ids:
            return deleted
        deleted += RequestLog.objects.filter(pk__in=ids).delete()[0]


def request_log_probe() -> None:
    """Write one entry the way the buffer does, and roll it back: raises while entries would be dropped."""
    alias = router.db_for_write(RequestLog)
    connection = connections[alias]
    if not connection.in_atomic_block:
        # On a fresh connection, as the flush thread writes (it closes its own after each batch): a connection
        # kept open since before the analytics file was replaced still writes to the old, unlinked file.
        connection.close()
    with transaction.atomic(using=alias):
        RequestLog.objects.using(alias).create(
            route="/ready/", method="GET", status_code=200, duration_ms=0.0, timestamp=timezone.now()
        )
        transaction.set_rollback(True, using=alias)
