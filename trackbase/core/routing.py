from django.urls import path


def _toggle_slash(route: str) -> str:
    return route[:-1] if route.endswith("/") else f"{route}/"


def optional_slash(route: str, view_class, name: str) -> list:
    """Answer `route` as written (documented) and with its trailing slash toggled (an undocumented alias):
    the seeds' clients disagree about trailing slashes, and a POST cannot follow a redirect."""
    return [
        path(route, view_class.as_view(), name=name),
        path(_toggle_slash(route), view_class.as_view(schema=None)),
    ]


def me_routes(route: str, view_class, name: str) -> list:
    """Seed 000's `/me/...` path (documented), plus aliases under `/api/me/...` and with the slash toggled."""
    return [
        *optional_slash(f"me/{route}", view_class, name),
        path(f"api/me/{route}", view_class.as_view(schema=None)),
        path(_toggle_slash(f"api/me/{route}"), view_class.as_view(schema=None)),
    ]
