import re

from rest_framework import pagination
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

# Plain ASCII digits only: int() would also take " 7", "1_000" and non-Latin digits.
_INTEGER = re.compile(r"-?[0-9]{1,18}")


def parse_bounded_int(params, name: str, *, default: int, minimum: int, maximum: int) -> int:
    """Read an integer query parameter; out-of-range or non-numeric values are a 400, not a silent default."""
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    if not _INTEGER.fullmatch(raw) or not minimum <= int(raw) <= maximum:
        raise ValidationError({name: [f"Must be an integer between {minimum} and {maximum}."]})
    return int(raw)


class LimitOffsetPagination(pagination.LimitOffsetPagination):
    """`{total, limit, offset, results}` with `limit`/`offset`, bounded, and strict about bad values."""

    default_limit = 20
    max_limit = 100
    max_offset = 1_000_000

    def get_limit(self, request):
        return parse_bounded_int(
            request.query_params, self.limit_query_param, default=self.default_limit, minimum=1, maximum=self.max_limit
        )

    def get_offset(self, request):
        return parse_bounded_int(
            request.query_params, self.offset_query_param, default=0, minimum=0, maximum=self.max_offset
        )

    def get_paginated_response(self, data):
        return Response({"total": self.count, "limit": self.limit, "offset": self.offset, "results": data})

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["total", "limit", "offset", "results"],
            "properties": {
                "total": {"type": "integer"},
                "limit": {"type": "integer"},
                "offset": {"type": "integer"},
                "results": schema,
            },
        }
