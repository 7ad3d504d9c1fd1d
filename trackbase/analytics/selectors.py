import logging
from datetime import datetime

from django.db import DatabaseError
from django.db.models import Count, F
from django.db.models.fields.json import KT
from django.db.models.functions import Trim, Upper

from trackbase.analytics.models import RequestLog
from trackbase.core.errors import DomainError

logger = logging.getLogger(__name__)


class AnalyticsUnavailable(DomainError):
    status, code = 503, "ANALYTICS_UNAVAILABLE"
    detail = "The analytics store is not answering; try again later. Everything else works."


def request_log_top_param_values(
    *, route: str, params: tuple[str, ...], since: datetime | None = None, limit: int = 10
) -> list[dict]:
    """The most frequent combinations of query-parameter values among successful requests to `route`,
    compared case- and space-insensitively, grouped and counted in the database.

    -> [{param: VALUE, ..., "count": n}], most frequent first.
    """
    requests = RequestLog.objects.filter(route=route, status_code=200)
    if since is not None:
        requests = requests.filter(timestamp__gte=since)
    requests = requests.annotate(**{f"_{param}": Upper(Trim(KT(f"query_params__{param}"))) for param in params})
    for param in params:
        requests = requests.exclude(**{f"_{param}__isnull": True}).exclude(**{f"_{param}": ""})
    rows = (
        requests.values(*(f"_{param}" for param in params))
        .annotate(count=Count("id"))
        .order_by("-count", *(F(f"_{param}") for param in params))[:limit]
    )
    try:
        return [{param: row[f"_{param}"] for param in params} | {"count": row["count"]} for row in rows]
    except DatabaseError as exc:
        # The store is down or not what we expect (a replaced database file has no tables): not the client's
        # fault, and not a bug in this request either.
        logger.warning("analytics store unavailable", extra={"error": repr(exc)})
        raise AnalyticsUnavailable() from exc
