from django_tasks import task

from trackbase.core.idempotency import idempotency_key_purge_expired


@task()
def idempotency_key_purge() -> int:
    """Delete Idempotency-Key records past IDEMPOTENCY_KEY_TTL_HOURS (declared hourly in config/schedule.py)."""
    return idempotency_key_purge_expired()
