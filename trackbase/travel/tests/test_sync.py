"""Sync paging (`?updated_since=`) across segments and tombstones, and the retention horizon."""

from datetime import timedelta

import pytest
from django.utils import timezone

from trackbase.core.testing import assert_problem, travel
from trackbase.travel import services
from trackbase.travel.tests.helpers import SEGMENTS, segment

pytestmark = pytest.mark.django_db


def changes(client, since: str, *, limit: int) -> list[dict]:
    items, offset = [], 0
    while True:
        page = client.get(SEGMENTS, {"updated_since": since, "limit": limit, "offset": offset}).json()
        items += page["results"]
        offset += limit
        if offset >= page["total"]:
            return items


def test_paging_through_changes_sees_each_change_once_oldest_first(owner, owner_client, time_machine):
    since = timezone.now().isoformat()
    made = []
    for n in range(7):
        travel(time_machine, minutes=1)
        made.append(segment(owner, "US", "DE", f"2031-01-{n + 1:02d}"))
        if n % 3 == 2:
            travel(time_machine, minutes=1)
            services.segment_delete(user=owner, segment_id=made[n - 1].pk)
    travel(time_machine, minutes=1)
    services.segment_update(user=owner, segment_id=made[0].pk, notes="edited")
    whole = owner_client.get(SEGMENTS, {"updated_since": since, "limit": 100}).json()
    assert whole["total"] == 7 - 2 + 2  # five segments left, two tombstones
    expected = [(made[2].pk, False), (made[1].pk, True), (made[3].pk, False), (made[5].pk, False)]
    expected += [(made[4].pk, True), (made[6].pk, False), (made[0].pk, False)]
    assert [(item["id"], item.get("deleted", False)) for item in whole["results"]] == expected
    assert whole["results"][-1]["notes"] == "edited"
    for limit in (1, 2, 3):
        assert changes(owner_client, since, limit=limit) == whole["results"]


def test_a_device_behind_the_tombstone_retention_must_read_everything_again(owner, owner_client, settings):
    settings.TRAVEL_TOMBSTONE_RETENTION_DAYS = 30
    segment(owner, "US", "DE", "2031-01-01")
    too_old = (timezone.now() - timedelta(days=30, seconds=1)).isoformat()
    assert_problem(owner_client.get(SEGMENTS, {"updated_since": too_old}), 410, "SYNC_WINDOW_EXPIRED")
    just_in = (timezone.now() - timedelta(days=30) + timedelta(seconds=1)).isoformat()
    assert owner_client.get(SEGMENTS, {"updated_since": just_in}).json()["total"] == 1
    assert owner_client.get(SEGMENTS).json()["total"] == 1  # the full read that starts over
