"""Schedulers racing for one tick, for real: threads with their own connections, and separate processes.
Exactly one enqueues. (On PostgreSQL and MariaDB; the in-memory SQLite test database is one shared connection.)"""

import json
import os
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connection, connections
from django_tasks_db.models import DBTaskResult

from trackbase.core import scheduler
from trackbase.core.models import PeriodicJobRun
from trackbase.core.scheduler import PeriodicJob, run_pending

RACERS = 6
PROBE = "trackbase.core.tests.tasks.tick_probe"
TICK = datetime(2026, 3, 10, 10, 0, tzinfo=UTC)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor == "sqlite", reason="needs a database server (PostgreSQL or MariaDB)"),
]


@pytest.fixture(autouse=True)
def database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def race_in_threads() -> list:
    job = PeriodicJob(name="race", task=PROBE, every=timedelta(hours=1))
    start = threading.Barrier(RACERS)
    outcomes, errors = [], []

    def race():
        try:
            connection.ensure_connection()
            start.wait()
            outcomes.append(run_pending(jobs=[job], now=TICK + timedelta(seconds=1)))
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=race) for _ in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return outcomes


def test_schedulers_in_threads_racing_for_one_tick_enqueue_once():
    outcomes = race_in_threads()

    assert sorted(len(outcome.enqueued) for outcome in outcomes) == [0] * (RACERS - 1) + [1]
    assert all(outcome.failed == [] for outcome in outcomes)
    assert DBTaskResult.objects.filter(task_path=PROBE).count() == 1
    assert PeriodicJobRun.objects.filter(name="race").count() == 1


def test_control_without_the_claim_every_racer_enqueues(monkeypatch):
    # The guard removed (enqueue with no claim): the counts above would see it.
    monkeypatch.setattr(
        scheduler, "job_claim_and_enqueue", lambda *, job, tick: bool(scheduler.import_string(job.task).enqueue())
    )
    race_in_threads()
    assert DBTaskResult.objects.filter(task_path=PROBE).count() == RACERS


def _child_database_url() -> str:
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path="/" + connection.settings_dict["NAME"]))


def test_scheduler_processes_racing_for_one_tick_enqueue_once(tmp_path):
    env = {key: value for key, value in os.environ.items() if key not in ("REDIS_URL", "ANALYTICS_DATABASE_URL")}
    env.update(DATABASE_URL=_child_database_url(), TASK_BACKEND="database", DATA_DIR=str(tmp_path / "data"))
    now = (TICK + timedelta(seconds=1)).isoformat()
    children = [
        subprocess.Popen(
            [sys.executable, "-m", "trackbase.core.tests.scheduler_racer", str(tmp_path), str(index), now],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for index in range(RACERS)
    ]
    try:
        deadline = time.monotonic() + 120
        while len(list(tmp_path.glob("ready-*"))) < RACERS:
            assert all(child.poll() is None for child in children), [child.communicate() for child in children]
            assert time.monotonic() < deadline, "the racers did not start"
            time.sleep(0.05)
        (tmp_path / "go").touch()
        results = [child.communicate(timeout=120) for child in children]
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()

    assert [child.returncode for child in children] == [0] * RACERS, results
    outcomes = [json.loads(out.strip().splitlines()[-1]) for out, _ in results]
    assert sorted(outcome["enqueued"] for outcome in outcomes) == [[]] * (RACERS - 1) + [["race"]], outcomes
    assert all(outcome["failed"] == [] for outcome in outcomes), results
    assert DBTaskResult.objects.filter(task_path=PROBE).count() == 1
    assert PeriodicJobRun.objects.filter(name="race").count() == 1
