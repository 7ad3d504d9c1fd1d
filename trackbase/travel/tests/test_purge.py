"""The daily travel purge: expired sync tombstones and finished import jobs go, everything else stays."""

from datetime import timedelta

import pytest
from django.utils import timezone

from trackbase.core.scheduler import declared_jobs
from trackbase.travel import services, tasks
from trackbase.travel.models import ImportJob, ImportStatus, SegmentTombstone
from trackbase.travel.tests.helpers import segment

pytestmark = pytest.mark.django_db


def delete_segment_at(user, when, time_machine):
    time_machine.move_to(when)
    services.segment_delete(user=user, segment_id=segment(user, "US", "DE", "2031-01-01").pk)


def finished_job(user, status: str, days_ago: int) -> ImportJob:
    job = ImportJob.objects.create(user=user, status=status)
    ImportJob.objects.filter(pk=job.pk).update(updated_at=timezone.now() - timedelta(days=days_ago))
    return job


def test_it_purges_tombstones_past_the_retention_and_old_finished_imports(owner, settings, time_machine):
    settings.TRAVEL_TOMBSTONE_RETENTION_DAYS = 90
    now = timezone.now()
    delete_segment_at(owner, now - timedelta(days=91), time_machine)
    delete_segment_at(owner, now - timedelta(days=89), time_machine)
    time_machine.move_to(now)
    old_success = finished_job(owner, ImportStatus.SUCCESS, days_ago=8)
    old_failure = finished_job(owner, ImportStatus.FAILURE, days_ago=8)
    recent = finished_job(owner, ImportStatus.SUCCESS, days_ago=6)
    stuck = finished_job(owner, ImportStatus.PENDING, days_ago=30)
    assert tasks.travel_purge.call() == {"tombstones": 1, "import_jobs": 2}
    kept = SegmentTombstone.objects.get(user=owner)
    assert kept.deleted_at > now - timedelta(days=90)
    remaining = set(ImportJob.objects.values_list("pk", flat=True))
    assert remaining == {recent.pk, stuck.pk} and not {old_success.pk, old_failure.pk} & remaining


def test_the_purge_is_a_declared_daily_job():
    job = next(job for job in declared_jobs() if job.task == "trackbase.travel.tasks.travel_purge")
    assert job.every == timedelta(days=1)
