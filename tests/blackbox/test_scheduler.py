"""`make run` starts the scheduler: soon after start every declared job has run, as /ready/ shows."""

import time


def test_the_served_process_runs_every_periodic_job(api):
    deadline = time.monotonic() + 30
    while True:
        jobs = api.get("/ready/").json()["scheduler"]["jobs"]
        if all(job["last_tick"] for job in jobs.values()) or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert {"push_outbox_sweep", "idempotency_key_purge"} <= set(jobs)
    assert [name for name, job in jobs.items() if job["last_tick"] is None] == []
    assert not any(job["late"] for job in jobs.values()), jobs
