from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers

from trackbase.core.errors import PROBLEM_CONTENT_TYPE

IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    description="Send the same key again to replay the first answer instead of repeating the write "
    "(per user, 24 h; 409 while the first request runs, 422 if the body differs).",
)


class AutoSchema(SpectacularAutoSchema):
    """Names serializers nested in views after their view (RegisterApi.InputSerializer -> RegisterInput)
    and documents the Idempotency-Key header on handlers that honour it."""

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
    422: "Unprocessable (e.g. an Idempotency-Key reused with another body).",
    429: "Rate limited; see Retry-After.",
    503: "A dependency is unavailable.",
}


def problems(*statuses: int) -> dict:
    """Error responses for `extend_schema(responses={200: X, **problems(400, 401)})`, as problem+json."""
    return {
        (status, PROBLEM_CONTENT_TYPE): OpenApiResponse(ProblemSerializer, description=_PROBLEM_DESCRIPTIONS[status])
        for status in statuses
    }
