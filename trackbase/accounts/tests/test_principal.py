"""Authentication reads a cached principal, not the user row; every event that changes who a token is takes
effect on the very next request, also when the event and the request go through different cache clients
(two processes sharing Redis, or the embedded process's local memory)."""

import pytest
from django.core.cache import caches

from trackbase.accounts import principal
from trackbase.accounts.models import Role
from trackbase.accounts.tests.factories import DEFAULT_PASSWORD
from trackbase.accounts.tests.helpers import NEW_PASSWORD, login_tokens, post_json, refresh
from trackbase.core.testing import assert_problem, bearer

pytestmark = pytest.mark.django_db

PROFILE = "/api/profile/"
USERS = "/api/admin/users/"
NOTIFICATIONS_COUNT = "/api/me/notifications/unread-count"


@pytest.fixture
def processes(monkeypatch):
    """Two cache clients on one store, standing for two server processes; `processes.use("a")` switches."""

    class Processes:
        clients = {"a": caches.create_connection("default"), "b": caches.create_connection("default")}
        current = "a"

        def use(self, name: str) -> None:
            self.current = name

    state = Processes()
    monkeypatch.setattr(principal, "_cache", lambda: state.clients[state.current])
    return state


def test_it_authenticates_without_a_user_query(owner, django_assert_num_queries):
    client = bearer(login_tokens(owner)["access"])
    client.get(NOTIFICATIONS_COUNT)  # the first request of a process reads the row once
    with django_assert_num_queries(1):  # the count itself, nothing for authentication
        assert client.get(NOTIFICATIONS_COUNT).status_code == 200


def test_the_profile_still_reads_the_whole_user(owner):
    owner.first_name, owner.timezone = "Ada", "Europe/Berlin"
    owner.save()
    client = bearer(login_tokens(owner)["access"])
    client.get(PROFILE)
    body = client.get(PROFILE).json()
    assert (body["first_name"], body["timezone"]) == ("Ada", "Europe/Berlin")


def test_it_ends_a_deactivated_users_access_at_once(processes, owner, admin_user):
    access = login_tokens(owner)["access"]
    assert bearer(access).get(PROFILE).status_code == 200
    processes.use("b")
    assert bearer(login_tokens(admin_user)["access"]).post(f"{USERS}{owner.pk}/deactivate/").status_code == 200
    processes.use("a")
    assert_problem(bearer(access).get(PROFILE), 401, "AUTHENTICATION_FAILED")


def test_it_applies_a_role_change_at_once(processes, worker, admin_user):
    access = login_tokens(worker)["access"]
    assert bearer(access).get(USERS).status_code == 403
    processes.use("b")
    admin = bearer(login_tokens(admin_user)["access"])
    assert admin.post(f"{USERS}{worker.pk}/role/", {"role": Role.ADMIN}, format="json").status_code == 200
    processes.use("a")
    assert bearer(access).get(USERS).status_code == 200
    processes.use("b")
    assert admin.post(f"{USERS}{worker.pk}/role/", {"role": Role.USER}, format="json").status_code == 200
    processes.use("a")
    assert bearer(access).get(USERS).status_code == 403


def test_it_ends_other_sessions_on_a_password_change_at_once(processes, owner):
    other, mine = login_tokens(owner), login_tokens(owner)
    assert bearer(other["access"]).get(PROFILE).status_code == 200
    processes.use("b")
    response = post_json(
        "/api/auth/password/change/",
        {"current_password": DEFAULT_PASSWORD, "new_password": NEW_PASSWORD},
        bearer(mine["access"]),
    )
    assert response.status_code == 200, response.content
    processes.use("a")
    assert_problem(bearer(other["access"]).get(PROFILE), 401, "AUTHENTICATION_FAILED")
    # The pair the change handed out works (minted in the second of the revocation, or after it).
    assert bearer(response.json()["access"]).get(PROFILE).status_code == 200


def test_it_ends_sessions_on_an_out_of_band_password_change_at_once(processes, owner):
    access = login_tokens(owner)["access"]
    assert bearer(access).get(PROFILE).status_code == 200
    processes.use("b")
    owner.set_password(NEW_PASSWORD)  # Django admin, changepassword, a shell: no service involved
    owner.save()
    processes.use("a")
    assert_problem(bearer(access).get(PROFILE), 401, "AUTHENTICATION_FAILED")


def test_it_ends_access_tokens_when_every_session_is_logged_out(processes, owner, time_machine):
    time_machine.move_to("2026-03-01T10:00:00Z", tick=False)
    sessions = [login_tokens(owner) for _ in range(2)]
    assert bearer(sessions[1]["access"]).get(PROFILE).status_code == 200
    time_machine.move_to("2026-03-01T10:00:05Z", tick=False)
    processes.use("b")
    assert bearer(sessions[0]["access"]).get("/api/auth/logout/").status_code == 200
    processes.use("a")
    for session in sessions:
        assert_problem(bearer(session["access"]).get(PROFILE), 401, "AUTHENTICATION_FAILED")
    assert bearer(login_tokens(owner)["access"]).get(PROFILE).status_code == 200


def test_it_ends_access_tokens_when_a_spent_refresh_token_comes_back(processes, owner, time_machine):
    time_machine.move_to("2026-03-01T10:00:00Z", tick=False)
    session = login_tokens(owner)
    assert refresh(session["refresh"]).status_code == 200
    assert bearer(session["access"]).get(PROFILE).status_code == 200
    time_machine.move_to("2026-03-01T10:00:05Z", tick=False)
    processes.use("b")
    assert_problem(refresh(session["refresh"]), 401, "TOKEN_REUSED")
    processes.use("a")
    assert_problem(bearer(session["access"]).get(PROFILE), 401, "AUTHENTICATION_FAILED")


def test_it_refuses_a_deleted_user_at_once(processes, owner):
    access = login_tokens(owner)["access"]
    assert bearer(access).get(PROFILE).status_code == 200
    processes.use("b")
    owner.delete()
    processes.use("a")
    assert_problem(bearer(access).get(PROFILE), 401, "AUTHENTICATION_FAILED")


def test_it_reloads_the_principal_when_its_version_is_lost(owner, django_assert_num_queries):
    client = bearer(login_tokens(owner)["access"])
    client.get(NOTIFICATIONS_COUNT)
    caches["default"].delete(f"principal:v:{owner.pk}")  # evicted: never trust the cached copy then
    with django_assert_num_queries(2):
        assert client.get(NOTIFICATIONS_COUNT).status_code == 200
