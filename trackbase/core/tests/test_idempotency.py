"""Idempotency-Key: the same request replays, another body is refused, a running one is busy."""

from datetime import timedelta

import pytest
import time_machine
from django.db import transaction
from django.test.client import encode_multipart
from django.utils import timezone

from trackbase.core.errors import PROBLEM_CONTENT_TYPE
from trackbase.core.idempotency import (
    REPLAYED_HEADER,
    IdempotencyKeyInvalid,
    IdempotencyKeyReused,
    IdempotencyRequestInFlight,
    idempotency_key_claim,
    idempotency_key_purge_expired,
    request_fingerprint,
)
from trackbase.core.models import IdempotencyKey
from trackbase.core.testing import assert_problem
from trackbase.core.tests.views import executions

pytestmark = [pytest.mark.urls("trackbase.core.tests.urls"), pytest.mark.django_db]

BOOKINGS = "/api/bookings/"
KEY = "6f1c2a3e-5d4b-4c8a-9e7f-0a1b2c3d4e5f"


@pytest.fixture(autouse=True)
def _count_from_zero():
    executions.reset()


def book(client, body, *, key=KEY, path=BOOKINGS):
    return client.post(path, body, format="json", HTTP_IDEMPOTENCY_KEY=key)


def test_it_replays_the_first_response(owner_api):
    first = book(owner_api, {"seats": 2})
    again = book(owner_api, {"seats": 2})
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() == {"booking": 1, "seats": 2}
    assert again[REPLAYED_HEADER] == "true"
    assert REPLAYED_HEADER not in first
    assert executions.count == 1


def test_it_replays_from_a_function_view(owner_api):
    first = book(owner_api, {"seats": 1}, path="/api/function-bookings/")
    again = book(owner_api, {"seats": 1}, path="/api/function-bookings/")
    assert again.json() == first.json()
    assert again[REPLAYED_HEADER] == "true"
    assert executions.count == 1


def test_it_runs_every_request_without_a_key(owner_api):
    owner_api.post(BOOKINGS, {"seats": 1}, format="json")
    owner_api.post(BOOKINGS, {"seats": 1}, format="json")
    assert executions.count == 2
    assert not IdempotencyKey.objects.exists()


def test_it_refuses_the_same_key_with_another_body(owner_api):
    book(owner_api, {"seats": 2})
    body = assert_problem(book(owner_api, {"seats": 3}), 422, "IDEMPOTENCY_KEY_REUSED")
    assert body["detail"] == IdempotencyKeyReused.detail
    assert executions.count == 1


def test_it_refuses_the_same_key_on_another_endpoint(owner_api):
    book(owner_api, {"seats": 2})
    assert_problem(book(owner_api, {"seats": 2}, path="/api/function-bookings/"), 422, "IDEMPOTENCY_KEY_REUSED")


def _in_flight(user, body: bytes, *, path=BOOKINGS):
    return IdempotencyKey.objects.create(
        user=user,
        key=KEY,
        method="POST",
        path=path,
        fingerprint=request_fingerprint(method="POST", path=path, body=body),
    )


def test_it_answers_409_while_the_first_request_is_in_flight(owner, owner_api):
    _in_flight(owner, b'{"seats":2}')
    body = assert_problem(book(owner_api, {"seats": 2}), 409, "IDEMPOTENCY_REQUEST_IN_FLIGHT")
    assert body["detail"] == IdempotencyRequestInFlight.detail
    assert executions.count == 0


def test_it_refuses_another_body_even_while_in_flight(owner, owner_api):
    _in_flight(owner, b'{"seats":2}')
    assert_problem(book(owner_api, {"seats": 9}), 422, "IDEMPOTENCY_KEY_REUSED")


def test_it_scopes_keys_per_user(owner_api, outsider_api):
    book(owner_api, {"seats": 2})
    theirs = book(outsider_api, {"seats": 2})
    assert theirs.status_code == 201
    assert theirs.json() == {"booking": 2, "seats": 2}
    assert REPLAYED_HEADER not in theirs
    assert IdempotencyKey.objects.count() == 2


