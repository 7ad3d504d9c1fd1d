"""`manage.py load_demo_data`: trains, users with known passwords and bookings, in one idempotent command."""

import pytest
from django.core.management import call_command

from trackbase.accounts.demo_data import DEMO_PASSWORD
from trackbase.accounts.models import Role, User
from trackbase.rail.models import Booking, Favorite, Train

pytestmark = pytest.mark.django_db


def _snapshot():
    return (
        list(User.objects.order_by("username").values_list("username", "password")),
        list(Train.objects.order_by("train_number").values_list("train_number", "available_seats")),
        list(Booking.objects.order_by("id").values_list("user__username", "train__train_number", "seats")),
        Favorite.objects.count(),
    )


def test_it_loads_trains_users_and_bookings(anon_client):
    call_command("load_demo_data", verbosity=0)

    assert Train.objects.count() >= 5
    assert User.objects.get(username="demo-admin").role == Role.ADMIN
    assert Booking.objects.filter(user__username="alice").count() == 2
    rajdhani = Train.objects.get(train_number="12951")
    assert rajdhani.available_seats == rajdhani.total_seats - 6
    response = anon_client.post("/api/auth/login/", {"login": "alice", "password": DEMO_PASSWORD}, format="json")
    assert response.status_code == 200, response.json()


def test_running_it_again_changes_nothing():
    call_command("load_demo_data", verbosity=0)
    before = _snapshot()

    call_command("load_demo_data", verbosity=0)

    assert _snapshot() == before


def test_it_leaves_an_existing_user_alone(owner):
    User.objects.filter(pk=owner.pk).update(username="alice")
    password = User.objects.get(pk=owner.pk).password

    call_command("load_demo_data", verbosity=0)

    assert User.objects.get(pk=owner.pk).password == password


def test_the_readme_walkthrough_books_a_train(anon_client):
    """README "first booking with curl", step by step."""
    call_command("load_demo_data", verbosity=0)
    login = anon_client.post("/api/auth/login/", {"login": "alice", "password": DEMO_PASSWORD}, format="json")
    anon_client.credentials(HTTP_AUTHORIZATION=f"Bearer {login.json()['access']}")

    search = anon_client.get("/api/trains/search/?source=Mumbai&destination=Delhi")
    booking = anon_client.post(
        "/api/bookings/", {"train_number": "12951", "seats": 2}, format="json", headers={"Idempotency-Key": "walk-1"}
    )
    mine = anon_client.get("/api/bookings/my/")

    assert [train["train_number"] for train in search.json()["results"]] == ["12951"]
    assert booking.status_code == 201, booking.json()
    assert mine.json()["total"] == 3
