"""`Idempotency-Key` for writes that must not happen twice: replay, 422 on another body, one execution.

A view opts in with `@idempotent` on its DRF handler (an APIView/ViewSet method, or an `@api_view`
function). The claim of the key, the view's effect and the response to replay are one transaction:

    BEGIN; INSERT the key (user, key) IN_FLIGHT; run the view; UPDATE the key to DONE with its response; COMMIT

so the database keeps a key and its effect together whatever happens to the process. A worker killed
mid-request (SIGKILL, OOM, a power cut) commits neither: its connection closes, the database rolls the
transaction back, and a retry with the same key runs the write once. A worker killed after COMMIT has
stored the response with the effect: the retry replays it. There is no state in between, so a client
that lost its answer retries with the same key, always (never with a new one: that books twice).

Two requests with one key: the second INSERT meets the first's uncommitted row in the unique index and
waits (PostgreSQL and MariaDB lock the index entry; SQLite's IMMEDIATE transactions let one writer in at a
time). When the first commits, the second's INSERT fails and it replays the stored response; when the first
rolls back (a 5xx, a crash), the second's INSERT succeeds and it runs. The uncommitted IN_FLIGHT row is the
lock; nobody else ever reads it. A committed IN_FLIGHT row can only come from the earlier two-transaction
version of this module (during a rolling upgrade, a request on an old worker): it answers 409 as it did then.

Why not a lease (an IN_FLIGHT row committed first, taken over once it is older than N seconds)? The lease
cannot tell a slow worker from a dead one, and after a takeover nobody knows whether the dead attempt's
effect landed, unless effect and completion commit together, which is this design without the guesswork.
The cost: a retry waits while the first attempt runs, and a write that escapes the transaction (an email
sent in the view, not after commit) is not undone by the rollback; views send such things on commit.
A host that vanishes (not a process that dies) holds its transaction until the database notices the dead
connection: set PostgreSQL's `idle_in_transaction_session_timeout` and TCP keepalives in production.
"""

import functools
import hashlib
import re
from datetime import datetime, timedelta

import orjson
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import IntegrityError, OperationalError, transaction
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
# A claim can lose to an expiring record or a lock race a few times in a row; beyond that, report busy.
_CLAIM_ATTEMPTS = 3
# Lock conflicts the database resolves by failing one transaction: MariaDB/MySQL deadlock and lock wait
# timeout, PostgreSQL deadlock_detected and lock_not_available.
_MYSQL_LOCK_ERRORS = {1213, 1205}
_POSTGRES_LOCK_ERRORS = {"40P01", "55P03"}


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


class _KeyTaken(Exception):
    """Our INSERT met a committed row of the same (user, key), or lost a lock race: look again."""


class _RolledBack(Exception):
    """Carries a 5xx response out of the transaction, undoing the claim and every write of the view."""

    def __init__(self, response: Response):
        self.response = response


def idempotency_key_lookup(*, user: AbstractBaseUser, key: str, fingerprint: str) -> IdempotencyKey | None:
    """The committed record to replay for `key`, or None when the key is free (unused, or expired and now
    deleted). Raises 422 for another request under the key, 409 for a claim an earlier version left IN_FLIGHT."""
    existing = IdempotencyKey.objects.filter(user=user, key=key).first()
    if existing is None:
        return None
    if existing.created_at < _expiry_cutoff():
        # Expired means new. Delete by id, so a racing request's fresh record is never the one removed.
        IdempotencyKey.objects.filter(pk=existing.pk).delete()
        return None
    # A different request under the same key is a client bug; retrying cannot fix it, so it comes first.
    if existing.fingerprint != fingerprint:
        raise IdempotencyKeyReused()
    if existing.state == IdempotencyKey.State.IN_FLIGHT:
        raise IdempotencyRequestInFlight()
    return existing


