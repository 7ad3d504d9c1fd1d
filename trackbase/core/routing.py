"""URL rules applied once for every app: each route answers with and without its trailing slash,
integer path ids are range-checked before any view or database sees them, and a request finds its route
through an index instead of trying every pattern in turn."""

import functools

from django.conf import settings
from django.urls import URLPattern, URLResolver, path
from django.urls.exceptions import Resolver404
from django.urls.resolvers import RoutePattern
from django.utils.functional import cached_property
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


class _Node:
    """One literal path segment in the index: the patterns that can match a path ending the walk here."""

    def __init__(self):
        self.children: dict[str, _Node] = {}
        self.own: list[int] = []  # positions in the URLconf of the patterns whose literal segments end here
        self.resolver: URLResolver | None = None


def _literal_segments(pattern) -> list[str]:
    """The segments every path this pattern matches begins with: all of them for a literal `path()` route
    (which matches exactly), else the complete ones before the first converter; none for a regex."""
    if not isinstance(pattern.pattern, RoutePattern):
        return []
    route = str(pattern.pattern)
    if not pattern.pattern.converters and getattr(pattern.pattern, "_is_endpoint", False):
        return route.split("/")
    return route.split("<", 1)[0].split("/")[:-1]


class IndexedResolver(URLResolver):
    """Resolves exactly like `path("", include(urlconf))`, but tries only the patterns that can match.

    Django's resolver tries every pattern in order (81 of them for /api/bookings/my/). Here the patterns sit
    in a tree keyed by their literal leading path segments; a path walks the tree as far as its own segments
    go, and the node it stops at holds, in URLconf order, every pattern that could match it: the node's own
    and those of every node above it (shorter literal prefixes, converters, regexes). Django's own resolver
    then tries that short list, so what matches, the 404s, converters and `reverse()` (built from the full
    list) are Django's. Under DEBUG a miss is retried in full, so the 404 page lists every pattern."""

    def __init__(self, urlconf_name):
        super().__init__(RoutePattern(""), urlconf_name)

    @cached_property
    def _index(self) -> tuple[_Node, int]:
        patterns = list(self.url_patterns)
        top, depth = _Node(), 0
        for position, pattern in enumerate(patterns):
            node, segments = top, _literal_segments(pattern)
            for segment in segments:
                node = node.children.setdefault(segment, _Node())
            node.own.append(position)
            depth = max(depth, len(segments))
        _attach_resolvers(top, [], patterns)
        return top, depth

    def resolve(self, path):
        node, depth = self._index
        # At most `depth` real segments are looked at; the rest of a long path stays one string.
        for segment in str(path).split("/", depth):
            child = node.children.get(segment)
            if child is None:
                break
            node = child
        try:
            return node.resolver.resolve(path)
        except Resolver404:
            if settings.DEBUG:
                return super().resolve(path)
            raise


def _attach_resolvers(node: _Node, above: list[int], patterns: list) -> None:
    candidates = sorted(above + node.own)
    node.resolver = URLResolver(RoutePattern(""), [patterns[position] for position in candidates])
    for child in node.children.values():
        _attach_resolvers(child, candidates, patterns)


class IndexedURLConf:
    """A URLconf module as requests resolve it: its patterns behind one IndexedResolver, everything else
    (error handlers) the module's own."""

    def __init__(self, module):
        self._module = module
        self.urlpatterns = [IndexedResolver(module)]

    def __getattr__(self, name):
        return getattr(self._module, name)


@functools.lru_cache(maxsize=8)
def indexed_urlconf(root: URLResolver) -> IndexedURLConf:
    """The indexed form of a root resolver's URLconf (one per root: Django makes a new root when the
    URLconf changes, as tests' `urls` markers do)."""
    return IndexedURLConf(root.urlconf_module)
