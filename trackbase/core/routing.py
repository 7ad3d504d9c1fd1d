"""URL rules applied once for every app: each route answers with and without its trailing slash, and
integer path ids are range-checked before any view or database sees them."""

from django.urls import URLPattern, URLResolver, path
from django.urls.resolvers import RoutePattern
from rest_framework.views import APIView

MAX_ID = 2**63 - 1


class IdConverter:
    """`<id:name>`: a positive 64-bit integer. Anything larger is a 404 (never an overflow in the database)."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if not 1 <= number <= MAX_ID:
            raise ValueError(f"{value} is not a valid id")  # Django answers 404 for a converter's ValueError
        return number

    def to_url(self, value) -> str:
        return str(value)


def _toggle_slash(route: str) -> str:
    return route[:-1] if route.endswith("/") else f"{route}/"


def _undocumented(callback):
    """The same view for an alias route, left out of the OpenAPI schema (the written spelling is documented)."""
    view_class = getattr(callback, "cls", None)
    if view_class is None or not issubclass(view_class, APIView):
        return callback
    return view_class.as_view(**{**callback.initkwargs, "schema": None})


def _patterns(patterns):
    """Flatten `path("", include(...))` resolvers; prefixed includes (admin) keep their own rules."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver) and str(pattern.pattern) == "":
            yield from _patterns(pattern.url_patterns)
        else:
            yield pattern


def with_slash_twins(patterns) -> list:
    """Every route as written, plus its twin with the trailing slash toggled: the seeds' clients disagree
    about trailing slashes, and a POST cannot follow a redirect (APPEND_SLASH's 301 loses the body)."""
    result = []
    for pattern in _patterns(patterns):
        result.append(pattern)
        route = str(pattern.pattern)
        if isinstance(pattern, URLPattern) and isinstance(pattern.pattern, RoutePattern) and route:
            result.append(path(_toggle_slash(route), _undocumented(pattern.callback)))
    return result


def me_routes(route: str, view_class, name: str) -> list:
    """Seed 000's `/me/...` path (documented), plus an alias under `/api/me/...`."""
    return [
        path(f"me/{route}", view_class.as_view(), name=name),
        path(f"api/me/{route}", view_class.as_view(schema=None)),
    ]
