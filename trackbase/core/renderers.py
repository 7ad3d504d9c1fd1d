from decimal import Decimal

import orjson
from rest_framework.renderers import JSONRenderer

_OPTIONS = orjson.OPT_UTC_Z | orjson.OPT_NON_STR_KEYS


def _default(value):
    if isinstance(value, Decimal):
        return str(value)
    # Lazy translation strings and other str-like values in error details.
    return str(value)


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
