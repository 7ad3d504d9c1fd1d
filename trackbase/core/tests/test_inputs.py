"""`validated()`: what the schema says is what the server accepts (JSON types, empty query values)."""

import pytest
from django.http import QueryDict
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from trackbase.core.inputs import QueryBoolean, validated
from trackbase.core.testing import field_errors


class Channel(serializers.Serializer):
    push = serializers.BooleanField()


class Body(serializers.Serializer):
    name = serializers.CharField(required=False)
    seats = serializers.IntegerField(required=False)
    on = serializers.BooleanField(required=False)
    channel = Channel(required=False)
    tags = serializers.ListField(child=serializers.CharField(), required=False)


class Filters(serializers.Serializer):
    search = serializers.CharField(required=False)
    note = serializers.CharField(required=False, allow_blank=True)
    active = QueryBoolean(required=False)


def errors_of(serializer, data) -> dict:
    with pytest.raises(ValidationError) as caught:
        validated(serializer, data)
    return caught.value.detail


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": 0}, "name"),
        ({"seats": "2"}, "seats"),
        ({"seats": 2.0}, "seats"),
        ({"seats": True}, "seats"),
        ({"on": "true"}, "on"),
        ({"on": 1}, "on"),
        ({"channel": "on"}, "channel"),
        ({"tags": "a"}, "tags"),
    ],
)
def test_it_rejects_a_json_value_of_another_type(data, field):
    assert field in errors_of(Body, data)


def test_it_names_a_nested_value_of_another_type():
    assert set(errors_of(Body, {"channel": {"push": "yes"}, "tags": ["a", 2]})) == {"channel", "tags"}


def test_it_accepts_json_of_the_documented_types():
    data = {"name": "x", "seats": 2, "on": False, "channel": {"push": True}, "tags": ["a"]}
    assert validated(Body, data) == data


def test_it_rejects_an_empty_query_value():
    assert set(errors_of(Filters, QueryDict("search=&note="))) == {"search"}


@pytest.mark.parametrize(("raw", "value"), [("true", True), ("false", False)])
def test_a_query_boolean_is_true_or_false(raw, value):
    assert validated(Filters, QueryDict(f"active={raw}")) == {"active": value}


@pytest.mark.parametrize("raw", ["1", "yes", "null", "True"])
def test_a_query_boolean_is_nothing_else(raw):
    assert "active" in errors_of(Filters, QueryDict(f"active={raw}"))


def test_an_absent_query_boolean_is_not_given():
    assert validated(Filters, QueryDict("")) == {}


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["role=", "search=", "is_active=", "is_active=null", "limit="])
def test_the_user_list_rejects_empty_filters(admin_client, query):
    field_errors(admin_client.get(f"/api/admin/users/?{query}"))


@pytest.mark.django_db
def test_a_device_name_must_be_a_string(owner_client):
    response = owner_client.post("/api/devices/", {"platform": "android", "token": "a" * 30, "name": 0}, format="json")
    assert field_errors(response, "name")["name"] == ["Must be a string."]
