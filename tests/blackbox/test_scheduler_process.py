"""Production's scheduler: two `manage.py scheduler` processes beside gunicorn enqueue each job once per tick,
show their runs in /ready/, and stop cleanly on SIGTERM (the fixture fails the test if they do not)."""

import json
import time

import httpx
import pytest

from tests.blackbox.server import _spawn, manage, run_gunicorn

pytestmark = pytest.mark.blackbox

COUNT_RUNS = """
import json
from django_tasks_db.models import DBTaskResult
from trackbase.core.models import PeriodicJobRun
from trackbase.core.scheduler import declared_jobs
print(json.dumps({job.name: [
    PeriodicJobRun.objects.filter(name=job.name).count(),
    DBTaskResult.objects.filter(task_path=job.task).count(),
] for job in declared_jobs()}))
"""


def test_two_scheduler_processes_enqueue_each_tick_once(tmp_path, throttle_scopes):
    with run_gunicorn(tmp_path, throttle_scopes=throttle_scopes, workers=1, threads=2) as server:
        for name in ("scheduler-1", "scheduler-2"):
            server.children.append(_spawn(name, ["scheduler"], server.env, tmp_path))
        deadline = time.monotonic() + 60
        while True:
            jobs = httpx.get(f"{server.url}/ready/", timeout=10).json()["scheduler"]["jobs"]
            if all(job["last_tick"] for job in jobs.values()) or time.monotonic() > deadline:
                break
            time.sleep(0.3)
        assert all(job["last_tick"] for job in jobs.values()), (jobs, server.output())
        time.sleep(1)  # both processes have had their first pass

        counts = json.loads(manage(server.env, "shell", "-c", COUNT_RUNS).strip().splitlines()[-1])
        for name, (runs, enqueued) in counts.items():
            assert 1 <= runs <= 2, (name, runs)  # 2 only when a minute boundary passed meanwhile
            if server.env["TASK_BACKEND"] == "database":
                assert enqueued == runs, (name, runs, enqueued)
