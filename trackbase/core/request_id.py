"""The request id of the current request, visible to logs and error bodies in any thread or task."""

import contextvars
import os
import re

_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
_VALID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


def get_request_id() -> str | None:
    return _request_id.get()


def set_request_id(value: str | None) -> contextvars.Token:
    return _request_id.set(value)


def reset_request_id(token: contextvars.Token) -> None:
    _request_id.reset(token)


def accept_or_generate(header_value: str | None) -> str:
    """Keep a caller's id when it is safe to echo into logs and headers; otherwise make one."""
    # fullmatch, not match + `$`: `$` also matches before a trailing newline, which a header must never echo.
    if header_value and _VALID.fullmatch(header_value):
        return header_value
    # 128 random bits as 32 hex digits (what uuid4().hex looked like), without building a UUID per request.
    return os.urandom(16).hex()
