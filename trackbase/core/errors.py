"""One error hierarchy and one handler: every failure on /api/ and /me/ is RFC 9457 problem+json."""

import logging
from http import HTTPStatus

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpResponse
from rest_framework import exceptions as drf
from rest_framework.response import Response
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError

from trackbase.core.renderers import dumps
from trackbase.core.request_id import get_request_id

logger = logging.getLogger("trackbase.errors")

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_TYPE_BASE = "https://trackbase.dev/problems/"
INTERNAL_ERROR_DETAIL = "An unexpected error occurred. Quote the request id when reporting it."
INVALID_TOKEN_DETAIL = "The token is invalid or expired."


class DomainError(Exception):
    """A business rule said no. Subclasses (or instances) carry a stable code and an HTTP status."""

    status = 400
    code = "BAD_REQUEST"
    detail = "The request could not be processed."

    def __init__(
        self,
        detail: str | None = None,
        *,
        code: str | None = None,
        status: int | None = None,
        errors: dict | list | None = None,
    ):
        self.detail = detail or self.detail
        self.code = code or self.code
        self.status = status or self.status
        self.errors = errors
        super().__init__(self.detail)


class NotFound(DomainError):
    status, code, detail = 404, "NOT_FOUND", "Not found."


class Conflict(DomainError):
    status, code, detail = 409, "CONFLICT", "The request conflicts with the current state."


class Forbidden(DomainError):
    status, code, detail = 403, "PERMISSION_DENIED", "You do not have permission to perform this action."


class ValidationFailed(DomainError):
    """Input broke a rule a service checks: `errors` maps each field to its messages."""

    status, code, detail = 400, "VALIDATION_ERROR", "Some fields are invalid."


class RequestTooLarge(drf.APIException):
    status_code = 413
    default_detail = "The request body is too large."
    default_code = "request_too_large"


# DRF exception class -> stable code. Checked in order, so subclasses come before their bases.
_DRF_CODES: list[tuple[type[Exception], str]] = [
    (InvalidToken, "TOKEN_INVALID"),
    (drf.NotAuthenticated, "NOT_AUTHENTICATED"),
    (drf.AuthenticationFailed, "AUTHENTICATION_FAILED"),
    (drf.PermissionDenied, "PERMISSION_DENIED"),
    (drf.NotFound, "NOT_FOUND"),
    (drf.MethodNotAllowed, "METHOD_NOT_ALLOWED"),
    (drf.NotAcceptable, "NOT_ACCEPTABLE"),
    (drf.UnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE"),
    (drf.Throttled, "THROTTLED"),
    (drf.ParseError, "MALFORMED_REQUEST"),
    (drf.ValidationError, "VALIDATION_ERROR"),
]


def problem(status: int, code: str, detail: str, *, errors=None, title: str | None = None) -> dict:
    body = {
        "type": PROBLEM_TYPE_BASE + code.lower().replace("_", "-"),
        "title": title or HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "code": code,
        "request_id": get_request_id(),
    }
    if errors:
        body["errors"] = errors
    return body


def _drf_code(exc: drf.APIException) -> str:
    for cls, code in _DRF_CODES:
        if isinstance(exc, cls):
            return code
    return str(exc.default_code).upper()


def _field_errors(detail):
    if isinstance(detail, dict):
        return {field: _field_errors(value) for field, value in detail.items()}
    if isinstance(detail, list):
        return [_field_errors(item) for item in detail]
    return str(detail)


def _validation_problem(detail) -> tuple[str, dict | list | None]:
    """(detail, errors): `errors` only when the failure has structure (fields, or items of a list)."""
    if isinstance(detail, dict):
        return ("Some fields are invalid." if detail else "The request is invalid."), _field_errors(detail)
    messages = detail if isinstance(detail, list) else [detail]
    if all(isinstance(message, str) for message in messages):
        return " ".join(messages) or "The request is invalid.", None
    # A list serializer (many=True) reports one error object per submitted item.
    return "Some items are invalid.", _field_errors(messages)


def _from_drf(exc: drf.APIException) -> tuple[dict, dict]:
    code = _drf_code(exc)
    headers = {}
    if isinstance(exc, drf.Throttled) and exc.wait is not None:
        headers["Retry-After"] = str(int(exc.wait) + (exc.wait % 1 > 0))
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if isinstance(exc, drf.ValidationError):
        detail, errors = _validation_problem(exc.detail)
        return problem(exc.status_code, code, detail, errors=errors), headers
    if isinstance(exc, InvalidToken):
        return problem(exc.status_code, code, INVALID_TOKEN_DETAIL), headers
    # A dict or list detail is internal structure, not a sentence to show a client.
    detail = exc.detail if isinstance(exc.detail, str) else exc.default_detail
    return problem(exc.status_code, code, str(detail)), headers


def _as_drf(exc: Exception) -> Exception:
    """Django's own exceptions (and SimpleJWT's) mapped to the DRF ones with the same meaning."""
    if isinstance(exc, TokenError):
        return InvalidToken()
    if isinstance(exc, Http404):
        return drf.NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        return drf.PermissionDenied()
    if isinstance(exc, DjangoValidationError):
        return drf.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    # Oversized bodies and too many form fields are bad input, and bad input is never a 500.
    if isinstance(exc, RequestDataTooBig):
        return RequestTooLarge()
    if isinstance(exc, SuspiciousOperation):
        return drf.ParseError()
    return exc


def to_problem(exc: Exception) -> tuple[dict, dict]:
    """Map any exception to (problem body, extra headers); unknown ones become an opaque 500."""
    if isinstance(exc, DomainError):
        return problem(exc.status, exc.code, exc.detail, errors=exc.errors), {}
    exc = _as_drf(exc)
    if isinstance(exc, drf.APIException):
        return _from_drf(exc)
    logger.error("unhandled exception", exc_info=exc)
    return problem(500, "INTERNAL_ERROR", INTERNAL_ERROR_DETAIL), {}


def problem_exception_handler(exc, context):
    """DRF EXCEPTION_HANDLER: every error becomes problem+json, including the unexpected ones."""
    # Imported here: rest_framework.views loads the parser classes, and our parser imports this module.
    from rest_framework.views import set_rollback

    body, headers = to_problem(exc)
    # Like DRF's own handler: under ATOMIC_REQUESTS the failed request's writes must not commit.
    set_rollback()
    return Response(body, status=body["status"], headers=headers, content_type=PROBLEM_CONTENT_TYPE)


def problem_response(status: int, code: str, detail: str) -> HttpResponse:
    """A problem+json response outside DRF (URL resolver 404s, crashed middleware)."""
    return HttpResponse(dumps(problem(status, code, detail)), status=status, content_type=PROBLEM_CONTENT_TYPE)
