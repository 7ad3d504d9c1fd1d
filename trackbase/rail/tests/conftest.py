from datetime import timedelta

import pytest

from trackbase.core.testing import NOW
from trackbase.rail.tests.factories import TrainFactory


@pytest.fixture
def train(db):
    """Tomorrow's 12951 NDLS -> BCT with 10 free seats."""
    return TrainFactory(train_number="12951", name="Mumbai Rajdhani", total_seats=10)


@pytest.fixture
def departed_train(db):
    return TrainFactory(
        train_number="12009", departure_time=NOW - timedelta(hours=1), arrival_time=NOW + timedelta(hours=5)
    )


@pytest.fixture(autouse=True)
def _frozen(frozen_clock):
    """Before the persona fixtures issue their tokens."""
    return frozen_clock
