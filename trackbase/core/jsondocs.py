"""Limits for JSON documents clients can write and the server stores (profile settings, preferences).

A document nested deeper than the encoder can write is accepted by orjson's parser (1,024 levels) but
refused by its encoder (254): stored once, it turned every page that shows it into a 500. So the request
parser stops at MAX_REQUEST_DEPTH, every stored client document has a schema of its own (a
`StrictSerializer`: keys, types; depth and size follow from them), and pages that show a stored document
render it through `StoredDocumentField`, which refuses to pass on one outside its limits.
"""

import logging

import orjson
from rest_framework import serializers

logger = logging.getLogger(__name__)

# Far below orjson's encoder limit (254), with room for the envelope a response wraps around a document;
# and no deeper than MariaDB stores JSON (its JSON_VALID check refuses more than 32 levels).
MAX_REQUEST_DEPTH = 32
UNKNOWN_FIELD = "Unknown field: {}. Allowed: {}."
NOT_ONE_OF = "Must be one of: {}."
MAX_KEY_ECHO = 50


def depth(value) -> int:
    """How deeply containers nest in `value`: 0 for a scalar, 1 for {} or [], and so on. Iterative, so
    a hostile document cannot exhaust the interpreter's stack."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list | tuple):
            children = item
        else:
            continue
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in children)
    return deepest


def within_limits(value, *, max_depth: int, max_bytes: int) -> bool:
    """Whether `value` nests at most `max_depth` levels and encodes to at most `max_bytes` bytes."""
    if depth(value) > max_depth:
        return False
    try:
        return len(orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS)) <= max_bytes
    except (orjson.JSONEncodeError, TypeError):
        return False


class StrictSerializer(serializers.Serializer):
    """Refuses keys it does not declare instead of dropping them: a misspelt key must not pass as saved."""

    schema_extra = {"additionalProperties": False}  # and says so in the OpenAPI schema

    def to_internal_value(self, data):
        if isinstance(data, dict) and (
            unknown := sorted(str(key)[:MAX_KEY_ECHO] for key in set(data) - set(self.fields))
        ):
            allowed = ", ".join(self.fields)
            raise serializers.ValidationError({key: [UNKNOWN_FIELD.format(key, allowed)] for key in unknown[:10]})
        return super().to_internal_value(data)


class StrictChoiceField(serializers.ChoiceField):
    """A string from a fixed list; the error names the choices and never echoes the (maybe huge) input."""

    def to_internal_value(self, data):
        if isinstance(data, str) and data in self.choices:
            return data
        raise serializers.ValidationError(NOT_ONE_OF.format(", ".join(map(str, self.choices))))


class StoredDocumentField(serializers.DictField):
    """Shows a stored JSON document, or `{}` when it is outside the limits (written before they existed,
    or behind the API's back): one bad row must not turn every page that lists it into a 500."""

    def __init__(self, *, max_depth: int, max_bytes: int, **kwargs):
        self.max_depth, self.max_bytes = max_depth, max_bytes
        super().__init__(**kwargs)

    def to_representation(self, value):
        if not isinstance(value, dict) or not within_limits(value, max_depth=self.max_depth, max_bytes=self.max_bytes):
            logger.warning("stored JSON document outside its limits; shown as {}", extra={"field": self.field_name})
            return {}
        return super().to_representation(value)
