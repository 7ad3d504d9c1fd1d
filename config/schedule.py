"""Every periodic job of the project, in one place (runner: trackbase/core/scheduler.py)."""

from datetime import timedelta

from trackbase.core.scheduler import PeriodicJob

JOBS: list[PeriodicJob] = [
    # Each group's reminder hour is local (Sunday 18:00 in its time zone); an hourly tick meets every zone.
    PeriodicJob(
        name="wellness-weekly-reminders",
        task="trackbase.wellness.tasks.send_weekly_reminders",
        every=timedelta(hours=1),
    ),
]