def test_it_stores_and_replays_a_refusal(owner_api):
    first = book(owner_api, {"seats": 9})
    assert_problem(first, 409, "TOO_MANY_SEATS")
    again = book(owner_api, {"seats": 9})
    assert again.status_code == 409
    assert again["Content-Type"] == PROBLEM_CONTENT_TYPE
    assert again.json() == first.json()  # the original request id included: this is the first answer
    assert again[REPLAYED_HEADER] == "true"


def test_it_stores_and_replays_a_validation_error(owner_api):
    book(owner_api, {"seats": "two"})
    again = book(owner_api, {"seats": "two"})
    assert again.status_code == 400
    assert again.json()["errors"] == {"seats": ["A whole number is required."]}
    assert again[REPLAYED_HEADER] == "true"


@pytest.mark.parametrize("failure", ["crash", "unavailable"])
def test_it_releases_the_key_after_a_server_error(owner_api, failure):
    executions.fail_next = failure
    assert book(owner_api, {"seats": 2}).status_code >= 500
    assert not IdempotencyKey.objects.exists()
    retried = book(owner_api, {"seats": 2})
    assert retried.status_code == 201
    assert REPLAYED_HEADER not in retried
    assert book(owner_api, {"seats": 2})[REPLAYED_HEADER] == "true"
    assert executions.count == 1


def test_it_treats_an_expired_key_as_new(owner_api, settings):
    settings.IDEMPOTENCY_KEY_TTL_HOURS = 24
    with time_machine.travel(timezone.now(), tick=False) as clock:
        book(owner_api, {"seats": 2})
        clock.shift(timedelta(hours=23))
        assert book(owner_api, {"seats": 2})[REPLAYED_HEADER] == "true"
        clock.shift(timedelta(hours=2))
        fresh = book(owner_api, {"seats": 3})
    assert fresh.status_code == 201
    assert fresh.json() == {"booking": 2, "seats": 3}
    assert IdempotencyKey.objects.count() == 1


def test_it_purges_expired_keys(owner, outsider):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        old = _in_flight(owner, b"{}")
        clock.shift(timedelta(hours=20))
        recent = _in_flight(outsider, b"{}")
        clock.shift(timedelta(hours=5))
        assert idempotency_key_purge_expired() == 1
    assert list(IdempotencyKey.objects.values_list("pk", flat=True)) == [recent.pk]
    assert old.pk != recent.pk


@pytest.mark.parametrize("key", ["", "k" * 256, "has space", "tab\tkey", "ключ"], ids=str.__len__)
def test_it_rejects_an_invalid_key(owner_api, key):
    body = assert_problem(book(owner_api, {"seats": 1}, key=key), 400, "IDEMPOTENCY_KEY_INVALID")
    assert body["detail"] == IdempotencyKeyInvalid.detail
    assert executions.count == 0


def test_it_accepts_the_longest_key(owner_api):
    assert book(owner_api, {"seats": 1}, key="k" * 255).status_code == 201


def test_it_ignores_the_header_for_anonymous_callers(api):
    for _ in range(2):
        response = book(api, {"seats": 1}, path="/api/open-bookings/")
        assert response.status_code == 201
        assert REPLAYED_HEADER not in response
    assert executions.count == 2
    assert not IdempotencyKey.objects.exists()


def test_it_checks_sign_in_before_the_key(api):
    # Authentication runs before the handler, so an anonymous caller gets 401, and nothing is claimed.
    assert_problem(book(api, {"seats": 1}), 401, "NOT_AUTHENTICATED")
    assert not IdempotencyKey.objects.exists()


def test_it_refuses_to_claim_inside_a_transaction(owner):
    # The claim must commit on its own, or a parallel request could not see it.
    with transaction.atomic(), pytest.raises(RuntimeError, match="durable"):
        idempotency_key_claim(user=owner, key=KEY, method="POST", path=BOOKINGS, fingerprint="f" * 64)


def test_it_fingerprints_multipart_uploads_without_their_random_boundary(owner_api):
    def upload(boundary: str):
        body = encode_multipart(boundary, {"seats": "1", "note": "window"})
        content_type = f"multipart/form-data; boundary={boundary}"
        return owner_api.post(BOOKINGS, body, content_type=content_type, HTTP_IDEMPOTENCY_KEY=KEY)

    assert upload("first-attempt-3f9a").status_code == 201
    again = upload("retry-attempt-77c1")
    assert again[REPLAYED_HEADER] == "true"
    assert executions.count == 1
