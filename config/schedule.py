"""Every periodic job of the project, in one place (runner: trackbase/core/scheduler.py)."""

from datetime import timedelta

from trackbase.core.scheduler import PeriodicJob

JOBS: list[PeriodicJob] = [
    PeriodicJob(
        name="travel-schengen-alerts", task="trackbase.travel.tasks.schengen_alerts_daily", every=timedelta(days=1)
    ),
]