def _claim(*, user: AbstractBaseUser, key: str, method: str, path: str, fingerprint: str) -> IdempotencyKey:
    """INSERT the key inside the caller's transaction; waits while another transaction holds the same key."""
    try:
        return IdempotencyKey.objects.create(user=user, key=key, method=method, path=path, fingerprint=fingerprint)
    except IntegrityError:
        raise _KeyTaken() from None
    except OperationalError as exc:
        # MariaDB: two requests waiting on one key whose holder rolled back can deadlock (InnoDB's shared
        # locks on a duplicate); one is chosen as the victim. Or the holder ran past the lock wait timeout.
        # Either way our transaction fails and nothing of ours was written: look again.
        if _is_lock_conflict(exc):
            raise _KeyTaken() from None
        raise


def _is_lock_conflict(exc: OperationalError) -> bool:
    if exc.args and exc.args[0] in _MYSQL_LOCK_ERRORS:
        return True
    return getattr(exc.__cause__, "sqlstate", None) in _POSTGRES_LOCK_ERRORS


def idempotency_key_complete(*, record: IdempotencyKey, status: int, body: object, content_type: str) -> None:
    """Store the response to replay (in the request's transaction); the body exactly as the JSON renderer writes it."""
    IdempotencyKey.objects.filter(pk=record.pk).update(
        state=IdempotencyKey.State.DONE,
        response_status=status,
        response_content_type=content_type,
        response_body=None if body is None else orjson.loads(dumps(body)),
    )


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
        # A savepoint: a failed view leaves nothing behind, and the transaction stays usable (PostgreSQL
        # refuses every statement after an error) for storing the refusal.
        with transaction.atomic():
            return handler(*args, **kwargs)
    except Exception as exc:
        # Render the failure here, exactly as DRF would after we return, so that a refusal (a 4xx)
        # is stored and replayed like any other answer.
        return request.parser_context["view"].handle_exception(exc)


def _run_claimed(handler, args, kwargs, request: Request, **claim) -> Response:
    """Claim the key, run the view and store its response in one transaction. Raises _KeyTaken."""
    try:
        # durable: this is the transaction that commits the effect with its response. Inside another one
        # (ATOMIC_REQUESTS, a caller's atomic) our COMMIT would be someone else's, and is refused.
        with transaction.atomic(durable=True):
            record = _claim(**claim)
            response = _respond(handler, args, kwargs, request)
            if response.status_code >= 500:
                # A server error: undo the view's writes and the claim, so the client may retry.
                raise _RolledBack(response)
            idempotency_key_complete(
                record=record,
                status=response.status_code,
                body=response.data,
                content_type=response.content_type or "",
            )
    except _RolledBack as rolled_back:
        return rolled_back.response
    return response


def _replay(record: IdempotencyKey) -> Response:
    return Response(
        record.response_body,
        status=record.response_status,
        content_type=record.response_content_type or None,
        headers={REPLAYED_HEADER: "true"},
    )


def idempotent(handler):
    """Opt a DRF handler into `Idempotency-Key` handling. The handler must return a DRF Response.

        class BookingCreateApi(APIView):
            @idempotent
            def post(self, request): ...

        @api_view(["POST"])
        @idempotent
        def cylinder_scan(request): ...

    With a key, the handler runs inside the transaction that claims the key and stores its response (see
    the module docstring): its services' `atomic()` blocks become savepoints, their `on_commit` callbacks
    run after that transaction commits, and a service that demands `atomic(durable=True)` cannot be used.
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
        fingerprint = request_fingerprint(method=request.method, path=path, body=_canonical_body(request))
        claim = {"user": request.user, "key": key, "method": request.method, "path": path, "fingerprint": fingerprint}
        for _ in range(_CLAIM_ATTEMPTS):
            # Read first: a replay needs no write transaction (nor SQLite's write lock).
            record = idempotency_key_lookup(user=request.user, key=key, fingerprint=fingerprint)
            if record is not None:
                return _replay(record)
            try:
                return _run_claimed(handler, args, kwargs, request, **claim)
            except _KeyTaken:
                continue  # committed by a parallel request a moment ago (replay it), or a lock race lost
        raise IdempotencyRequestInFlight()

    wrapper.idempotent = True  # read by the OpenAPI schema, which documents the header
    return wrapper
