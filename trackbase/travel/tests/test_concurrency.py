"""Parallel writers with the same If-Match: exactly one wins, the others get 412 (no lost update).
PostgreSQL and MariaDB only: the in-memory SQLite test database cannot serve parallel writers."""

import threading

import pytest
from django.db import connection

from trackbase.core.errors import DomainError
from trackbase.travel import services
from trackbase.travel.models import TravelSegment
from trackbase.travel.tests.helpers import segment

pytestmark = pytest.mark.django_db(transaction=True)
WORKERS = 6


@pytest.fixture(autouse=True)
def _server_database():
    if connection.vendor == "sqlite":
        pytest.skip("needs a database server: in-memory SQLite cannot serve parallel writers")


def in_parallel(work) -> list:
    barrier, results = threading.Barrier(WORKERS), []

    def run(number):
        try:
            barrier.wait(timeout=10)
            results.append(work(number))
        except DomainError as exc:
            results.append(exc.status)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


def test_only_one_of_several_writers_holding_the_same_etag_wins(owner):
    mine = segment(owner, "US", "DE", "2031-01-01")
    etag = mine.etag

    def write(number):
        services.segment_update(user=owner, segment_id=mine.pk, if_match=etag, notes=f"writer {number}")
        return 200

    results = in_parallel(write)
    assert sorted(results) == [200] + [412] * (WORKERS - 1)
    assert TravelSegment.objects.get(pk=mine.pk).version == 2


def test_writers_without_a_precondition_all_land_and_each_bumps_the_version(owner):
    mine = segment(owner, "US", "DE", "2031-01-01")
    results = in_parallel(lambda n: services.segment_update(user=owner, segment_id=mine.pk, notes=str(n)) and 200)
    assert results == [200] * WORKERS
    assert TravelSegment.objects.get(pk=mine.pk).version == 1 + WORKERS
