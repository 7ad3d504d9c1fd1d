"""Every periodic job of the project, in one place (runner: trackbase/core/scheduler.py)."""

from trackbase.core.scheduler import PeriodicJob

JOBS: list[PeriodicJob] = []
