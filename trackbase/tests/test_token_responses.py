"""Every operation the schema documents as answering with tokens is a NoStoreMixin view: an endpoint added
later (PIN sign-in, Apple sign-in, ...) cannot forget `Cache-Control: no-store` (issue 7 item 6)."""

import re

import pytest
from django.urls import resolve
from drf_spectacular.generators import SchemaGenerator

from trackbase.core.caching import NoStoreMixin

# Session credentials; a push device's `token` (/api/devices/) is an address to send to, not a credential.
TOKEN_FIELDS = {"access", "refresh", "access_token", "refresh_token", "accessToken", "refreshToken"}


def _component(schema: dict, ref: str) -> dict:
    return schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]


def _carries_tokens(schema: dict, body: dict, seen: frozenset = frozenset()) -> bool:
    if "$ref" in body:
        if body["$ref"] in seen:
            return False
        return _carries_tokens(schema, _component(schema, body["$ref"]), seen | {body["$ref"]})
    properties = body.get("properties", {})
    if TOKEN_FIELDS & set(properties) and body.get("type") == "object":
        return True
    return any(_carries_tokens(schema, child, seen) for child in [*properties.values(), *body.get("allOf", [])])


def token_operations() -> list[tuple[str, str]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    found = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for status, response in operation.get("responses", {}).items():
                content = response.get("content", {}).get("application/json", {})
                if status.startswith("2") and _carries_tokens(schema, content.get("schema", {})):
                    found.append((method, path))
    return sorted(set(found))


def test_it_finds_the_token_endpoints_it_guards():
    operations = token_operations()

    assert ("post", "/api/auth/login/") in operations
    assert ("post", "/api/auth/token/refresh/") in operations


@pytest.mark.parametrize(("method", "path"), token_operations())
def test_every_operation_that_answers_with_tokens_is_never_stored(method, path):
    view = resolve(re.sub(r"\{[^}]+\}", "1", path)).func
    view_class = getattr(view, "view_class", None) or view.cls

    assert issubclass(view_class, NoStoreMixin), f"{method.upper()} {path} answers with tokens"
