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


# --- Schema (documentation only: `ok`, `paginate` and the handler render) ---------------------------------
class V1PaginationSerializer(serializers.Serializer):
    page = serializers.IntegerField()
    limit = serializers.IntegerField()
    total = serializers.IntegerField()
    totalPages = serializers.IntegerField()


class V1MetaSerializer(serializers.Serializer):
    timestamp = serializers.DateTimeField()
    version = serializers.CharField()
    requestId = serializers.CharField()


class V1PageMetaSerializer(V1MetaSerializer):
    pagination = V1PaginationSerializer()


class V1ErrorBodySerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable UPPER_SNAKE error code.")
    message = serializers.CharField()
    details = serializers.JSONField(required=False, help_text="Field errors: field -> messages.")


class V1ErrorMetaSerializer(serializers.Serializer):
    timestamp = serializers.DateTimeField()
    requestId = serializers.CharField()


class V1ErrorSerializer(serializers.Serializer):
    success = serializers.BooleanField(help_text="Always false.")
    error = V1ErrorBodySerializer()
    meta = V1ErrorMetaSerializer()


_envelopes: dict[tuple, type] = {}


def enveloped(serializer, *, name: str | None = None, many: bool = False, paginated: bool = False):
    """The success envelope around `serializer` (None: `data` is null or a small object) for the schema."""
    base = None if serializer is None else serializer if isinstance(serializer, type) else type(serializer)
    key = (base, name, many, paginated)
    if key not in _envelopes:
        label = name or (
            "Empty"
            if base is None
            else getattr(getattr(base, "Meta", None), "ref_name", None) or base.__name__.removesuffix("Output")
        )
        label = label.removeprefix("V1")
        if base is None:
            data = serializers.JSONField(allow_null=True)
        else:
            data = base(many=True) if many or paginated else base(allow_null=True)
        suffix = "Page" if paginated else "List" if many else ""
        fields = {
            "success": serializers.BooleanField(help_text="Always true."),
            "data": data,
            "message": serializers.CharField(required=False),
            "meta": V1PageMetaSerializer() if paginated else V1MetaSerializer(),
        }
        _envelopes[key] = type(f"V1{label}{suffix}EnvelopeSerializer", (serializers.Serializer,), fields)
    return _envelopes[key]


def errors(*statuses: int) -> dict:
    """`responses={200: ..., **errors(400, 401, 404)}`: each documented with the error envelope."""
    return {status_code: V1ErrorSerializer for status_code in statuses}
