from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiParameter

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
