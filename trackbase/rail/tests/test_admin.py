"""The Django admin keeps the search keys in step with the station names, as the API does."""

import pytest

from trackbase.accounts.tests.factories import UserFactory
from trackbase.rail.models import Train
from trackbase.rail.tests.helpers import ARRIVAL, DEPARTURE

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_site(client):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def train_form(**overrides) -> dict:
    return {
        "train_number": "12951",
        "name": "Mumbai Rajdhani",
        "source": " new delhi ",
        "destination": "Mumbai",
        "departure_time_0": DEPARTURE.date().isoformat(),
        "departure_time_1": DEPARTURE.time().isoformat(),
        "arrival_time_0": ARRIVAL.date().isoformat(),
        "arrival_time_1": ARRIVAL.time().isoformat(),
        "total_seats": 100,
        "available_seats": 100,
        "status": "SCHEDULED",
        "delay_minutes": 0,
        "platform": "",
    } | overrides


def test_it_keys_a_train_added_in_the_admin(admin_site):
    response = admin_site.post("/admin/rail/train/add/", train_form())

    assert response.status_code == 302, response.content[:2000]
    train = Train.objects.get()
    assert (train.source_key, train.destination_key) == ("NEW DELHI", "MUMBAI")


def test_it_rekeys_a_train_changed_in_the_admin(admin_site, train):
    response = admin_site.post(f"/admin/rail/train/{train.pk}/change/", train_form(destination="pune"))

    assert response.status_code == 302, response.content[:2000]
    train.refresh_from_db()
    assert train.destination_key == "PUNE"


@pytest.mark.parametrize(
    "overrides",
    [{"destination": "NEW DELHI"}, {"available_seats": 101}, {"arrival_time_0": DEPARTURE.date().isoformat()}],
)
def test_it_shows_a_broken_train_as_a_form_error(admin_site, overrides):
    response = admin_site.post("/admin/rail/train/add/", train_form(**overrides))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert not Train.objects.exists()
