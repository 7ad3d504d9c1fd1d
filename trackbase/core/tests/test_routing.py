"""One URL rule for every app: each route answers with and without its trailing slash; path ids are
range-checked before a view or the database sees them."""

from types import SimpleNamespace

import pytest
from django import urls
from django.urls import URLPattern, get_resolver, resolve, reverse
from django.urls.exceptions import Resolver404
from django.urls.resolvers import RegexPattern, RoutePattern, URLResolver

from trackbase.core.routing import IndexedURLConf, indexed_urlconf
from trackbase.core.testing import assert_problem


def _api_routes() -> list[str]:
    """Every route string under /api/ or /me/ in the project's URLconf, includes flattened."""
    return [
        str(pattern.pattern)
        for pattern in get_resolver().url_patterns
        if isinstance(pattern, URLPattern)
        and isinstance(pattern.pattern, RoutePattern)
        and str(pattern.pattern).startswith(("api/", "me/"))
    ]


def _sample(route: str) -> str:
    """A concrete path for a route: each converter filled with a value it accepts."""
    path = route
    for name, value in (
        ("id", "7"),
        ("train_number", "12951"),
        ("str", "x"),
        ("uuid", "0" * 8 + "-0000-0000-0000-" + "0" * 12),
    ):
        while f"<{name}:" in path:
            start = path.index(f"<{name}:")
            path = path[:start] + value + path[path.index(">", start) + 1 :]
    return "/" + path


def test_every_api_route_answers_with_and_without_its_slash():
    routes = _api_routes()
    assert len(routes) > 40
    for route in routes:
        path = _sample(route)
        twin = path[:-1] if path.endswith("/") else f"{path}/"
        assert resolve(twin).func.cls is resolve(path).func.cls, route


@pytest.mark.django_db
def test_a_post_without_the_slash_is_served_not_redirected(anon_client):
    # APPEND_SLASH would answer 301 and the client's POST body would be lost.
    response = anon_client.post("/api/bookings", {"train_id": 1, "seats": 1}, format="json")
    assert_problem(response, 401, "NOT_AUTHENTICATED")


@pytest.mark.django_db
@pytest.mark.parametrize("raw_id", ["0", "9223372036854775808", "18446744073709551616", "9" * 19])
def test_it_answers_404_for_an_id_out_of_range(owner_client, raw_id):
    for path in (f"/api/bookings/{raw_id}/", f"/api/realtime/presence/{raw_id}/", f"/me/notifications/{raw_id}"):
        assert_problem(owner_client.get(path), 404)


@pytest.mark.django_db
def test_the_largest_id_reaches_the_view(owner_client):
    assert_problem(owner_client.get("/api/bookings/9223372036854775807/"), 404, "BOOKING_NOT_FOUND")


def test_aliases_stay_out_of_the_schema():
    from drf_spectacular.generators import SchemaGenerator

    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    assert "/api/bookings/" in paths
    assert "/api/bookings" not in paths
    assert "/me/favorites" in paths
    assert "/me/favorites/" not in paths
    assert not any(path.startswith("/api/me/") for path in paths)


def _outcome(resolver, path: str):
    """What a resolver makes of a path: the match's observable parts, or 404."""
    try:
        match = resolver.resolve(path)
    except Resolver404:
        return 404
    return (match.func, match.args, match.kwargs, match.url_name, match.route, match.namespaces)


def _paths() -> list[str]:
    """Every route of the URLconf filled in, each with its slash toggled, ids out of range, near misses."""
    paths = ["/", "/x", "//", "/api", "/api/", "/api//", "/apix/", "/admin/", "/admin/login/", "/media/a.png"]
    for route in _api_routes():
        path = _sample(route)
        paths += [path, path.rstrip("/"), f"{path}/", f"{path}x/", path.replace("7", "0"), path.upper()]
    return paths


def test_the_index_resolves_every_path_as_django_does():
    plain, indexed = get_resolver(), get_resolver(indexed_urlconf(get_resolver()))
    for path in _paths():
        assert _outcome(indexed, path) == _outcome(plain, path), path


def test_the_index_keeps_the_urlconf_order_and_every_kind_of_pattern():
    def view(name):
        return lambda request: name

    patterns = [
        urls.path("a/<str:anything>/", view("converter first")),
        urls.path("a/b/", view("literal after")),
        urls.re_path(r"^a/(?P<rest>.*)$", view("regex")),
        urls.path("pre", urls.include([urls.path("fix/", view("prefix without a slash"))])),
        urls.path("<str:top>/c/", view("converter at the top")),
        urls.path("", view("root")),
    ]
    urlconf = SimpleNamespace(urlpatterns=patterns)
    plain, indexed = (URLResolver(RegexPattern(r"^/"), conf) for conf in (urlconf, IndexedURLConf(urlconf)))
    for path in ("/a/b/", "/a/z/", "/a/b/c/d", "/prefix/", "/z/c/", "/", "/a", "/nothing"):
        assert _outcome(indexed, path) == _outcome(plain, path), path
    assert indexed.resolve("/a/b/").func(None) == "converter first"
    assert indexed.resolve("/prefix/").func(None) == "prefix without a slash"


@pytest.mark.django_db
def test_a_request_tries_only_the_patterns_that_can_match(anon_client):
    response = anon_client.get("/api/bookings/my/")
    assert response.resolver_match.url_name == "booking-mine"
    assert len(response.resolver_match.tried) < 10
    assert reverse("booking-mine") == "/api/bookings/my/"
