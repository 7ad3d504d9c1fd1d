"""Where the production shape's latency goes: the RQ jobs' own timestamps for each measured write."""

from datetime import datetime


def job_times(redis_url: str) -> dict[int, tuple[datetime, datetime]]:
    """event id -> (started_at, ended_at) of its finished notify job (UTC, as RQ stamps them)."""
    import redis
    from rq.job import Job
    from rq.registry import FinishedJobRegistry

    connection = redis.Redis.from_url(redis_url)
    try:
        ids = FinishedJobRegistry("default", connection=connection).get_job_ids()
        times = {}
        for job in Job.fetch_many(ids, connection=connection):
            event_id = (job.kwargs or {}).get("event_id") if job else None
            if event_id is not None and job.started_at and job.ended_at:
                times[event_id] = (job.started_at, job.ended_at)
        return times
    finally:
        connection.close()


def breakdown(redis_url: str, sends: dict[int, datetime]) -> dict[int, tuple[float, float]]:
    """Per measured write's event id: (ms from sending the request to its job starting, ms the job ran)."""
    times = job_times(redis_url)
    return {
        event_id: (
            (times[event_id][0] - sent).total_seconds() * 1000,
            (times[event_id][1] - times[event_id][0]).total_seconds() * 1000,
        )
        for event_id, sent in sends.items()
        if event_id in times
    }
