"""One page shape for `/api/` lists: `{total, limit, offset, results}`, bounded, strict about bad values.

Every list view ends in `paginate(request, rows, serializer=...)`; its schema is `page_of(serializer)`
with `PAGE_PARAMETERS` (or `page_parameters(max_limit=...)` where a list allows larger pages)."""

import re

from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
MAX_OFFSET = 1_000_000
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


def page_window(params, *, default_limit: int = DEFAULT_LIMIT, max_limit: int = MAX_LIMIT) -> tuple[int, int]:
    """(limit, offset) from the query string, each bounded."""
    limit = parse_bounded_int(params, "limit", default=default_limit, minimum=1, maximum=max_limit)
    offset = parse_bounded_int(params, "offset", default=0, minimum=0, maximum=MAX_OFFSET)
    return limit, offset


def page_total(rows, page: list, limit: int, offset: int) -> int:
    """The count of `rows`, without a COUNT query when the page shows where they end (most lists fit on one)."""
    if len(page) < limit and (page or not offset):
        return offset + len(page)
    return rows.count() if hasattr(rows, "count") and not isinstance(rows, list) else len(rows)


def page_body(*, total: int, limit: int, offset: int, results) -> dict:
    return {"total": total, "limit": limit, "offset": offset, "results": results}


def paginate(
    request,
    rows,
    *,
    serializer=None,
    context: dict | None = None,
    default_limit: int = DEFAULT_LIMIT,
    max_limit: int = MAX_LIMIT,
) -> Response:
    """One page of `rows` (a QuerySet, or a list), rendered by `serializer` (omit it for rows that are
    already the output dicts)."""
    limit, offset = page_window(request.query_params, default_limit=default_limit, max_limit=max_limit)
    page = list(rows[offset : offset + limit])
    results = serializer(page, many=True, context=context or {}).data if serializer else page
    return Response(page_body(total=page_total(rows, page, limit, offset), limit=limit, offset=offset, results=results))


def page_parameters(*, max_limit: int = MAX_LIMIT) -> list[OpenApiParameter]:
    return [
        OpenApiParameter(
            "limit",
            {"type": "integer", "minimum": 1, "maximum": max_limit},
            description=f"Page size, 1-{max_limit}.",
        ),
        OpenApiParameter(
            "offset", {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET}, description="Rows to skip."
        ),
    ]


PAGE_PARAMETERS = page_parameters()
_pages: dict[type, type] = {}


def page_of(serializer_class: type) -> type:
    """The schema of a page of `serializer_class` rows (one component per row shape)."""
    if serializer_class not in _pages:
        name = serializer_class.__qualname__.replace(".", "").removesuffix("Serializer")
        _pages[serializer_class] = type(
            f"{name}Page",
            (serializers.Serializer,),
            {
                "total": serializers.IntegerField(),
                "limit": serializers.IntegerField(),
                "offset": serializers.IntegerField(),
                "results": serializer_class(many=True),
            },
        )
    return _pages[serializer_class]
