import pytest
from django.contrib.auth.hashers import identify_hasher
from django.core.management import call_command

from trackbase.accounts.models import Role, User
from trackbase.accounts.tests.factories import UserFactory
from trackbase.accounts.tests.helpers import login_tokens, post_json, refresh
from trackbase.core.testing import assert_problem, client_for

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/accounts/user/"


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory(username="root", role=Role.ADMIN, is_staff=True, is_superuser=True))
    return client


def test_createsuperuser_makes_an_admin(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "Root-Password-1")

    call_command("createsuperuser", "--noinput", "--username=root", "--email=Root@Example.com", verbosity=0)

    root = User.objects.get(username="root")
    assert (root.role, root.is_staff, root.is_superuser, root.is_active) == (Role.ADMIN, True, True, True)
    assert root.check_password("Root-Password-1")
    assert client_for(root).get("/api/admin/users/").status_code == 200


def test_createsuperuser_email_cannot_be_registered_again(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "Root-Password-1")
    call_command("createsuperuser", "--noinput", "--username=root", "--email=Root@Example.com", verbosity=0)

    response = post_json("/api/auth/register/", {"email": "root@example.com", "password": "Secret123x"})

    assert_problem(response, 409, "EMAIL_ALREADY_EXISTS")


@pytest.mark.parametrize("query", ["", "?role__exact=WORKER", "?is_active__exact=0", "?q=owner", "?o=-6"])
def test_the_user_list_page_works(superuser_client, owner, worker, query):
    response = superuser_client.get(CHANGELIST + query)

    assert response.status_code == 200


def test_the_change_page_works_and_hides_the_hash(superuser_client, owner):
    response = superuser_client.get(f"{CHANGELIST}{owner.pk}/change/")

    assert response.status_code == 200
    assert owner.password.encode() not in response.content


def test_the_add_page_stores_a_hashed_password(superuser_client):
    assert superuser_client.get(f"{CHANGELIST}add/").status_code == 200

    response = superuser_client.post(
        f"{CHANGELIST}add/",
        {
            "username": "newbie",
            "email": "newbie@example.com",
            "role": Role.WORKER,
            "usable_password": "true",
            "password1": "Newbie-Secret-42",
            "password2": "Newbie-Secret-42",
        },
    )

    assert response.status_code == 302, response.content[:2000]
    newbie = User.objects.get(username="newbie")
    assert newbie.role == Role.WORKER
    assert newbie.password != "Newbie-Secret-42"
    assert identify_hasher(newbie.password)
    assert newbie.check_password("Newbie-Secret-42")


def test_the_add_page_enforces_the_password_policy(superuser_client):
    data = {"username": "newbie", "usable_password": "true", "password1": "password", "password2": "password"}

    response = superuser_client.post(f"{CHANGELIST}add/", {**data, "role": Role.USER})

    assert response.status_code == 200
    assert not User.objects.filter(username="newbie").exists()


def test_the_add_page_leaves_a_blank_email_empty(superuser_client):
    data = {"username": "noemail", "role": Role.USER, "usable_password": "false"}

    assert superuser_client.post(f"{CHANGELIST}add/", data).status_code == 302

    assert User.objects.get(username="noemail").email is None


@pytest.mark.parametrize(("persona", "status"), [("owner", 302), ("admin_user", 403)])
def test_the_user_pages_are_closed_to_non_superusers(client, request, persona, status):
    # An API admin is staff, but holds no Django model permissions unless given them.
    client.force_login(request.getfixturevalue(persona))

    assert client.get(CHANGELIST).status_code == status
    assert client.get(f"{CHANGELIST}add/").status_code == status


def test_deactivating_in_the_admin_ends_every_session(superuser_client, owner):
    tokens = login_tokens(owner)
    data = {
        "username": owner.username,
        "email": owner.email,
        "role": owner.role,
        "timezone": owner.timezone,
        "notification_preferences": "{}",
        "privacy_settings": "{}",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
    }  # is_active left out: the checkbox unticked

    response = superuser_client.post(f"{CHANGELIST}{owner.pk}/change/", data)

    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    User.objects.filter(pk=owner.pk).update(is_active=True)  # reactivated: the old sessions must stay dead
    assert_problem(refresh(tokens["refresh"]), 401, "TOKEN_REVOKED")
