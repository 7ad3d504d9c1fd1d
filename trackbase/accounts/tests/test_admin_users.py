import pytest

from trackbase.accounts.models import Role, User
from trackbase.accounts.tests.factories import UserFactory
from trackbase.accounts.tests.helpers import login, login_tokens, profile_status, refresh
from trackbase.core.testing import assert_problem, client_for

pytestmark = pytest.mark.django_db

USERS = "/api/admin/users/"


def user_url(user_id: int, action: str = "") -> str:
    return f"{USERS}{user_id}/{action + '/' if action else ''}"


ENDPOINTS = {
    "list": ("get", None),
    "detail": ("get", ""),
    "role": ("post", "role"),
    "deactivate": ("post", "deactivate"),
    "activate": ("post", "activate"),
}
USER_ENDPOINTS = {name: endpoint for name, endpoint in ENDPOINTS.items() if name != "list"}


def call(client, method: str, action: str | None, user_id: int, data=None):
    path = USERS if action is None else user_url(user_id, action)
    return getattr(client, method)(path, data, format="json")


@pytest.fixture
def staff_without_admin_role(db):
    return UserFactory(username="djangostaff", is_staff=True, is_superuser=True, role=Role.USER)


@pytest.mark.parametrize("persona", ["owner", "worker", "staff_without_admin_role"])
@pytest.mark.parametrize(("method", "action"), ENDPOINTS.values(), ids=ENDPOINTS.keys())
def test_it_refuses_everyone_but_admins(request, outsider, persona, method, action):
    caller = request.getfixturevalue(persona)
    role = caller.role

    for target in (outsider, caller):
        response = call(client_for(caller), method, action, target.pk, {"role": Role.ADMIN})
        assert_problem(response, 403, "PERMISSION_DENIED")

    assert User.objects.get(pk=caller.pk).role == role
    assert User.objects.filter(pk=outsider.pk, role=Role.USER, is_active=True).exists()


@pytest.mark.parametrize(("method", "action"), ENDPOINTS.values(), ids=ENDPOINTS.keys())
def test_it_refuses_anonymous_callers(anon_client, outsider, method, action):
    assert_problem(call(anon_client, method, action, outsider.pk, {"role": Role.ADMIN}), 401, "NOT_AUTHENTICATED")


def test_it_lists_users_in_pages(admin_client, admin_user, owner, outsider, worker):
    response = admin_client.get(USERS)

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["total"], body["limit"], body["offset"]) == (4, 20, 0)
    assert [user["id"] for user in body["results"]] == sorted([admin_user.pk, owner.pk, outsider.pk, worker.pk])
    assert {"id", "username", "email", "role", "is_active"} <= set(body["results"][0])


def test_it_pages_with_limit_and_offset(admin_client, admin_user):
    users = [admin_user, *UserFactory.create_batch(4)]

    body = admin_client.get(USERS, {"limit": 2, "offset": 1}).json()

    assert (body["total"], body["limit"], body["offset"]) == (5, 2, 1)
    assert [user["id"] for user in body["results"]] == [users[1].pk, users[2].pk]
    assert admin_client.get(USERS, {"offset": 50}).json()["results"] == []


FILTERS = {
    "role": ({"role": "WORKER"}, ["worker"]),
    "role-admin": ({"role": "ADMIN"}, ["admin"]),
    "inactive": ({"is_active": "false"}, ["gone"]),
    "active-users": ({"is_active": "true", "role": "USER"}, ["owner", "outsider"]),
    "username": ({"search": "OUTSID"}, ["outsider"]),
    "email": ({"search": "gone@example"}, ["gone"]),
    "first-name": ({"search": "Zelda"}, ["owner"]),
    "no-match": ({"search": "nobody-matches-this"}, []),
    "percent-is-literal": ({"search": "%"}, []),
    "underscore-is-literal": ({"search": "o_ner"}, []),
}


@pytest.mark.parametrize(("query", "expected"), FILTERS.values(), ids=FILTERS.keys())
def test_it_filters_the_list(admin_client, owner, outsider, worker, query, expected):
    owner.first_name = "Zelda"
    owner.save()
    UserFactory(username="gone", is_active=False)

    body = admin_client.get(USERS, query).json()

    assert [user["username"] for user in body["results"]] == expected
    assert body["total"] == len(expected)


@pytest.mark.parametrize(
    "query",
    [
        {"limit": "abc"},
        {"limit": "0"},
        {"limit": "101"},
        {"limit": "-1"},
        {"limit": "1e3"},
        {"offset": "-1"},
        {"offset": "abc"},
        {"offset": "99999999999999999999999"},
        {"role": "SUPERUSER"},
        {"role": "admin"},
        {"is_active": "maybe"},
        {"search": "x" * 101},
    ],
    ids=lambda query: "-".join(f"{key}={value[:10]}" for key, value in query.items()),
)
def test_it_refuses_bad_list_parameters(admin_client, query):
    body = assert_problem(admin_client.get(USERS, query), 400, "VALIDATION_ERROR")

    assert set(body["errors"]) == set(query)


