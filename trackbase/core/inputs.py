"""Parsing request input: one call per view, strict about what JSON and query strings may carry."""

from django.http import QueryDict
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.fields import empty

EMPTY_VALUE = "Must not be empty; leave the parameter out instead."
NOT_A_STRING = "Must be a string."
NOT_AN_INTEGER = "Must be an integer."
NOT_A_NUMBER = "Must be a number."
NOT_A_BOOLEAN = "Must be true or false."
NOT_AN_OBJECT = "Must be an object."
NOT_A_LIST = "Must be a list."


def validated(serializer_class, data, **kwargs) -> dict:
    """Validate request input with an input serializer; a 400 problem names each bad field.

    Stricter than DRF in two ways, so that what the OpenAPI schema says is what the server accepts:
    JSON values must have the documented type (DRF turns 5 into "5" for a string field and "5" into 5
    for an integer one), and an empty value in a query string or form is refused unless the field
    allows blank (DRF reads `?role=` as "not given", so an empty filter would list everything)."""
    serializer = serializer_class(data=data, **kwargs)
    errors = _empty_values(serializer, data) if isinstance(data, QueryDict) else _type_errors(serializer, data)
    if errors:
        raise ValidationError(errors)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _empty_values(serializer, data: QueryDict) -> dict:
    return {
        name: [EMPTY_VALUE]
        for name, field in serializer.fields.items()
        if name in data and "" in data.getlist(name) and not getattr(field, "allow_blank", False)
    }


def _type_errors(field, value) -> dict | list | None:
    """Errors for JSON values whose type is not the field's (None is left to the field's allow_null)."""
    if value is None or value is empty:
        return None
    if isinstance(field, serializers.ListSerializer | serializers.ListField):
        if not isinstance(value, list):
            return [NOT_A_LIST]
        child = field.child
        nested = {index: error for index, item in enumerate(value) if (error := _type_errors(child, item))}
        return nested or None
    if isinstance(field, serializers.Serializer) and not hasattr(field, "get_subclass_serializer"):
        if not isinstance(value, dict):
            return [NOT_AN_OBJECT] if field.parent is not None else None  # the root: DRF's own message
        nested = {
            name: error
            for name, child in field.fields.items()
            if not child.read_only and name in value and (error := _type_errors(child, value[name]))
        }
        return nested or None
    if isinstance(field, serializers.DictField):
        if not isinstance(value, dict):
            return [NOT_AN_OBJECT]
        nested = {key: error for key, item in value.items() if (error := _type_errors(field.child, item))}
        return nested or None
    return _scalar_type_error(field, value)


def _scalar_type_error(field, value) -> list | None:
    if isinstance(field, serializers.BooleanField):
        return None if isinstance(value, bool) else [NOT_A_BOOLEAN]
    if isinstance(field, serializers.IntegerField):
        return None if isinstance(value, int) and not isinstance(value, bool) else [NOT_AN_INTEGER]
    if isinstance(field, serializers.FloatField | serializers.DecimalField):
        return None if isinstance(value, int | float) and not isinstance(value, bool) else [NOT_A_NUMBER]
    if isinstance(field, serializers.MultipleChoiceField):
        return None
    if isinstance(field, serializers.ChoiceField) and not all(isinstance(key, str) for key in field.choices):
        return None
    if isinstance(field, serializers.CharField | serializers.ChoiceField | serializers.DateTimeField):
        return None if isinstance(value, str) else [NOT_A_STRING]
    return None


class QueryBoolean(serializers.BooleanField):
    """A boolean query parameter: `true` or `false` (the spelling OpenAPI clients send), nothing else; when
    absent it is not given (DRF's own reads an absent checkbox as false and `?x=null` as null)."""

    default_empty_html = empty
    TRUE_VALUES = {"true"}
    FALSE_VALUES = {"false"}
    NULL_VALUES = set()

    def _lower_if_str(self, value):
        return value  # exactly `true` / `false`: DRF lower-cases, so "TRUE" would pass
