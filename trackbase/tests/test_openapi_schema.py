"""The OpenAPI schema as generated clients read it: pages as pages, every error response documented with the
problem shape, operations tagged by domain, the server's limits stated."""

import pytest
from django.conf import settings
from drf_spectacular.generators import SchemaGenerator

PAGE_FIELDS = {"total", "limit", "offset", "results"}
METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield f"{method.upper()} {path}", operation


def component(schema, ref: str) -> dict:
    return schema["components"]["schemas"][ref.rsplit("/", 1)[1]]


def _error_shape(label: str) -> tuple[str, str]:
    """(media type, schema component) of an error response: the envelope contract under /api/v1/ answers
    failures in its own body (V1Error, as JSON), every other path as problem+json."""
    if label.split(" ")[1].startswith("/api/v1/"):
        return "application/json", "V1Error"
    return "application/problem+json", "Problem"


def test_every_operation_documents_its_errors_in_its_contracts_error_shape(schema):
    undocumented = []
    for label, operation in operations(schema):
        media_type, shape = _error_shape(label)
        errors = {status: response for status, response in operation["responses"].items() if status >= "400"}
        if not errors or any(
            list(r.get("content", {})) != [media_type]
            or r["content"][media_type]["schema"].get("$ref", "").rsplit("/", 1)[-1] != shape
            for r in errors.values()
        ):
            undocumented.append(label)
    assert not undocumented


def test_operations_that_need_credentials_document_401_and_throttled_ones_429(schema):
    for label, operation in operations(schema):
        needs_credentials = {} not in operation.get("security", [{}])
        if needs_credentials:
            assert "401" in operation["responses"], label
        assert "429" in operation["responses"], label


def test_operations_on_a_resource_document_404(schema):
    for label, operation in operations(schema):
        if "{" in label:
            assert "404" in operation["responses"], label


def test_admin_operations_document_403(schema):
    for label, operation in operations(schema):
        if label.split(" ")[1].startswith("/api/admin/") or label == "POST /api/trains/":
            assert "403" in operation["responses"], label


def test_every_operation_has_one_domain_tag(schema):
    known = {tag["name"] for tag in settings.SPECTACULAR_SETTINGS["TAGS"]}
    tags = {label: operation.get("tags") for label, operation in operations(schema)}
    assert {label: tag for label, tag in tags.items() if len(tag or []) != 1 or tag[0] not in known} == {}


def test_every_list_is_documented_as_the_page_it_answers_with(schema):
    lists = {
        "GET /api/admin/users/",
        "GET /api/devices/",
        "GET /me/notifications",
        "GET /api/trains/",
        "GET /api/bookings/my/",
        "GET /api/trains/search/",
    }
    for label, operation in operations(schema):
        if label in lists:
            ok = operation["responses"]["200"]["content"]["application/json"]["schema"]
            assert set(component(schema, ok["$ref"])["properties"]) == PAGE_FIELDS, label
            limit = next(p for p in operation["parameters"] if p["name"] == "limit")["schema"]
            assert (limit["minimum"], limit["maximum"]) in ((1, 100), (1, 50)), label
            assert operation["operationId"].endswith("_list"), label


def test_the_limits_the_server_enforces_are_in_the_schema(schema):
    components = schema["components"]["schemas"]
    register = components["RegisterInputRequest"]["properties"]
    assert (register["password"]["minLength"], register["password"]["maxLength"]) == (8, 128)
    assert register["username"]["pattern"] == "^[A-Za-z0-9_.@+-]{3,150}$"
    profile = components["ProfileInputRequest"]
    assert profile["minProperties"] == 1
    time_zones = component(schema, profile["properties"]["timezone"]["allOf"][0]["$ref"])
    assert "Europe/Berlin" in time_zones["enum"]
    assert components["NotificationSettingsRequest"]["additionalProperties"] is False
    device = components["DeviceRegistrationRequest"]
    assert len(device["oneOf"]) == 3
    users = next(op for label, op in operations(schema) if label == "GET /api/admin/users/")
    search = next(p for p in users["parameters"] if p["name"] == "search")["schema"]
    assert (search["minLength"], search["maxLength"]) == (1, 100)


def test_profile_updates_need_a_body(schema):
    profile = schema["paths"]["/api/profile/"]
    assert profile["put"]["requestBody"]["required"] is True
    assert profile["patch"]["requestBody"]["required"] is True


def uploads_a_file(schema, operation) -> bool:
    """A multipart body with a binary field (what core.schema.AutoSchema.map_parsers documents for a FileField)."""
    form = operation.get("requestBody", {}).get("content", {}).get("multipart/form-data")
    properties = component(schema, form["schema"]["$ref"]).get("properties", {}) if form else {}
    return any(field.get("format") == "binary" for field in properties.values())


def test_bodies_are_json_except_uploads(schema):
    for label, operation in operations(schema):
        media_types = set(operation.get("requestBody", {}).get("content", {}))
        expected = (
            {"application/json", "multipart/form-data"} if uploads_a_file(schema, operation) else {"application/json"}
        )
        assert media_types <= expected, label


def test_the_envelope_contract_under_api_v1_gets_no_problem_responses():
    from django.urls import path
    from drf_spectacular.utils import extend_schema
    from rest_framework import serializers
    from rest_framework.views import APIView

    class Thing(serializers.Serializer):
        name = serializers.CharField()

    class ThingApi(APIView):
        @extend_schema(request=Thing, responses={201: Thing})
        def post(self, request):
            raise NotImplementedError

    patterns = [path("api/v1/things/", ThingApi.as_view()), path("api/things/", ThingApi.as_view())]
    generated = SchemaGenerator(patterns=patterns).get_schema(request=None, public=True)

    assert set(generated["paths"]["/api/v1/things/"]["post"]["responses"]) == {"201"}
    assert {"400", "401", "429"} <= set(generated["paths"]["/api/things/"]["post"]["responses"])


def test_the_v1_contract_states_the_time_zones_and_usernames_it_accepts(schema):
    components = schema["components"]["schemas"]
    for name in ("GroupSettingsInputRequest", "GroupUpdateInputRequest", "V1ProfileInputRequest"):
        time_zones = components[name]["properties"]["timezone"]
        time_zones = time_zones["allOf"][0] if "allOf" in time_zones else time_zones
        assert "Europe/Berlin" in component(schema, time_zones["$ref"])["enum"], name
    assert components["V1ProfileInputRequest"]["properties"]["username"]["pattern"] == "^[A-Za-z0-9_-]{3,30}$"
    assert "required" not in components["GroupUpdateInputRequest"]
