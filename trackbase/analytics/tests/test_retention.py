"""Issue 7 item 7: request-log entries older than REQUEST_LOG_RETENTION_DAYS are purged by a daily task."""

from datetime import timedelta

import pytest
from django.utils import timezone

from trackbase.analytics import services, tasks
from trackbase.analytics.models import RequestLog

pytestmark = pytest.mark.django_db(databases=["default", "analytics"])


def entry(age: timedelta) -> RequestLog:
    return RequestLog.objects.create(
        route="api/trains/", method="GET", status_code=200, duration_ms=1.0, timestamp=timezone.now() - age
    )


def test_it_purges_entries_older_than_the_retention(settings):
    settings.REQUEST_LOG_RETENTION_DAYS = 30
    old, edge_of_window, recent = entry(timedelta(days=31)), entry(timedelta(days=29, hours=23)), entry(timedelta())

    assert services.request_log_purge() == 1

    assert set(RequestLog.objects.values_list("pk", flat=True)) == {edge_of_window.pk, recent.pk}
    assert not RequestLog.objects.filter(pk=old.pk).exists()


def test_it_purges_in_batches(settings, monkeypatch):
    settings.REQUEST_LOG_RETENTION_DAYS = 1
    monkeypatch.setattr(services, "PURGE_BATCH_SIZE", 2)
    for _ in range(5):
        entry(timedelta(days=2))
    kept = entry(timedelta())

    assert services.request_log_purge() == 5
    assert list(RequestLog.objects.values_list("pk", flat=True)) == [kept.pk]


def test_a_retention_of_zero_keeps_everything(settings):
    settings.REQUEST_LOG_RETENTION_DAYS = 0
    entry(timedelta(days=3650))

    assert services.request_log_purge() == 0
    assert RequestLog.objects.count() == 1


def test_the_task_runs_the_purge(settings):
    settings.REQUEST_LOG_RETENTION_DAYS = 7
    entry(timedelta(days=8))

    result = tasks.request_log_purge.enqueue()

    assert result.return_value == 1
    assert RequestLog.objects.count() == 0
