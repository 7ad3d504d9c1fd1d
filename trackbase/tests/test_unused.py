"""What the project configures is used: no permission class without a view, no default filter backend that no
view filters with (the next apps would copy it as if it worked)."""

import inspect
from pathlib import Path

from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.permissions import BasePermission

from trackbase.accounts import permissions

TRACKBASE = Path(__file__).resolve().parents[1]
FILTER_ATTRIBUTES = ("filterset_class", "filterset_fields", "filter_backends", "search_fields", "ordering_fields")


def api_view_classes(patterns=None) -> list[type]:
    found = []
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            found += api_view_classes(pattern.url_patterns)
        elif isinstance(pattern, URLPattern) and hasattr(pattern.callback, "cls"):
            found.append(pattern.callback.cls)
    return found


def source_outside_tests() -> str:
    return "\n".join(
        path.read_text()
        for path in TRACKBASE.rglob("*.py")
        if "tests" not in path.parts and path.name != "permissions.py"
    )


def test_every_permission_class_is_used():
    classes = [
        name
        for name, value in inspect.getmembers(permissions, inspect.isclass)
        if issubclass(value, BasePermission) and value.__module__ == permissions.__name__
    ]
    code = source_outside_tests()
    assert [name for name in classes if name not in code] == []


def test_no_default_filter_backend_without_a_view_that_filters():
    filtering = [view for view in api_view_classes() if any(getattr(view, name, None) for name in FILTER_ATTRIBUTES)]
    if not filtering:
        assert settings.REST_FRAMEWORK.get("DEFAULT_FILTER_BACKENDS", []) == []
        assert "django_filters" not in settings.INSTALLED_APPS
