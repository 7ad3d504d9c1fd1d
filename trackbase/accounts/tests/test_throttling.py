import pytest
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from trackbase.accounts.tests.factories import DEFAULT_PASSWORD
from trackbase.accounts.tests.helpers import post_json
from trackbase.core.testing import assert_problem, client_for, travel

pytestmark = pytest.mark.django_db


@pytest.fixture
def rates(monkeypatch):
    """Lower some throttle rates. DRF copies the settings into THROTTLE_RATES at import, so patch that."""

    def lower(**scopes: str) -> None:
        monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {**SimpleRateThrottle.THROTTLE_RATES, **scopes})

    return lower


def wrong_login(client=None):
    return post_json("/api/auth/login/", {"login": "owner", "password": "Wrong-Password-1"}, client)


def register(username: str):
    return post_json("/api/auth/register/", {"username": username, "password": "Secret123x"})


def test_it_throttles_login_after_the_allowed_attempts(owner, rates):
    rates(login="3/min")
    assert [wrong_login().status_code for _ in range(3)] == [401, 401, 401]

    response = wrong_login()

    assert_problem(response, 429, "THROTTLED")
    assert 1 <= int(response["Retry-After"]) <= 60
    right = post_json("/api/auth/login/", {"login": "owner", "password": DEFAULT_PASSWORD})
    assert_problem(right, 429, "THROTTLED")


def test_it_lets_login_through_again_after_the_window(owner, rates, time_machine):
    rates(login="2/min")
    travel(time_machine, seconds=0)
    wrong_login(), wrong_login()
    assert wrong_login().status_code == 429

    travel(time_machine, seconds=61)

    assert wrong_login().status_code == 401


def test_it_counts_each_scope_on_its_own(owner, rates):
    rates(login="2/min", register="2/min")
    wrong_login(), wrong_login()
    assert wrong_login().status_code == 429

    assert [register(name).status_code for name in ("first", "second")] == [201, 201]
    assert_problem(register("third"), 429, "THROTTLED")

    assert wrong_login().status_code == 429


def test_it_counts_each_client_address_on_its_own(owner, rates):
    rates(login="1/min")
    wrong_login()
    assert wrong_login().status_code == 429

    assert wrong_login(APIClient(REMOTE_ADDR="203.0.113.9")).status_code == 401


def test_it_counts_signed_in_callers_per_account(owner, outsider, rates):
    rates(password_reset="1/min")
    change = {"current_password": "Not-My-Password-1", "new_password": "Brand-New-Secret-71"}
    owner_client, outsider_client = client_for(owner), client_for(outsider)
    assert post_json("/api/auth/password/change/", change, owner_client).status_code == 400

    assert_problem(post_json("/api/auth/password/change/", change, owner_client), 429, "THROTTLED")
    assert post_json("/api/auth/password/change/", change, outsider_client).status_code == 400


def test_it_cannot_be_dodged_with_a_forged_forwarded_for_header(owner, rates):
    rates(login="1/min")
    wrong_login()

    response = wrong_login(APIClient(HTTP_X_FORWARDED_FOR="198.51.100.77"))

    assert response.status_code == 429
