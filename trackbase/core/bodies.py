"""Request bodies without a Content-Length (`Transfer-Encoding: chunked`) and the size cap on every body.

DRF reads a request with no Content-Length as empty, so a valid chunked login was answered "password
required", and Django's size checks look only at the Content-Length header, so a chunked body had no limit.
Both server shapes therefore read a chunked body here first, counting while they read: over
REQUEST_BODY_MAX_BYTES it is refused with a 413 problem before the rest is read; otherwise the app sees it
as if it had been sent with its Content-Length. A body that declares a Content-Length over the cap is
refused before any of it is read."""

import io

from django.conf import settings

from trackbase.core.errors import PROBLEM_CONTENT_TYPE, problem
from trackbase.core.renderers import dumps

TOO_LARGE_DETAIL = "The request body is larger than this server accepts ({limit} bytes)."
_READ_BLOCK = 64 * 1024


def _too_large_body() -> bytes:
    limit = settings.REQUEST_BODY_MAX_BYTES
    return dumps(problem(413, "REQUEST_TOO_LARGE", TOO_LARGE_DETAIL.format(limit=limit)))


def _declared_length(value) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None


class BodyLimitWSGI:
    """WSGI (gunicorn): buffer a chunked body, capped, and give it a CONTENT_LENGTH."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        limit = settings.REQUEST_BODY_MAX_BYTES
        declared = _declared_length(environ.get("CONTENT_LENGTH"))
        if declared is not None and declared > limit:
            return self._refuse(start_response)
        if declared is None and "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower():
            body = self._read(environ["wsgi.input"], limit)
            if body is None:
                return self._refuse(start_response)
            environ["CONTENT_LENGTH"] = str(len(body))
            environ["wsgi.input"] = io.BytesIO(body)
        return self.app(environ, start_response)

    @staticmethod
    def _read(stream, limit: int) -> bytes | None:
        """The body (the server de-chunks it), or None once it passes `limit`."""
        chunks, size = [], 0
        while block := stream.read(_READ_BLOCK):
            size += len(block)
            if size > limit:
                return None
            chunks.append(block)
        return b"".join(chunks)

    @staticmethod
    def _refuse(start_response):
        body = _too_large_body()
        start_response(
            "413 Request Entity Too Large",
            [("Content-Type", PROBLEM_CONTENT_TYPE), ("Content-Length", str(len(body))), ("Connection", "close")],
        )
        return [body]


class BodyLimitASGI:
    """ASGI (`make run`'s uvicorn): the same rule for Django behind the Socket.IO app."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        limit = settings.REQUEST_BODY_MAX_BYTES
        headers = dict(scope["headers"])
        declared = _declared_length(headers.get(b"content-length", b"").decode("latin-1"))
        if declared is not None and declared > limit:
            return await self._refuse(send)
        if declared is None and b"chunked" in headers.get(b"transfer-encoding", b"").lower():
            body = await self._read(receive, limit)
            if body is None:
                return await self._refuse(send)
            scope = {**scope, "headers": [*scope["headers"], (b"content-length", str(len(body)).encode())]}
            receive = self._replay(body, receive)
        return await self.app(scope, receive, send)

    @staticmethod
    async def _read(receive, limit: int) -> bytes | None:
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return b"".join(chunks)
            size += len(message.get("body", b""))
            if size > limit:
                return None
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                return b"".join(chunks)

    @staticmethod
    def _replay(body: bytes, receive):
        sent = False

        async def replay():
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()  # after the body: the disconnect Django listens for

        return replay

    @staticmethod
    async def _refuse(send):
        body = _too_large_body()
        headers = [(b"content-type", PROBLEM_CONTENT_TYPE.encode()), (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": 413, "headers": [*headers, (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})
