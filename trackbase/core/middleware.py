from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.messages.storage import default_storage
from django.urls import get_resolver
from django.utils.functional import SimpleLazyObject, empty

from trackbase.core.request_id import accept_or_generate, reset_request_id, set_request_id
from trackbase.core.routing import indexed_urlconf

REQUEST_ID_HEADER = "X-Request-ID"


class RequestIdMiddleware:
    """Accepts or generates X-Request-ID, exposes it to logs for the request's lifetime, echoes it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = accept_or_generate(request.headers.get(REQUEST_ID_HEADER))
        token = set_request_id(request.request_id)
        try:
            response = self.get_response(request)
        finally:
            reset_request_id(token)
        response[REQUEST_ID_HEADER] = request.request_id
        return response


class LazyMessageMiddleware(MessageMiddleware):
    """Django's messages (the admin's flash messages) with the storage built on first use.

    Django's middleware builds a cookie-and-session storage on every request; an API request never reads or
    writes a message, so it pays for nothing here (and no session is loaded for it)."""

    def process_request(self, request):
        request._messages = SimpleLazyObject(lambda: default_storage(request))

    def process_response(self, request, response):
        messages = getattr(request, "_messages", None)
        if isinstance(messages, SimpleLazyObject) and messages._wrapped is empty:
            return response
        return super().process_response(request, response)


class RouteIndexMiddleware:
    """Requests resolve through an index of the URLconf (core/routing.py `IndexedResolver`): the same route
    for every path as Django's pattern-by-pattern scan, at a cost that does not grow with the route count.

    `request.urlconf` is Django's hook for a per-request URLconf; here it is the root URLconf, indexed."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.urlconf = indexed_urlconf(get_resolver())
        return self.get_response(request)
