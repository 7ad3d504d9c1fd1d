"""GET /api/trains/search/?source=&destination=&limit=&offset="""

from datetime import timedelta

import pytest

from trackbase.core.testing import assert_problem, field_errors
from trackbase.rail.selectors import TRAIN_OUTPUT_FIELDS
from trackbase.rail.tests.factories import TrainFactory
from trackbase.rail.tests.helpers import DEPARTURE

pytestmark = pytest.mark.django_db

SEARCH = "/api/trains/search/"
ROUTE = {"source": "NDLS", "destination": "BCT"}


def departing(hours: int, **fields):
    departure = DEPARTURE + timedelta(hours=hours)
    return TrainFactory(departure_time=departure, arrival_time=departure + timedelta(hours=16), **fields)


def numbers(response) -> list[str]:
    return [item["train_number"] for item in response.json()["results"]]


def test_it_finds_the_trains_of_a_route_by_departure_then_id(owner_client):
    third, first = departing(5, train_number="12953"), departing(1, train_number="12951")
    tie = departing(5, train_number="12901")
    departing(2, train_number="12952", source="BCT", destination="NDLS")
    departing(3, train_number="12301", destination="HWH")

    response = owner_client.get(SEARCH, ROUTE)

    assert response.status_code == 200
    body = response.json()
    assert (body["total"], body["limit"], body["offset"]) == (3, 10, 0)
    assert numbers(response) == [first.train_number, third.train_number, tie.train_number]
    assert set(body["results"][0]) == set(TRAIN_OUTPUT_FIELDS)


@pytest.mark.parametrize(("source", "destination"), [("ndls", "bct"), (" Ndls ", "BCT "), ("NDLS", "bct")])
def test_it_matches_stations_case_and_space_insensitively(outsider_client, train, source, destination):
    response = outsider_client.get(SEARCH, {"source": source, "destination": destination})

    assert numbers(response) == ["12951"]


def test_it_finds_nothing_on_an_unknown_route(owner_client, train):
    response = owner_client.get(SEARCH, {"source": "NDLS", "destination": "MAS"})

    assert response.json() == {"total": 0, "limit": 10, "offset": 0, "results": []}


@pytest.fixture
def busy_route(db):
    return [departing(hour, train_number=f"{13000 + hour}") for hour in range(12)]


def test_it_pages_ten_results_by_default(owner_client, busy_route):
    first = owner_client.get(SEARCH, ROUTE).json()
    rest = owner_client.get(SEARCH, ROUTE | {"offset": 10}).json()

    assert (first["total"], len(first["results"])) == (12, 10)
    assert (rest["total"], rest["offset"], len(rest["results"])) == (12, 10, 2)
    assert [t["id"] for t in first["results"] + rest["results"]] == [t.pk for t in busy_route]


@pytest.mark.parametrize(("limit", "count"), [("1", 1), ("50", 12)])
def test_it_takes_a_limit_up_to_fifty(owner_client, busy_route, limit, count):
    body = owner_client.get(SEARCH, ROUTE | {"limit": limit}).json()

    assert (body["limit"], len(body["results"])) == (int(limit), count)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"destination": "BCT"}, "source"),
        ({"source": "NDLS"}, "destination"),
        ({}, "destination"),
        ({"source": "", "destination": "BCT"}, "source"),
        ({"source": "N" * 65, "destination": "BCT"}, "source"),
        (ROUTE | {"limit": "51"}, "limit"),
        (ROUTE | {"limit": "0"}, "limit"),
        (ROUTE | {"limit": "-1"}, "limit"),
        (ROUTE | {"limit": "ten"}, "limit"),
        (ROUTE | {"limit": "99999999999999999999999"}, "limit"),
        (ROUTE | {"offset": "-1"}, "offset"),
        (ROUTE | {"offset": "2.5"}, "offset"),
        (ROUTE | {"offset": "0x10"}, "offset"),
    ],
)
def test_it_rejects_a_bad_search(owner_client, train, params, field):
    field_errors(owner_client.get(SEARCH, params), field)


def test_it_searches_only_for_signed_in_users(anon_client, train):
    assert_problem(anon_client.get(SEARCH, ROUTE), 401, "NOT_AUTHENTICATED")
