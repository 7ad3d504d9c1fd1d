"""Periodic jobs: declared once in `config/schedule.py`, each enqueued once per tick whatever the process count."""

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class PeriodicJob:
    """Enqueue the django-tasks task at dotted path `task` (no arguments) every `every`."""

    name: str
    task: str
    every: timedelta
