"""What the project configures is used: no default filter backend that no view filters with (the next apps
would copy it as if it worked)."""

from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver

FILTER_ATTRIBUTES = ("filterset_class", "filterset_fields", "search_fields", "ordering_fields")


def api_view_classes(patterns=None) -> list[type]:
    found = []
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            found += api_view_classes(pattern.url_patterns)
        elif isinstance(pattern, URLPattern) and hasattr(pattern.callback, "cls"):
            found.append(pattern.callback.cls)
    return found


def test_no_default_filter_backend_without_a_view_that_filters():
    filtering = [view for view in api_view_classes() if any(getattr(view, name, None) for name in FILTER_ATTRIBUTES)]
    if not filtering:
        assert settings.REST_FRAMEWORK.get("DEFAULT_FILTER_BACKENDS", []) == []
        assert "django_filters" not in settings.INSTALLED_APPS
