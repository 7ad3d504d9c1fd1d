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


def _query_params(request) -> dict[str, str | list[str]]:
    return {key: values[0] if len(values) == 1 else values for key, values in request.GET.lists()}


class RequestLogMiddleware:
    """Times each API request and queues its request-log entry; the write happens later, off this path."""

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
