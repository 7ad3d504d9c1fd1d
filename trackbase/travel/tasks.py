"""Background work: CSV imports, the daily Schengen alert sweep and purge (tasks take ids, call services)."""

from django_tasks import task

from trackbase.travel import alerts, services
from trackbase.travel.imports import service as imports
from trackbase.travel.models import TravelSegment


@task()
def schengen_alerts_daily() -> int:
    """Re-check every traveller's Schengen count (the window moves every day); returns users checked."""
    user_ids = TravelSegment.objects.order_by().values_list("user_id", flat=True).distinct()
    checked = 0
    for user_id in user_ids.iterator():
        alerts.schengen_alerts_check(user_id=user_id)
        checked += 1
    return checked


@task()
def travel_purge() -> dict:
    """Delete expired sync tombstones and old finished import jobs (declared daily in config/schedule.py)."""
    return {
        "tombstones": services.segment_tombstone_purge_expired(),
        "import_jobs": imports.import_job_purge_finished(),
    }


@task()
def import_csv(job_id: str) -> None:
    imports.import_job_run(job_id=job_id)
