import time

from django.conf import settings
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from trackbase.analytics.services import request_log_record
from trackbase.core.views import is_api_path


def _route(request) -> str:
    # The pattern, not the path, so /api/trains/12/ and /api/trains/13/ count as one route.
    match = request.resolver_match
    return match.route if match is not None else request.path


def _user_id(request) -> int | None:
    # DRF writes the user it authenticated through to the Django request (Request.user's setter). A user
    # still lazy is the session middleware's, never evaluated: DRF did not run, and evaluating it would
    # cost a session query, so it counts as anonymous.
    user = getattr(request, "user", None)
    if user is None or type(user) is SimpleLazyObject or not user.is_authenticated:
        return None
    return user.pk


# Pagination parameters mean the same on every route and carry nothing secret.
ALWAYS_LOGGED_PARAMS = ("limit", "offset")
MAX_LOGGED_VALUE_LENGTH = 200
MAX_LOGGED_VALUES = 10


def _logged_params(request) -> tuple[str, ...]:
    """The query parameters the route's view declares loggable (`logged_query_params`), plus pagination."""
    match = request.resolver_match
    view = getattr(match.func, "view_class", None) or getattr(match.func, "cls", None) if match else None
    return ALWAYS_LOGGED_PARAMS + tuple(getattr(view, "logged_query_params", ()))


def _query_params(request) -> dict[str, str | list[str]]:
    """Only the parameters the route allows, each bounded: a query string can carry secrets (a device
    token on DELETE /api/devices/?token=, a reset token a client misplaced), and a name that is not on the
    list may be one too, so it is not kept either."""
    allowed = _logged_params(request)
    params = {}
    for key, values in request.GET.lists():
        if key in allowed:
            values = [value[:MAX_LOGGED_VALUE_LENGTH] for value in values[:MAX_LOGGED_VALUES]]
            params[key] = values[0] if len(values) == 1 else values
    return params


class RequestLogMiddleware:
    """Times each API request and queues its request-log entry; the write happens later, off this path.

    What an entry keeps is listed in docs/operations.md ("Request log"). Query parameters are kept only
    when the route's view names them in `logged_query_params` (and `limit`/`offset` everywhere)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not (settings.REQUEST_LOG_ENABLED and is_api_path(request.path)):
            return self.get_response(request)
        timestamp = timezone.now()
        started = time.perf_counter()
        response = self.get_response(request)
        request_log_record(
            route=_route(request),
            method=request.method,
            status_code=response.status_code,
            user_id=_user_id(request),
            query_params=_query_params(request),
            duration_ms=(time.perf_counter() - started) * 1000,
            request_id=request.request_id,
            timestamp=timestamp,
        )
        return response
