"""`Idempotency-Key` for writes that must not happen twice: replay, 409 while in flight, 422 on another body.

A view opts in with `@idempotent` on its DRF handler (an APIView/ViewSet method, or an `@api_view`
function). The key is claimed with an INSERT that hits the (user, key) unique constraint, committed on
its own before the view runs, so two processes racing with one key cannot both execute the write.

A worker killed mid-request (OOM, SIGKILL) leaves its key in flight, answering 409 until the key
expires: the client must use a new key, which beats guessing whether the first attempt's write landed.
"""

import functools
import hashlib
import re
from datetime import datetime, timedelta

import orjson
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework.request import Request
from rest_framework.response import Response

from trackbase.core.errors import Conflict, DomainError
from trackbase.core.models import IdempotencyKey
from trackbase.core.renderers import dumps

IDEMPOTENCY_KEY_HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
# Visible ASCII without spaces: keys are random tokens (UUIDs, ULIDs), and MariaDB's default collation
# would treat "k" and "k " as one key. (It also ignores case, which random tokens make moot.)
_VALID_KEY = re.compile(r"[\x21-\x7e]{1,255}")
# A claim can lose to an expiring or released record a few times in a row; beyond that, report busy.
_CLAIM_ATTEMPTS = 3


class IdempotencyKeyInvalid(DomainError):
    status, code = 400, "IDEMPOTENCY_KEY_INVALID"
    detail = "The Idempotency-Key header must be 1 to 255 visible ASCII characters without spaces."


class IdempotencyKeyReused(DomainError):
    status, code = 422, "IDEMPOTENCY_KEY_REUSED"
    detail = "This Idempotency-Key was already used for a different request."


class IdempotencyRequestInFlight(Conflict):
    code = "IDEMPOTENCY_REQUEST_IN_FLIGHT"
    detail = "A request with this Idempotency-Key is still being processed. Retry later."


def request_fingerprint(*, method: str, path: str, body: bytes) -> str:
    """What makes two requests "the same" for one key: method, path with query, and the raw body."""
    digest = hashlib.sha256()
    for part in (method.encode(), path.encode(), body):
        digest.update(len(part).to_bytes(8, "big"))  # length-prefixed, so no two splits hash alike
        digest.update(part)
    return digest.hexdigest()


def _canonical_body(request: Request) -> bytes:
    boundary = request.content_params.get("boundary")
    # A multipart body embeds a random boundary that clients regenerate on each retry of the same upload.
    return request.body.replace(boundary.encode(), b"") if boundary else request.body


def _expiry_cutoff() -> datetime:
    return timezone.now() - timedelta(hours=settings.IDEMPOTENCY_KEY_TTL_HOURS)


def _insert_in_flight(
    *, user: AbstractBaseUser, key: str, method: str, path: str, fingerprint: str
) -> IdempotencyKey | None:
    try:
        # durable: the claim must commit on its own, visible to other processes before the view runs; an
        # enclosing transaction (ATOMIC_REQUESTS, a caller's atomic) would hide it and is refused here.
        with transaction.atomic(durable=True):
            return IdempotencyKey.objects.create(user=user, key=key, method=method, path=path, fingerprint=fingerprint)
    except IntegrityError:
        return None


def idempotency_key_claim(
    *, user: AbstractBaseUser, key: str, method: str, path: str, fingerprint: str
) -> IdempotencyKey:
    """Claim `key` for this request (an IN_FLIGHT record) or return the DONE record to replay."""
    for _ in range(_CLAIM_ATTEMPTS):
        claimed = _insert_in_flight(user=user, key=key, method=method, path=path, fingerprint=fingerprint)
        if claimed is not None:
            return claimed
        existing = IdempotencyKey.objects.filter(user=user, key=key).first()
        if existing is None:
            continue  # released (5xx) between our INSERT and this SELECT: the key is free again
        if existing.created_at < _expiry_cutoff():
            # Expired means new. Delete by id, so a racing request's fresh claim is never the one removed.
            IdempotencyKey.objects.filter(pk=existing.pk).delete()
            continue
        # A different request under the same key is a client bug; retrying cannot fix it, so it comes first.
        if existing.fingerprint != fingerprint:
            raise IdempotencyKeyReused()
        if existing.state == IdempotencyKey.State.IN_FLIGHT:
            raise IdempotencyRequestInFlight()
        return existing
    raise IdempotencyRequestInFlight()


