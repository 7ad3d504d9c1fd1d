"""Issue 7 item 6: responses that carry tokens or the caller's profile are never kept by a cache."""

import pytest

from trackbase.accounts.tests.factories import DEFAULT_PASSWORD
from trackbase.accounts.tests.helpers import login_tokens
from trackbase.core.testing import signed_in

pytestmark = pytest.mark.django_db


def assert_no_store(response, status: int) -> None:
    assert response.status_code == status, response.content[:500]
    assert response["Cache-Control"] == "no-store"
    assert response["Pragma"] == "no-cache"  # RFC 6749 5.1, for HTTP/1.0 caches


def test_register_login_and_refresh_are_not_cached(anon_client, owner):
    register = anon_client.post(
        "/api/auth/register/", {"email": "new@example.com", "password": "Brisk-Walk-42"}, format="json"
    )
    assert_no_store(register, 201)
    for path in ("/api/auth/login/", "/api/auth/login", "/api/auth/login/email/"):
        assert_no_store(anon_client.post(path, {"login": "owner", "password": DEFAULT_PASSWORD}, format="json"), 200)
    refresh = login_tokens(owner)["refresh"]
    assert_no_store(anon_client.post("/api/auth/token/refresh/", {"refresh": refresh}, format="json"), 200)


def test_a_password_change_that_issues_new_tokens_is_not_cached(owner):
    response = signed_in(owner).post(
        "/api/auth/password/change/",
        {"current_password": DEFAULT_PASSWORD, "new_password": "Brand-New-Secret-71"},
        format="json",
    )
    assert_no_store(response, 200)


@pytest.mark.parametrize("method", ["get", "put", "patch"])
def test_the_profile_is_not_cached(owner_client, method):
    assert_no_store(getattr(owner_client, method)("/api/profile/", {"first_name": "Olga"}, format="json"), 200)


def test_a_failed_login_is_not_cached_either(anon_client, owner):
    assert_no_store(anon_client.post("/api/auth/login/", {"login": "owner", "password": "nope"}, format="json"), 401)


def test_admin_views_of_users_are_not_cached(admin_user, owner):
    admin = signed_in(admin_user)
    assert_no_store(admin.get("/api/admin/users/"), 200)
    assert_no_store(admin.get(f"/api/admin/users/{owner.pk}/"), 200)
