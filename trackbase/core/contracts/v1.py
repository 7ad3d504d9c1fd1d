"""The `/api/v1/` envelope (seed 002): `{success, data, message?, meta}` on success and
`{success: false, error: {code, message, details?}, meta: {timestamp, requestId}}` on failure.

One base view carries it: errors go through the project's one mapping (`core.errors.to_problem`), so a
domain error keeps its stable code on every contract; `renamed_codes` lets a contract spell a code its
own way (HuCares says USERNAME_TAKEN where accounts say USERNAME_ALREADY_EXISTS). Pagination is
`?page=&limit=`, reported in `meta.pagination {page, limit, total, totalPages}`.
"""

import math

from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView, set_rollback

from trackbase.core.errors import to_problem
from trackbase.core.pagination import parse_bounded_int
from trackbase.core.request_id import get_request_id
from trackbase.core.schema import AutoSchema

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


class V1AutoSchema(AutoSchema):
    """The project's schema machinery, with the error responses that follow from a view (400 for input, 401
    for credentials, 403 for a narrower permission, 404 for a resource path, 413/415 for bodies, 429 for
    throttles) documented in this contract's error envelope rather than as problem+json."""

    def _get_response_bodies(self, direction="response"):
        bodies = super()._get_response_bodies(direction)
        for status_code in self._v1_error_statuses():
            if str(status_code) not in bodies:
                response = OpenApiResponse(V1ErrorSerializer, description=_ERROR_DESCRIPTIONS[status_code])
                bodies[str(status_code)] = self._get_response_for_code(
                    response, str(status_code), ["application/json"], direction
                )
        return bodies

    def _v1_error_statuses(self) -> list[int]:
        takes_body = self.method in ("POST", "PUT", "PATCH") and self.get_request_serializer() is not None
        has_query = any(parameter.get("in") in ("query", "header") for parameter in self._get_parameters())
        permissions = self.view.get_permissions()
        statuses = [400] if takes_body or has_query else []
        if not all(isinstance(permission, AllowAny) for permission in permissions):
            statuses.append(401)
        if any(not isinstance(permission, (AllowAny, IsAuthenticated)) for permission in permissions):
            statuses.append(403)
        if "{" in self.path:
            statuses.append(404)
        if takes_body:
            statuses += [413, 415]
        if self.view.get_throttles():
            statuses.append(429)
        return statuses


class V1ApiView(APIView):
    """Base of every `/api/v1/` view: errors leave in the envelope, with the contract's codes."""

    schema = V1AutoSchema()
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


_ERROR_DESCRIPTIONS = {
    400: "Invalid input (`VALIDATION_ERROR` with `details`, or a domain code).",
    401: "Missing, invalid or expired credentials.",
    403: "Signed in, but not allowed.",
    404: "Not found (or not yours).",
    409: "Conflicts with the current state.",
    413: "The request body is too large.",
    415: "The request body's media type is not accepted.",
    429: "Rate limited; see Retry-After.",
}


def errors(*statuses: int) -> dict:
    """`responses={200: ..., **errors(400, 401, 404)}`: each documented with the error envelope."""
    return {status_code: V1ErrorSerializer for status_code in statuses}
