"""Every periodic job, in one place. The scheduler (trackbase/core/scheduler.py) enqueues each task, with no
arguments, once per tick however many scheduler processes run: `make run` starts one in-process, production
runs `manage.py scheduler`. Ticks are aligned to the epoch in UTC (an hourly job runs at hh:00, plus `offset`).

Add a job: write a django-tasks `@task()` taking no arguments in `trackbase/<app>/tasks.py`, test it, and append
`PeriodicJob(name="<unique name>", task="trackbase.<app>.tasks.<task>", every=timedelta(...))` below.
"""

from datetime import timedelta

from trackbase.core.scheduler import PeriodicJob

JOBS: list[PeriodicJob] = [
    # Enqueue push messages that are due (retries, lost enqueues) and take back those a dead worker claimed.
    PeriodicJob(
        name="push_outbox_sweep", task="trackbase.notifications.tasks.push_outbox_sweep", every=timedelta(minutes=1)
    ),
    # Forget Idempotency-Key records older than IDEMPOTENCY_KEY_TTL_HOURS.
    PeriodicJob(
        name="idempotency_key_purge", task="trackbase.core.tasks.idempotency_key_purge", every=timedelta(hours=1)
    ),
    # Delete request-log entries older than REQUEST_LOG_RETENTION_DAYS (03:00 UTC, a quiet hour).
    PeriodicJob(
        name="request_log_purge",
        task="trackbase.analytics.tasks.request_log_purge",
        every=timedelta(days=1),
        offset=timedelta(hours=3),
    ),
    # Each group's reminder hour is local (Sunday 18:00 in its time zone); an hourly tick meets every zone.
    PeriodicJob(
        name="wellness_weekly_reminders",
        task="trackbase.wellness.tasks.send_weekly_reminders",
        every=timedelta(hours=1),
    ),
    # Schengen thresholds for everyone (changes alert at once; this catches days passing without a change).
    PeriodicJob(
        name="travel_schengen_alerts", task="trackbase.travel.tasks.schengen_alerts_daily", every=timedelta(days=1)
    ),
    # Delete sync tombstones past TRAVEL_TOMBSTONE_RETENTION_DAYS and import jobs that ended more than
    # TRAVEL_IMPORT_JOB_RETENTION_DAYS ago (03:30 UTC, a quiet hour).
    PeriodicJob(
        name="travel_purge",
        task="trackbase.travel.tasks.travel_purge",
        every=timedelta(days=1),
        offset=timedelta(hours=3, minutes=30),
    ),
]
