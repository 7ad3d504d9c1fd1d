from decimal import Decimal

import orjson
from django.utils.functional import Promise
from rest_framework.renderers import JSONRenderer

_OPTIONS = orjson.OPT_UTC_Z | orjson.OPT_NON_STR_KEYS


def _default(value):
    # Decimals stay exact as strings (what DRF's DecimalField emits); lazy translations are strings.
    if isinstance(value, Decimal | Promise):
        return str(value)
    # Querysets, tuples of rows, generators: what DRF's encoder writes as JSON arrays.
    if hasattr(value, "__iter__") and not isinstance(value, bytes | bytearray):
        return list(value)
    # Anything else is a serializer bug; failing loudly beats writing its repr() into a response.
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def dumps(data) -> bytes:
    return orjson.dumps(data, default=_default, option=_OPTIONS)


class ORJSONRenderer(JSONRenderer):
    """DRF's JSON renderer on orjson: the same output, a fraction of the encoding cost on hot lists."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        return dumps(data)


class ProblemJSONRenderer(ORJSONRenderer):
    media_type = "application/problem+json"