def test_it_shows_one_user(admin_client, owner):
    response = admin_client.get(user_url(owner.pk))

    assert response.status_code == 200, response.content
    assert response.json().items() >= {"id": owner.pk, "username": "owner", "role": "USER"}.items()


@pytest.mark.parametrize(("method", "action"), USER_ENDPOINTS.values(), ids=USER_ENDPOINTS.keys())
@pytest.mark.parametrize("user_id", [424242, 2**63, 10**30], ids=["unknown", "past-bigint", "huge"])
def test_it_answers_404_for_an_unknown_user(admin_client, method, action, user_id):
    assert_problem(call(admin_client, method, action, user_id, {"role": Role.WORKER}), 404, "NOT_FOUND")


@pytest.mark.parametrize(
    ("role", "is_staff"), [(Role.WORKER, False), (Role.ADMIN, True), (Role.USER, False)], ids=lambda v: str(v)
)
def test_it_changes_a_role(admin_client, worker, role, is_staff):
    response = admin_client.post(user_url(worker.pk, "role"), {"role": role}, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["role"] == role
    worker.refresh_from_db()
    assert (worker.role, worker.is_staff) == (role, is_staff)


def test_a_promotion_takes_effect_on_the_current_token(admin_client, worker, worker_client):
    assert worker_client.get(USERS).status_code == 403

    admin_client.post(user_url(worker.pk, "role"), {"role": Role.ADMIN}, format="json")

    assert worker_client.get(USERS).status_code == 200


def test_a_demotion_takes_effect_on_the_current_token(admin_client):
    other_admin = UserFactory(role=Role.ADMIN, is_staff=True)
    other_client = client_for(other_admin)
    assert other_client.get(USERS).status_code == 200

    admin_client.post(user_url(other_admin.pk, "role"), {"role": Role.USER}, format="json")

    assert_problem(other_client.get(USERS), 403, "PERMISSION_DENIED")
    other_admin.refresh_from_db()
    assert other_admin.is_staff is False


def test_a_demoted_superuser_keeps_django_admin_access(admin_client):
    root = UserFactory(role=Role.ADMIN, is_staff=True, is_superuser=True)

    admin_client.post(user_url(root.pk, "role"), {"role": Role.USER}, format="json")

    root.refresh_from_db()
    assert (root.role, root.is_staff) == (Role.USER, True)


@pytest.mark.parametrize(
    "data", [{"role": "SUPERUSER"}, {"role": "admin"}, {"role": ""}, {"role": None}, {}, {"role": ["ADMIN"]}, ["ADMIN"]]
)
def test_it_refuses_an_invalid_role(admin_client, owner, data):
    body = assert_problem(admin_client.post(user_url(owner.pk, "role"), data, format="json"), 400, "VALIDATION_ERROR")

    assert body["errors"]
    owner.refresh_from_db()
    assert owner.role == Role.USER


@pytest.mark.parametrize("action", ["role", "deactivate", "activate"])
def test_an_admin_cannot_modify_themselves(admin_client, admin_user, action):
    response = admin_client.post(user_url(admin_user.pk, action), {"role": Role.USER}, format="json")

    assert_problem(response, 403, "CANNOT_MODIFY_SELF")
    admin_user.refresh_from_db()
    assert (admin_user.role, admin_user.is_active) == (Role.ADMIN, True)


def test_deactivation_ends_every_session_at_once(admin_client, owner, owner_client):
    session = login_tokens(owner)

    response = admin_client.post(user_url(owner.pk, "deactivate"))

    assert response.status_code == 200, response.content
    assert response.json()["is_active"] is False
    assert_problem(owner_client.get("/api/profile/"), 401, "AUTHENTICATION_FAILED")
    assert profile_status(session["access"]) == 401
    assert_problem(refresh(session["refresh"]), 401, "TOKEN_REVOKED")
    assert_problem(login("owner"), 401, "INVALID_CREDENTIALS")


def test_reactivation_lets_the_user_sign_in_again(admin_client, owner):
    session = login_tokens(owner)
    admin_client.post(user_url(owner.pk, "deactivate"))

    response = admin_client.post(user_url(owner.pk, "activate"))

    assert response.status_code == 200, response.content
    assert response.json()["is_active"] is True
    assert profile_status(login_tokens(owner)["access"]) == 200
    assert_problem(refresh(session["refresh"]), 401, "TOKEN_REVOKED")


def test_an_admin_may_deactivate_another_admin(admin_client):
    other_admin = UserFactory(role=Role.ADMIN, is_staff=True)

    assert admin_client.post(user_url(other_admin.pk, "deactivate")).status_code == 200

    assert User.objects.get(pk=other_admin.pk).is_active is False
    assert_problem(client_for(other_admin).get(USERS), 401, "AUTHENTICATION_FAILED")
