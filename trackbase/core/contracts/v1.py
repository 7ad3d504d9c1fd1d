"""The `/api/v1/` envelope (seed 002): `{success, data, message?, meta}` on success and
`{success: false, error: {code, message, details?}, meta: {timestamp, requestId}}` on failure.

One base view carries it: errors go through the project's one mapping (`core.errors.to_problem`), so a
domain error keeps its stable code on every contract; `renamed_codes` lets a contract spell a code its
own way (HuCares says USERNAME_TAKEN where accounts say USERNAME_ALREADY_EXISTS). Pagination is
`?page=&limit=`, reported in `meta.pagination {page, limit, total, totalPages}`.
"""

import math

from django.utils import timezone
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView, set_rollback

from trackbase.core.errors import to_problem
from trackbase.core.pagination import parse_bounded_int
from trackbase.core.request_id import get_request_id

VERSION = "v1"
DEFAULT_LIMIT = 20
MAX_LIMIT = 100
MAX_PAGE = 100_000


def _now() -> str:
    return timezone.now().isoformat(timespec="milliseconds").replace("+00:00", "Z")


def meta(**extra) -> dict:
    return {"timestamp": _now(), "version": VERSION, "requestId": get_request_id(), **extra}


def _camel(key: str) -> str:
    head, *rest = key.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def camelize(value):
    """Field-error keys to camelCase (the input serializers' own names already are; nested DRF keys may not be)."""
    if isinstance(value, dict):
        return {_camel(str(key)): camelize(item) for key, item in value.items()}
    if isinstance(value, list):
        return [camelize(item) for item in value]
    return value


def error_body(status_code: int, code: str, message: str, details=None) -> dict:
    error = {"code": code, "message": message}
    if details:
        error["details"] = camelize(details)
    return {"success": False, "error": error, "meta": {"timestamp": _now(), "requestId": get_request_id()}}


def ok(data=None, *, http_status: int = status.HTTP_200_OK, message: str | None = None, **extra_meta) -> Response:
    if http_status == status.HTTP_204_NO_CONTENT:
        return Response(status=http_status)
    body = {"success": True, "data": data}
    if message:
        body["message"] = message
    body["meta"] = meta(**extra_meta)
    return Response(body, status=http_status)


class PageParams(serializers.Serializer):
    """Documents `?page=&limit=`; values are parsed by `paginate` (bounded, 400 when out of range)."""

    page = serializers.IntegerField(required=False, min_value=1, max_value=MAX_PAGE)
    limit = serializers.IntegerField(required=False, min_value=1, max_value=MAX_LIMIT)


def paginate(request, rows, *, serializer, context=None, **extra_meta) -> Response:
    """One page of a QuerySet in the envelope: data is the list, meta.pagination says where it is."""
    params = request.query_params
    page = parse_bounded_int(params, "page", default=1, minimum=1, maximum=MAX_PAGE)
    limit = parse_bounded_int(params, "limit", default=DEFAULT_LIMIT, minimum=1, maximum=MAX_LIMIT)
    total = rows.count()
    items = rows[(page - 1) * limit : page * limit]
    pagination = {"page": page, "limit": limit, "total": total, "totalPages": math.ceil(total / limit)}
    return ok(serializer(items, many=True, context=context or {}).data, pagination=pagination, **extra_meta)


class V1ApiView(APIView):
    """Base of every `/api/v1/` view: errors leave in the envelope, with the contract's codes."""

    renamed_codes: dict[str, str] = {}

    def get_exception_handler(self):
        return self.envelope_exception_handler

    def envelope_exception_handler(self, exc, context):
        problem, headers = to_problem(exc)
        if retry_after := getattr(exc, "retry_after", None):  # a domain error that says when to come back
            headers["Retry-After"] = str(retry_after)
        code = self.renamed_codes.get(problem["code"], problem["code"])
        set_rollback()
        body = error_body(problem["status"], code, problem["detail"], problem.get("errors"))
        return Response(body, status=problem["status"], headers=headers)


def enveloped(serializer, *, name: str | None = None, many: bool = False, paginated: bool = False):
    """The schema of a success envelope around `serializer` (documentation only; `ok` renders it)."""
    from drf_spectacular.utils import inline_serializer

    if serializer is None:
        label, data = name or "Empty", serializers.JSONField(allow_null=True, help_text="null")
    else:
        base = serializer if isinstance(serializer, type) else type(serializer)
        label = name or base.__name__.removesuffix("Output")
        data = base(many=True) if many or paginated else base(allow_null=True)
    fields = {
        "success": serializers.BooleanField(),
        "data": data,
        "message": serializers.CharField(required=False),
        "meta": inline_serializer(f"V1Meta{'Paged' if paginated else ''}", _meta_fields(paginated)),
    }
    return inline_serializer(f"V1{label}{'Page' if paginated else 'List' if many else ''}", fields)


def _meta_fields(paginated: bool) -> dict:
    from drf_spectacular.utils import inline_serializer

    fields = {
        "timestamp": serializers.DateTimeField(),
        "version": serializers.CharField(),
        "requestId": serializers.CharField(),
    }
    if paginated:
        fields["pagination"] = inline_serializer(
            "V1Pagination",
            {name: serializers.IntegerField() for name in ("page", "limit", "total", "totalPages")},
        )
    return fields


def _error_serializer():
    from drf_spectacular.utils import inline_serializer

    return inline_serializer(
        "V1Error",
        {
            "success": serializers.BooleanField(),
            "error": inline_serializer(
                "V1ErrorBody",
                {
                    "code": serializers.CharField(),
                    "message": serializers.CharField(),
                    "details": serializers.JSONField(required=False),
                },
            ),
            "meta": inline_serializer(
                "V1ErrorMeta", {"timestamp": serializers.DateTimeField(), "requestId": serializers.CharField()}
            ),
        },
    )


def errors(*statuses: int) -> dict:
    """`responses={200: ..., **errors(400, 401, 404)}`: each documented with the error envelope."""
    return {status_code: _error_serializer() for status_code in statuses}
