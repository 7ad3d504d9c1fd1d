"""Issue 7 item 4: failed sign-ins are limited per account as well as per address, with back-off; successful
sign-ins cost nothing; and a locked account keeps its other ways in (password reset, open sessions)."""

import threading

import pytest
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from trackbase.accounts import login_limits
from trackbase.accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from trackbase.accounts.tests.helpers import NEW_PASSWORD, login_tokens, mailed_token, post_json, refresh
from trackbase.core.testing import assert_problem, travel

pytestmark = pytest.mark.django_db

LOGIN = "/api/auth/login/"
WRONG = "Wrong-Password-1"
_addresses = iter(range(1, 250))


@pytest.fixture(autouse=True)
def limits(settings, time_machine, monkeypatch):
    # DRF copies the rates into SimpleRateThrottle.THROTTLE_RATES at import; every throttle reads them there.
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {**SimpleRateThrottle.THROTTLE_RATES, "login": "3/min"})
    settings.LOGIN_FAILURES_BEFORE_BACKOFF = 3
    settings.LOGIN_BACKOFF_SECONDS = 30
    settings.LOGIN_BACKOFF_MAX_SECONDS = 300
    travel(time_machine, seconds=0)  # the clock stands still unless a test moves it


def from_new_address() -> APIClient:
    """A client at an address of its own: a botnet, or simply another network."""
    return APIClient(REMOTE_ADDR=f"198.51.100.{next(_addresses)}")


def attempt(login: str = "owner", password: str = WRONG, client: APIClient | None = None):
    return post_json(LOGIN, {"login": login, "password": password}, client or from_new_address())


def assert_login_throttled(response, *, retry_after: int) -> None:
    assert_problem(response, 429, "LOGIN_THROTTLED")
    assert int(response["Retry-After"]) == retry_after


def test_it_backs_off_an_account_guessed_at_from_many_addresses(owner, time_machine):
    assert [attempt().status_code for _ in range(3)] == [401, 401, 401]

    assert_login_throttled(attempt(), retry_after=30)
    # Even the right password waits: otherwise the lock would not slow guessing down.
    assert_login_throttled(attempt(password=DEFAULT_PASSWORD), retry_after=30)

    travel(time_machine, seconds=30)
    assert attempt().status_code == 401
    assert_login_throttled(attempt(), retry_after=60)  # each failure beyond the free ones doubles the wait
    travel(time_machine, seconds=60)
    assert attempt(password=DEFAULT_PASSWORD).status_code == 200


def test_the_wait_has_a_ceiling(owner, time_machine):
    for _ in range(3):
        attempt()
    waits = []
    for _ in range(6):
        response = attempt()
        waits.append(int(response["Retry-After"]))
        travel(time_machine, seconds=waits[-1])
        assert attempt().status_code == 401
    assert waits == [30, 60, 120, 240, 300, 300]


def test_a_successful_sign_in_clears_the_accounts_failures(owner):
    attempt(), attempt()
    assert attempt(password=DEFAULT_PASSWORD).status_code == 200

    assert [attempt().status_code for _ in range(3)] == [401, 401, 401]


def test_an_unknown_account_is_limited_the_same_way(db):
    # The same answers for a login nobody has: the limit does not tell which accounts exist.
    assert [attempt("nobody@example.com").status_code for _ in range(3)] == [401, 401, 401]
    assert_login_throttled(attempt("nobody@example.com"), retry_after=30)


def test_one_account_locked_leaves_the_others_alone(owner, outsider):
    for _ in range(3):
        attempt()
    assert_login_throttled(attempt(), retry_after=30)

    assert attempt("outsider", DEFAULT_PASSWORD).status_code == 200


def test_an_office_behind_one_address_is_not_locked_out_by_successful_sign_ins(db):
    office = APIClient(REMOTE_ADDR="203.0.113.50")
    staff = UserFactory.create_batch(4)

    statuses = [attempt(user.username, DEFAULT_PASSWORD, office).status_code for _ in range(5) for user in staff]

    assert set(statuses) == {200}


def test_failed_sign_ins_are_limited_per_address_across_accounts(owner, outsider):
    office = APIClient(REMOTE_ADDR="203.0.113.51")
    for name in ("a@example.com", "b@example.com", "c@example.com"):
        assert attempt(name, client=office).status_code == 401

    response = attempt("d@example.com", client=office)

    assert_problem(response, 429, "LOGIN_THROTTLED")
    assert 1 <= int(response["Retry-After"]) <= 60
    # Successful sign-ins from that address do not reset its count either.
    assert attempt("outsider", DEFAULT_PASSWORD, office).status_code == 429


def test_a_locked_account_can_still_reset_its_password(
    owner, mailoutbox, django_capture_on_commit_callbacks, time_machine
):
    for _ in range(3):
        attempt()
    assert_login_throttled(attempt(password=DEFAULT_PASSWORD), retry_after=30)

    with django_capture_on_commit_callbacks(execute=True):
        assert post_json("/api/auth/password/reset/", {"email": owner.email}).status_code == 202
    confirm = {"token": mailed_token(mailoutbox[-1]), "new_password": NEW_PASSWORD}
    assert post_json("/api/auth/password/reset/confirm/", confirm).status_code == 200

    # The reset proves the owner's control of the account: the back-off is lifted at once.
    assert attempt(password=NEW_PASSWORD).status_code == 200


def test_a_locked_account_keeps_its_open_sessions(owner):
    session = login_tokens(owner)
    for _ in range(3):
        attempt()
    assert attempt(password=DEFAULT_PASSWORD).status_code == 429

    assert refresh(session["refresh"]).status_code == 200


def test_parallel_guesses_get_no_more_than_the_free_attempts():
    """Each guess claims its attempt atomically before the password is checked: a burst cannot slip past."""
    allowed, errors = [], []
    start = threading.Barrier(20)

    def guess(n: int) -> None:
        start.wait()
        try:
            allowed.append(login_limits.attempt_begin(account="victim", address=f"192.0.2.{n}"))
        except login_limits.LoginThrottled:
            errors.append(n)

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert (len(allowed), len(errors)) == (3, 17)
