"""Parallel registrations of one push token end with one device (PostgreSQL and MariaDB: the in-memory SQLite
test database cannot serve parallel writers)."""

import threading

import pytest
from django.db import connection

from trackbase.accounts.devices import services as device_services
from trackbase.accounts.devices.models import Device
from trackbase.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

TOKEN = "c4" * 32


def test_parallel_registrations_of_one_token_leave_one_device():
    if connection.vendor == "sqlite":
        pytest.skip("needs a database server")
    users = [UserFactory() for _ in range(6)]
    barrier, errors = threading.Barrier(len(users)), []

    def register(user):
        try:
            barrier.wait(timeout=10)
            device_services.device_register(user=user, platform="ios", token=TOKEN)
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=register, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert errors == []
    [device] = Device.objects.all()
    assert device.user in users and device.is_active
