from django_tasks import task

from trackbase.analytics import services


@task()
def request_log_purge() -> int:
    """Daily (config/schedule.py): delete request-log entries past their retention."""
    return services.request_log_purge()
