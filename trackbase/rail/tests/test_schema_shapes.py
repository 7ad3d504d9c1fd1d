"""What rail answers is what its OpenAPI schema says: one serializer renders each shape and documents it."""

import pytest
from drf_spectacular.generators import SchemaGenerator

from trackbase.rail.tests.factories import FavoriteFactory
from trackbase.rail.tests.helpers import book

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def shapes() -> dict[str, set[str]]:
    """Component name -> its documented property names."""
    components = SchemaGenerator().get_schema(request=None, public=True)["components"]["schemas"]
    return {name: set(component.get("properties", {})) for name, component in components.items()}


def test_a_train_has_the_documented_fields_wherever_it_appears(owner_client, owner, train, shapes):
    booking = book(owner, train)
    FavoriteFactory(user=owner, train=train)
    search = owner_client.get("/api/trains/search/", {"source": "NDLS", "destination": "BCT"}).json()
    listed = owner_client.get("/api/trains/").json()

    trains = [
        owner_client.get("/api/trains/12951/").json(),
        search["results"][0],
        listed["results"][0],
        owner_client.get(f"/api/bookings/{booking.pk}/").json()["train"],
        owner_client.get("/me/favorites").json()[0]["train"],
    ]
    assert all(set(train) == shapes["TrainOutput"] for train in trains), trains
    assert set(search) == set(listed) == shapes["TrainOutputPage"]


def test_bookings_and_favorites_have_their_documented_fields(owner_client, owner, train, shapes):
    booking = book(owner, train)
    FavoriteFactory(user=owner, train=train)

    page = owner_client.get("/api/bookings/my/").json()
    assert set(page) == shapes["BookingOutputPage"]
    assert set(page["results"][0]) == shapes["BookingOutput"]
    assert set(owner_client.post(f"/api/bookings/{booking.pk}/cancel/").json()) == shapes["BookingOutput"]
    assert set(owner_client.get("/me/favorites").json()[0]) == shapes["FavoriteOutput"]
    assert set(owner_client.post("/me/notifications/mock").json()) == shapes["MockNotificationsOutput"]
