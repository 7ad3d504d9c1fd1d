"""Rail services raise the project's domain errors, never DRF's: tasks, commands and every API layer can call them."""

from datetime import timedelta

import pytest
from rest_framework.exceptions import APIException

from trackbase.core.errors import ValidationFailed
from trackbase.rail import services
from trackbase.rail.tests.helpers import ARRIVAL, DEPARTURE

pytestmark = pytest.mark.django_db

TIMETABLE = {"name": "Mumbai Rajdhani", "source": "NDLS", "destination": "BCT", "total_seats": 10}


def test_it_refuses_a_train_arriving_before_it_departs_with_a_domain_error():
    with pytest.raises(ValidationFailed) as refused:
        services.train_upsert(
            train_number="12951", departure_time=DEPARTURE, arrival_time=DEPARTURE - timedelta(hours=1), **TIMETABLE
        )

    assert not isinstance(refused.value, APIException)
    assert list(refused.value.errors) == ["arrival_time"]


def test_it_refuses_more_free_seats_than_the_train_has_with_a_domain_error():
    with pytest.raises(ValidationFailed) as refused:
        services.train_upsert(
            train_number="12951", departure_time=DEPARTURE, arrival_time=ARRIVAL, available_seats=11, **TIMETABLE
        )

    assert refused.value.errors == {"available_seats": ["Must be between 0 and total_seats (10)."]}


@pytest.mark.parametrize(("event", "field"), [({"type": "DELAY"}, "delay_minutes"), ({"type": "X"}, "type")])
def test_it_refuses_an_event_missing_its_detail_with_a_domain_error(train, event, field):
    with pytest.raises(ValidationFailed) as refused:
        services.train_event_record(train_number="12951", **event)

    assert list(refused.value.errors) == [field]
