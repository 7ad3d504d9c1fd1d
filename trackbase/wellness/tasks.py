from django.utils import timezone
from django_tasks import task

from trackbase.wellness.services.reminders import reminders_send


@task()
def send_weekly_reminders() -> int:
    """Hourly: remind members of the groups whose reminder hour it is (declared in config/schedule.py)."""
    return reminders_send(now=timezone.now())
