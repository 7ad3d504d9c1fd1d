"""Who may join the `cylinders:all` room (the gateway asks the checker this app registers)."""

import pytest

from trackbase.realtime import rooms

pytestmark = pytest.mark.django_db


def test_workers_and_admins_may_join_the_cylinders_room(worker, admin_user):
    assert rooms.can_join(worker.pk, "cylinders:all")
    assert rooms.can_join(admin_user.pk, "cylinders:all")


def test_users_and_strangers_may_not(outsider, worker):
    assert not rooms.can_join(outsider.pk, "cylinders:all")
    assert not rooms.can_join(987654321, "cylinders:all")
    assert not rooms.can_join(worker.pk, "cylinders:depot-2")
    assert not rooms.can_join(worker.pk, "cylinders")


def test_a_deactivated_worker_may_not(worker):
    worker.is_active = False
    worker.save()
    assert not rooms.can_join(worker.pk, "cylinders:all")
