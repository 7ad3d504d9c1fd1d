"""The OpenAPI schema's machinery: names, tags, and the error responses every operation documents.

Views declare what only they know (`responses={200: X, **problems(409)}`, `tags=["auth"]`). What follows
from how a view is built is added here, so it cannot be forgotten: 400 when the operation takes input, 401
when it needs credentials, 403 when a permission narrower than "signed in" guards it, 404 when its path
names a resource, 429 because every view is throttled, 413/415 for request bodies (only where errors are
problem+json: not under /api/v1/, whose contract has its own envelope). Untagged operations get their app's
domain tag.
"""

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import force_instance, is_basic_serializer
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, PolymorphicProxySerializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny, IsAuthenticated

from trackbase.core.errors import PROBLEM_CONTENT_TYPE

# Where failures are problem+json (DESIGN.md): /api/ and /me/, but not the HuCares contract's /api/v1/.
PROBLEM_PATHS = ("/api/", "/me/")
ENVELOPE_PATHS = ("/api/v1/",)

IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    # trackbase.core.idempotency's rule: 1-255 visible ASCII characters, no spaces.
    {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]{1,255}$"},
    OpenApiParameter.HEADER,
    description="Send the same key again to replay the first answer instead of repeating the write "
    "(per user, 24 h; 422 if the body differs). After a timeout or a lost connection, retry with the same "
    "key: a retry waits for a first attempt still running, then replays its answer.",
)


class AutoSchema(SpectacularAutoSchema):
    """Names serializers nested in views after their view (RegisterApi.InputSerializer -> RegisterInput),
    documents the Idempotency-Key header on handlers that honour it, tags operations by domain and adds
    the error responses that follow from the view (see the module docstring)."""

    def get_serializer_name(self, serializer, direction):
        qualname = type(serializer).__qualname__
        if "." not in qualname:
            return super().get_serializer_name(serializer, direction)
        outer, inner = qualname.split(".")[-2:]
        return outer.removesuffix("Api") + inner.removesuffix("Serializer")

    def get_override_parameters(self):
        parameters = super().get_override_parameters()
        handler = getattr(self.view, self.method.lower(), None)
        return [*parameters, IDEMPOTENCY_KEY] if getattr(handler, "idempotent", False) else parameters

    def map_parsers(self) -> list[str]:
        """JSON bodies, documented as JSON. Form encodings (which DRF also parses) cannot carry nested objects,
        so they are documented only where a file is uploaded; a view may still accept them undocumented."""
        media_types = super().map_parsers()
        serializer = force_instance(self.get_request_serializer())
        fields = serializer.fields if is_basic_serializer(serializer) else {}
        if any(isinstance(field, serializers.FileField) for field in fields.values()):
            return media_types
        return [media_type for media_type in media_types if media_type == "application/json"] or media_types

    def _get_request_body(self, direction="request"):
        # A body the view refuses to go without (a oneOf of shapes, or "at least one field") is a required body.
        body = super()._get_request_body(direction)
        if body:
            declared = self.get_request_serializer()
            candidates = declared.values() if isinstance(declared, dict) else [declared]
            if any(_body_needed(force_instance(candidate)) for candidate in candidates):
                body["required"] = True
        return body

    def _map_basic_serializer(self, serializer, direction):
        # `schema_extra` on a serializer class adds JSON Schema keywords its fields cannot express
        # (additionalProperties: false for strict documents, minProperties: 1 for "change at least one").
        schema = super()._map_basic_serializer(serializer, direction)
        return {**schema, **getattr(serializer, "schema_extra", {})}

    def get_operation_id(self) -> str:
        # A GET answered with a page of rows lists them (APIView lists are not ListAPIViews to drf-spectacular).
        operation_id = super().get_operation_id()
        if self.method == "GET" and operation_id.endswith("_retrieve") and self._answers_with_a_page():
            return operation_id.removesuffix("_retrieve") + "_list"
        return operation_id

    def _answers_with_a_page(self) -> bool:
        responses = self.get_response_serializers()
        ok = responses.get(200) if isinstance(responses, dict) else responses
        return {"total", "limit", "offset", "results"} <= set(getattr(force_instance(ok), "fields", {}))

    def get_tags(self) -> list[str]:
        """The view's app (`trackbase.rail.apis` -> `rail`) unless the view names its own tags."""
        parts = type(self.view).__module__.split(".")
        return [parts[1]] if parts[0] == "trackbase" and len(parts) > 2 else super().get_tags()

    def _get_response_bodies(self, direction="response"):
        # Not get_response_serializers(): extend_schema(responses=...) replaces that method. Declared
        # responses win over inferred ones for the same status.
        bodies = super()._get_response_bodies(direction)
        for status in self._inferred_error_statuses():
            if str(status) not in bodies:
                bodies[str(status)] = self._get_response_for_code(
                    _problem_response(status), str(status), [PROBLEM_CONTENT_TYPE], direction
                )
        return bodies

    def _inferred_error_statuses(self) -> list[int]:
        if not self.path.startswith(PROBLEM_PATHS) or self.path.startswith(ENVELOPE_PATHS):
            return []  # another contract's errors (seed 002's envelope): its views document their own
        takes_body = self.method in ("POST", "PUT", "PATCH") and self.get_request_serializer() is not None
        has_query = any(parameter.get("in") in ("query", "header") for parameter in self._get_parameters())
        statuses = []
        if takes_body or has_query:
            statuses.append(400)
        permissions = self.view.get_permissions()
        if not all(isinstance(permission, AllowAny) for permission in permissions):
            statuses.append(401)
        if any(not isinstance(permission, (AllowAny, IsAuthenticated)) for permission in permissions):
            statuses.append(403)
        if "{" in self.path:
            statuses.append(404)
        if takes_body:
            statuses += [413, 415]
        if getattr(getattr(self.view, self.method.lower(), None), "idempotent", False):
            statuses += [409, 422]
        if self.view.get_throttles():
            statuses.append(429)
        return statuses


def _body_needed(serializer) -> bool:
    return isinstance(serializer, PolymorphicProxySerializer) or bool(
        getattr(serializer, "schema_extra", {}).get("minProperties")
    )


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details, as every `/api/` and `/me/` failure is answered."""

    type = serializers.URLField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    code = serializers.CharField(help_text="Stable UPPER_SNAKE error code.")
    request_id = serializers.CharField()
    errors = serializers.JSONField(required=False, help_text="Field errors: field -> messages (or nested).")

    class Meta:
        ref_name = "Problem"


_PROBLEM_DESCRIPTIONS = {
    400: "Invalid input (`VALIDATION_ERROR` with `errors`, or a domain code).",
    401: "Missing, invalid or expired credentials.",
    403: "Signed in, but not allowed.",
    404: "Not found (or not yours).",
    409: "Conflicts with the current state.",
    412: "The If-Match precondition failed.",
    413: "The request body is too large.",
    415: "The request body's media type is not accepted.",
    422: "Unprocessable (e.g. an Idempotency-Key reused with another body).",
    410: "Gone: what was asked for is no longer kept (see the code).",
    429: "Rate limited; see Retry-After.",
    503: "A dependency is unavailable.",
}


def _problem_response(status: int) -> OpenApiResponse:
    return OpenApiResponse(ProblemSerializer, description=_PROBLEM_DESCRIPTIONS[status])


def problems(*statuses: int) -> dict:
    """Error responses for `extend_schema(responses={200: X, **problems(400, 401)})`, as problem+json."""
    return {(status, PROBLEM_CONTENT_TYPE): _problem_response(status) for status in statuses}
