"""Limit/offset pagination: `{total, limit, offset, results}`, bounded, and strict about bad values."""

import pytest
from django.http import QueryDict
from rest_framework.exceptions import ValidationError

from trackbase.core.pagination import parse_bounded_int
from trackbase.core.testing import assert_problem

pytestmark = pytest.mark.urls("trackbase.core.tests.urls")


@pytest.fixture
def three_users(django_user_model):
    return [django_user_model.objects.create_user(username=f"rider{n}", password="x") for n in range(3)]


@pytest.mark.django_db
def test_it_pages_with_defaults(api, three_users):
    body = api.get("/api/users/").json()
    assert list(body) == ["total", "limit", "offset", "results"]
    assert (body["total"], body["limit"], body["offset"]) == (3, 20, 0)
    assert [row["username"] for row in body["results"]] == ["rider0", "rider1", "rider2"]


@pytest.mark.django_db
def test_it_honours_limit_and_offset(api, three_users):
    body = api.get("/api/users/", {"limit": 1, "offset": 1}).json()
    assert (body["total"], body["limit"], body["offset"]) == (3, 1, 1)
    assert [row["username"] for row in body["results"]] == ["rider1"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("param", "value"),
    [("limit", "abc"), ("limit", "-1"), ("limit", "0"), ("limit", "100000"), ("limit", "1.5"), ("offset", "-5")],
)
def test_it_rejects_bad_values(api, param, value):
    body = assert_problem(api.get("/api/users/", {param: value}), 400, "VALIDATION_ERROR")
    assert list(body["errors"]) == [param]


@pytest.mark.parametrize("raw", [" 7", "1_0", "٣", "+3", "9" * 40])
def test_it_accepts_only_plain_digits(raw):
    with pytest.raises(ValidationError):
        parse_bounded_int(QueryDict(f"n={raw}"), "n", default=1, minimum=0, maximum=10**30)


def test_it_uses_the_default_for_an_empty_value():
    assert parse_bounded_int(QueryDict("n="), "n", default=4, minimum=0, maximum=9) == 4
