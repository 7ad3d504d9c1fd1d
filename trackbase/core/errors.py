"""One error hierarchy and one handler: every failure on /api/ and /me/ is RFC 9457 problem+json."""

import logging
from http import HTTPStatus

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpResponse
from rest_framework import exceptions as drf
from rest_framework.response import Response
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError

from trackbase.core.renderers import dumps
from trackbase.core.request_id import get_request_id

logger = logging.getLogger("trackbase.errors")

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_TYPE_BASE = "https://trackbase.dev/problems/"


class DomainError(Exception):
    """A business rule said no. Subclasses (or instances) carry a stable code and an HTTP status."""

    status = 400
    code = "BAD_REQUEST"
    detail = "The request could not be processed."

    def __init__(self, detail: str | None = None, *, code: str | None = None, status: int | None = None, errors=None):
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


def _validation_detail(errors) -> str:
    if isinstance(errors, dict):
        return "Some fields are invalid." if errors else "The request is invalid."
    if isinstance(errors, list) and errors:
        return str(errors[0])
    return str(errors)


def _from_drf(exc: drf.APIException) -> tuple[dict, dict]:
    code = _drf_code(exc)
    headers = {}
    if isinstance(exc, drf.Throttled) and exc.wait is not None:
        headers["Retry-After"] = str(int(exc.wait) + (exc.wait % 1 > 0))
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if isinstance(exc, drf.ValidationError):
        return problem(exc.status_code, code, _validation_detail(exc.detail), errors=_field_errors(exc.detail)), headers
    if isinstance(exc, InvalidToken):
        return problem(exc.status_code, code, "The token is invalid or expired."), headers
    return problem(exc.status_code, code, str(exc.detail)), headers


def _field_errors(detail):
    if isinstance(detail, dict):
        return {field: _field_errors(value) for field, value in detail.items()}
    if isinstance(detail, list):
        return [_field_errors(item) for item in detail]
    return str(detail)


def to_problem(exc: Exception) -> tuple[dict, dict]:
    """Map any exception to (problem body, extra headers); unknown ones become an opaque 500."""
    if isinstance(exc, DomainError):
        return problem(exc.status, exc.code, exc.detail, errors=exc.errors), {}
    if isinstance(exc, TokenError):
        exc = InvalidToken()
    if isinstance(exc, Http404):
        exc = drf.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = drf.PermissionDenied()
    if isinstance(exc, drf.APIException):
        return _from_drf(exc)
    logger.error("unhandled exception", exc_info=exc)
    return problem(500, "INTERNAL_ERROR", "An unexpected error occurred. Quote the request id when reporting it."), {}


def problem_exception_handler(exc, context):
    """DRF EXCEPTION_HANDLER: every error becomes problem+json, including the unexpected ones."""
    body, headers = to_problem(exc)
    return Response(body, status=body["status"], headers=headers, content_type=PROBLEM_CONTENT_TYPE)


def problem_response(status: int, code: str, detail: str) -> HttpResponse:
    """A problem+json response outside DRF (URL resolver 404s, crashed middleware)."""
    return HttpResponse(dumps(problem(status, code, detail)), status=status, content_type=PROBLEM_CONTENT_TYPE)
