"""Row shapes render what their serializer renders; prepared queries run the ORM's SQL with new values."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from rest_framework import serializers

from trackbase.core.renderers import dumps
from trackbase.core.shapes import PreparedQuery, PreparedRows, RowShape


class PlaceOutput(serializers.Serializer):
    code = serializers.CharField()
    opened_at = serializers.DateTimeField(allow_null=True)


class PriceOutput(serializers.Serializer):
    id = serializers.IntegerField()
    amount = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)
    note = serializers.CharField(source="remark", allow_null=True)
    paid = serializers.BooleanField()
    place = PlaceOutput()
    seen_at = serializers.DateTimeField(allow_null=True)


PRICE_ROW = RowShape(PriceOutput)
MOMENT = datetime(2026, 3, 1, 9, 30, 5, 120_000, tzinfo=UTC)


def test_it_reads_the_declared_columns_in_row_order():
    assert PRICE_ROW.lookups == ["id", "amount", "remark", "paid", "place__code", "place__opened_at", "seen_at"]


@pytest.mark.parametrize(
    "price",
    [
        {"id": 1, "amount": Decimal("12.5"), "remark": "x", "paid": True, "seen_at": MOMENT},
        {"id": 2, "amount": None, "remark": None, "paid": False, "seen_at": MOMENT.replace(microsecond=0)},
        {"id": 3, "amount": Decimal("-0.10"), "remark": "", "paid": True, "seen_at": None},
    ],
)
@pytest.mark.parametrize("place", [{"code": "DEL", "opened_at": MOMENT}, {"code": "BOM", "opened_at": None}])
def test_a_row_renders_byte_for_byte_as_the_serializer(price, place):
    instance = price | {"place": place}
    row = [price.get(lookup, place.get(lookup.removeprefix("place__"))) for lookup in PRICE_ROW.lookups]

    assert dumps(PRICE_ROW.render(row)) == dumps(PriceOutput(instance).data)


def test_a_nullable_nested_object_is_refused():
    class Loose(serializers.Serializer):
        place = PlaceOutput(allow_null=True)

    with pytest.raises(TypeError, match="place"):
        RowShape(Loose).lookups  # noqa: B018


class UserOutput(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    last_login = serializers.DateTimeField(allow_null=True)


def _users_named(first_name: str, last_name: str):
    return get_user_model().objects.filter(first_name=first_name, last_name=last_name).order_by("username")


@pytest.mark.django_db
def test_a_prepared_query_runs_with_new_values_and_counts():
    for username, last_name in (("ann", "Lee"), ("anna", "Lee"), ("annie", "Lee"), ("bob", "Kim")):
        get_user_model().objects.create_user(
            username=username, password="x", first_name="A", last_name=last_name, last_login=MOMENT
        )
    query = PreparedQuery(_users_named, "sample first", "sample last", shape=RowShape(UserOutput))

    rows = PreparedRows(query, "A", "Lee")

    assert [row["username"] for row in rows[1:3]] == ["anna", "annie"]
    assert rows[0:1][0]["last_login"] == MOMENT
    assert rows.count() == 3
    assert PreparedRows(query, "A", "Kim").count() == 1
    assert PreparedRows(query, "Lee", "A").count() == 0


@pytest.mark.django_db
def test_a_build_that_drops_an_argument_is_refused():
    query = PreparedQuery(
        lambda first, last: _users_named(first, "Lee"), "sample first", "sample last", shape=RowShape(UserOutput)
    )

    with pytest.raises(ValueError, match="once"):
        query.count("A", "Lee")
