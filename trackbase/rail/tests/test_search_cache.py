"""Search pages are cached for a few seconds; booking never trusts them. Totals without a COUNT query."""

import time
from datetime import timedelta

import pytest

from trackbase.core.testing import assert_problem
from trackbase.rail.models import Train
from trackbase.rail.tests.helpers import book
from trackbase.rail.tests.test_search_api import ROUTE, SEARCH, departing

pytestmark = pytest.mark.django_db


def seats_in_search(client) -> list[int]:
    return [item["available_seats"] for item in client.get(SEARCH, ROUTE).json()["results"]]


def test_it_serves_a_repeated_search_from_the_cache_for_a_few_seconds(owner_client, train, settings, time_machine):
    # Both clocks move: the local-memory cache reads Python's (frozen by the fixtures), Redis its own.
    settings.RAIL_SEARCH_CACHE_SECONDS = 1
    assert seats_in_search(owner_client) == [10]
    Train.objects.filter(pk=train.pk).update(available_seats=4)

    assert seats_in_search(owner_client) == [10]
    time.sleep(1.2)
    time_machine.shift(timedelta(seconds=1.2))
    assert seats_in_search(owner_client) == [4]


def test_it_searches_afresh_with_the_cache_turned_off(owner_client, train, settings):
    settings.RAIL_SEARCH_CACHE_SECONDS = 0
    assert seats_in_search(owner_client) == [10]
    Train.objects.filter(pk=train.pk).update(available_seats=4)

    assert seats_in_search(owner_client) == [4]


def test_it_books_against_the_train_row_not_a_cached_search(owner_client, outsider, train):
    assert seats_in_search(owner_client) == [10]
    book(outsider, train, 6)
    book(outsider, train, 4)

    assert seats_in_search(owner_client) == [10]  # stale, within the cache's few seconds
    response = owner_client.post("/api/bookings/", {"train_id": train.pk, "seats": 1}, format="json")
    assert_problem(response, 409, "NOT_ENOUGH_SEATS")


@pytest.mark.parametrize(("offset", "total", "count"), [(0, 12, 10), (10, 12, 2), (12, 12, 0), (40, 12, 0)])
def test_it_tells_the_total_on_every_page(owner_client, offset, total, count, settings):
    settings.RAIL_SEARCH_CACHE_SECONDS = 0
    for hour in range(12):
        departing(hour, train_number=f"{13000 + hour}")

    body = owner_client.get(SEARCH, ROUTE | {"offset": offset}).json()

    assert (body["total"], body["offset"], len(body["results"])) == (total, offset, count)


@pytest.mark.parametrize(("query", "total", "count"), [("", 3, 3), ("limit=2", 3, 2), ("offset=5", 3, 0)])
def test_it_tells_the_total_of_the_callers_bookings_on_every_page(owner, owner_client, train, query, total, count):
    for _ in range(3):
        book(owner, train)

    body = owner_client.get(f"/api/bookings/my/?{query}").json()

    assert (body["total"], len(body["results"])) == (total, count)
