"""Every operation in the OpenAPI schema, fed generated and malformed input, passes every schemathesis check
(`--checks all`): no 5xx, every status, content type, header and body as documented, schema-valid input
accepted and invalid input rejected, credentials required where the schema says so, 405 for other methods."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import CHECKS, load_all_checks, positive_data_acceptance

from config.wsgi import application
from trackbase.core.testing import client_for

load_all_checks()

# Validity no JSON Schema can state: schema-valid input the server may still refuse, and only with a 400 (or 422,
# or 410 for an expired window) naming these fields (or carrying these codes).
# Everything else schema-valid must be accepted.
PASSWORD_POLICY = "password"  # common passwords, likeness to the username: Django's validators, not patterns
TRAIN_TIMETABLE = {"destination", "arrival_time", "available_seats"}  # cross-field: rail/rules.py
BEYOND_THE_SCHEMA = {
    "POST /api/auth/register/": {PASSWORD_POLICY},
    "POST /api/auth/login/": {"login"},  # one of login, username or email
    "POST /api/auth/login/email/": {"login"},
    "POST /api/auth/password/change/": {"current_password", "new_password"},
    "POST /api/auth/password/reset/confirm/": {"RESET_TOKEN_INVALID", "new_password"},
    "POST /api/auth/verify-email/": {"VERIFICATION_TOKEN_INVALID"},
    "POST /api/devices/": {"subscription"},  # keys.p256dh must be a point on the P-256 curve
    "POST /api/bookings/": {"IDEMPOTENCY_KEY_REUSED"},  # a key sent before with another body: state, not shape
    "POST /api/trains/": TRAIN_TIMETABLE,
    "PUT /api/trains/{train_number}/": TRAIN_TIMETABLE,
    "PATCH /api/trains/{train_number}/": TRAIN_TIMETABLE,
    "POST /api/trains/{train_number}/events/": {"delay_minutes", "platform"},  # which an event type needs
    # Cylinders: an Idempotency-Key sent before with another body is state; sent_to, customer and station
    # name one place, so they must agree (equal values); a serial number may appear once per request.
    "POST /api/cylinders/add": {"IDEMPOTENCY_KEY_REUSED", "cylinders"},
    "POST /api/cylinders/ship": {"IDEMPOTENCY_KEY_REUSED", "sent_to"},
    "POST /api/cylinders/return": {"IDEMPOTENCY_KEY_REUSED"},
    "POST /api/cylinders/refill/send": {"IDEMPOTENCY_KEY_REUSED", "sent_to"},
    "POST /api/cylinders/refill/receive": {"IDEMPOTENCY_KEY_REUSED"},
    "POST /api/cylinders/trash": {"IDEMPOTENCY_KEY_REUSED"},
    "POST /api/cylinders/reprint": {"IDEMPOTENCY_KEY_REUSED"},
    "GET /api/admin/reports": {"date_from"},  # not after date_to, at most 3 years before it (default: today)
    # The avatar must be a readable image (Pillow decodes it), whatever its declared type.
    "PUT /api/profile/": {"avatar"},
    "PATCH /api/profile/": {"avatar"},
    # HuCares: reserved usernames (admin, root, api, ...) and an avatar Pillow cannot decode.
    "POST /api/v1/auth/register": {"username"},  # not a reserved name (admin, root, api, ...)
    "PUT /api/v1/users/profile": {"username"},
    "POST /api/v1/users/avatar": {"avatar"},  # the file must be a readable image (Pillow decodes it)
    # Travel: cross-field date order (travel/services.py, api/calculations.py), and a file's content.
    "POST /api/travel-segments/": {"arrival_date", "IDEMPOTENCY_KEY_REUSED"},  # not before departure_date
    "PUT /api/travel-segments/{segment_id}/": {"arrival_date"},
    "PATCH /api/travel-segments/{segment_id}/": {"arrival_date"},
    # NOT_CSV: a CSV flight history we can read (encoding, header row), the file's content, not its shape.
    "POST /api/travel-segments/import/csv/": {"NOT_CSV", "IDEMPOTENCY_KEY_REUSED"},
    # updated_since within the tombstone retention (410 SYNC_WINDOW_EXPIRED): the clock, not the shape.
    "GET /api/travel-segments/": {"SYNC_WINDOW_EXPIRED"},
    "POST /api/calculations/schengen/plan/": {"exit_date"},  # not before entry_date, at most ten years later
    "GET /api/calculations/countries/": {"from"},  # on or before `to`, at most 20 years before it
    "GET /api/calculations/days/": {"from"},
}


def _code_and_fields(body: dict) -> tuple[str | None, dict]:
    """A failure's code and field errors: problem+json `{code, errors}`, or /api/v1/'s envelope
    `{success: false, error: {code, message, details}}`."""
    if body.get("success") is False and isinstance(body.get("error"), dict):
        return body["error"].get("code"), body["error"].get("details") or {}
    return body.get("code"), body.get("errors") or {}


def _refused_beyond_the_schema(response, case) -> bool:
    allowed = BEYOND_THE_SCHEMA.get(case.operation.label, set())
    if response.status_code not in (400, 410, 422) or not allowed:
        return False
    code, fields = _code_and_fields(response.json())
    return code in allowed or (code == "VALIDATION_ERROR" and set(fields or {"?": 0}) <= allowed)


def positive_data_accepted(ctx, response, case):
    """schemathesis' positive_data_acceptance, but for the refusals in BEYOND_THE_SCHEMA."""
    if _refused_beyond_the_schema(response, case):
        return None
    return positive_data_acceptance(ctx, response, case)


CHECKS_TO_RUN = [check for check in CHECKS.get_all() if check is not positive_data_acceptance]
CHECKS_TO_RUN.append(positive_data_accepted)
schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
# Unknown query parameters are ignored, as HTTP APIs conventionally do (a client's cache-buster must not
# break a call), and OpenAPI cannot declare otherwise; everything else generated out of the schema must be refused.
schema.config.generation.update(allow_extra_parameters=False)


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Schemathesis calls the WSGI app itself, whose request signals would close the test's database
    connection (and its transaction) after every request; Django's test client unhooks them the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def fuzz_headers(admin_user):
    """Admin credentials reach the deepest code paths; other personas are covered by the API tests."""
    return {"Authorization": client_for(admin_user)._credentials["HTTP_AUTHORIZATION"]}


@schema.parametrize()
@settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@pytest.mark.django_db(databases=["default", "analytics"])
def test_every_operation_passes_every_check(case, fuzz_headers):
    case.call_and_validate(headers=fuzz_headers, checks=CHECKS_TO_RUN)