def idempotency_key_complete(*, record: IdempotencyKey, status: int, body: object, content_type: str) -> None:
    """Store the response to replay; the body exactly as the JSON renderer writes it."""
    IdempotencyKey.objects.filter(pk=record.pk).update(
        state=IdempotencyKey.State.DONE,
        response_status=status,
        response_content_type=content_type,
        response_body=None if body is None else orjson.loads(dumps(body)),
    )


def idempotency_key_release(*, record: IdempotencyKey) -> None:
    """Forget the claim, so the client may retry the request with the same key."""
    IdempotencyKey.objects.filter(pk=record.pk).delete()


def idempotency_key_purge_expired() -> int:
    """Delete records older than IDEMPOTENCY_KEY_TTL_HOURS; returns how many went."""
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=_expiry_cutoff()).delete()
    return deleted


def _replay(record: IdempotencyKey) -> Response:
    return Response(
        record.response_body,
        status=record.response_status,
        content_type=record.response_content_type or None,
        headers={REPLAYED_HEADER: "true"},
    )


def _respond(handler, args, kwargs, request: Request) -> Response:
    try:
        return handler(*args, **kwargs)
    except Exception as exc:
        # Render the failure here, exactly as DRF would after we return, so that a refusal (a 4xx)
        # is stored and replayed like any other answer.
        return request.parser_context["view"].handle_exception(exc)


def _run_and_record(handler, args, kwargs, request: Request, record: IdempotencyKey) -> Response:
    try:
        response = _respond(handler, args, kwargs, request)
    except BaseException:
        idempotency_key_release(record=record)
        raise
    if response.status_code >= 500:
        # A server error means the view's transaction rolled back (see `idempotent`): the client may retry.
        idempotency_key_release(record=record)
    else:
        idempotency_key_complete(
            record=record, status=response.status_code, body=response.data, content_type=response.content_type or ""
        )
    return response


def idempotent(handler):
    """Opt a DRF handler into `Idempotency-Key` handling. The handler must return a DRF Response.

        class BookingCreateApi(APIView):
            @idempotent
            def post(self, request): ...

        @api_view(["POST"])
        @idempotent
        def cylinder_scan(request): ...

    The view's writes must happen in one transaction: a 5xx or an escaping exception releases the key
    for a retry, which is only safe when the failed attempt wrote nothing.
    """

    @functools.wraps(handler)
    def wrapper(*args, **kwargs):
        request = args[0] if isinstance(args[0], Request) else args[1]
        key = request.headers.get(IDEMPOTENCY_KEY_HEADER)
        # Keys are scoped per credential: without a user, two clients would share one key space, and
        # one could replay (read) another's response. Anonymous writes simply run.
        if key is None or not (request.user and request.user.is_authenticated):
            return handler(*args, **kwargs)
        if not _VALID_KEY.fullmatch(key):
            raise IdempotencyKeyInvalid()
        path = request.get_full_path()
        record = idempotency_key_claim(
            user=request.user,
            key=key,
            method=request.method,
            path=path,
            fingerprint=request_fingerprint(method=request.method, path=path, body=_canonical_body(request)),
        )
        if record.state == IdempotencyKey.State.DONE:
            return _replay(record)
        return _run_and_record(handler, args, kwargs, request, record)

    wrapper.idempotent = True  # read by the OpenAPI schema, which documents the header
    return wrapper
