"""The periodic scheduler: one enqueue per job and tick, catch-up after downtime, the declared schedule."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from trackbase.core import scheduler
from trackbase.core.checks import schedule_check
from trackbase.core.models import IdempotencyKey, PeriodicJobRun
from trackbase.core.scheduler import PeriodicJob, Scheduler, declared_jobs, job_status, run_pending

PROBE = "trackbase.core.tests.tasks.tick_probe"
HOURLY = PeriodicJob(name="probe-hourly", task=PROBE, every=timedelta(hours=1))
T0 = datetime(2026, 3, 10, 10, 0, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def database_tasks(settings):
    # The database backend, as `make run` uses: every enqueue is a row, so the tests count rows.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def enqueued(task_path: str = PROBE) -> int:
    return DBTaskResult.objects.filter(task_path=task_path).count()


# --- ticks --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("job", "now", "tick"),
    [
        (HOURLY, T0 + timedelta(minutes=37, seconds=5), T0),
        (HOURLY, T0, T0),
        (HOURLY, T0 - timedelta(microseconds=1), T0 - timedelta(hours=1)),
        (PeriodicJob(name="m", task=PROBE, every=timedelta(minutes=1)), T0 + timedelta(seconds=59.9), T0),
        (
            PeriodicJob(name="d", task=PROBE, every=timedelta(days=1), offset=timedelta(hours=3)),
            T0,
            datetime(2026, 3, 10, 3, 0, tzinfo=UTC),
        ),
        (
            PeriodicJob(name="d", task=PROBE, every=timedelta(days=1), offset=timedelta(hours=3)),
            datetime(2026, 3, 10, 2, 59, tzinfo=UTC),
            datetime(2026, 3, 9, 3, 0, tzinfo=UTC),
        ),
    ],
)
def test_ticks_are_aligned_to_the_epoch_plus_the_offset(job, now, tick):
    assert job.tick_at(now) == tick


@pytest.mark.parametrize(
    "kwargs",
    [
        {"every": timedelta(0)},
        {"every": timedelta(milliseconds=1500)},
        {"every": timedelta(hours=1), "offset": timedelta(hours=1)},
        {"every": timedelta(hours=1), "offset": timedelta(seconds=-1)},
        {"every": timedelta(hours=1), "name": ""},
    ],
)
def test_it_rejects_a_job_that_cannot_tick(kwargs):
    with pytest.raises(ValueError):
        PeriodicJob(**({"name": "x", "task": PROBE} | kwargs))


def test_a_job_is_a_frozen_value():
    with pytest.raises(AttributeError):
        HOURLY.every = timedelta(minutes=1)


# --- one enqueue per tick -------------------------------------------------------------------------------
@pytest.mark.django_db
def test_it_enqueues_a_job_once_per_tick():
    assert run_pending(jobs=[HOURLY], now=T0 + timedelta(minutes=1)).enqueued == ["probe-hourly"]
    assert run_pending(jobs=[HOURLY], now=T0 + timedelta(minutes=59)).enqueued == []
    assert enqueued() == 1

    assert run_pending(jobs=[HOURLY], now=T0 + timedelta(hours=1)).enqueued == ["probe-hourly"]
    assert enqueued() == 2
    run = PeriodicJobRun.objects.get(name="probe-hourly", tick=T0 + timedelta(hours=1))
    assert DBTaskResult.objects.filter(id=run.task_result_id).exists()


@pytest.mark.django_db
def test_a_second_scheduler_finds_the_tick_claimed():
    # Another process got there first: the unique (name, tick) claim refuses this one, even past the pre-check.
    PeriodicJobRun.objects.create(name=HOURLY.name, tick=T0)
    assert scheduler.job_claim_and_enqueue(job=HOURLY, tick=T0) is False
    assert enqueued() == 0


@pytest.mark.django_db
def test_after_downtime_a_job_runs_once_not_once_per_missed_tick():
    run_pending(jobs=[HOURLY], now=T0)
    # Down from 10:00 to 15:30: five hourly ticks were missed; only the current one (15:00) runs.
    outcome = run_pending(jobs=[HOURLY], now=T0 + timedelta(hours=5, minutes=30))
    assert outcome.enqueued == ["probe-hourly"]
    assert enqueued() == 2
    assert list(PeriodicJobRun.objects.values_list("tick", flat=True)) == [T0 + timedelta(hours=5), T0]


@pytest.mark.django_db
def test_a_failed_enqueue_releases_the_tick_for_a_retry():
    broken = PeriodicJob(name="broken", task="trackbase.core.tests.tasks.missing", every=timedelta(hours=1))

    outcome = run_pending(jobs=[broken, HOURLY], now=T0)

    # The broken job does not stop the other one, and leaves no claim behind (it will be retried).
    assert outcome.enqueued == ["probe-hourly"]
    assert outcome.failed == ["broken"]
    assert not PeriodicJobRun.objects.filter(name="broken").exists()


@pytest.mark.django_db(transaction=True)  # a pass closes its connections, as a long-lived process must
def test_a_pass_after_a_failure_retries_soon_and_otherwise_sleeps_until_the_next_tick():
    now = T0 + timedelta(minutes=59, seconds=50)
    healthy = Scheduler([HOURLY], clock=lambda: now)
    assert healthy.run_once() == pytest.approx(10.05)

    broken = Scheduler([PeriodicJob(name="x", task="no.such.task", every=timedelta(hours=1))], clock=lambda: now)
    assert broken.run_once() == scheduler.RETRY_SECONDS


@pytest.mark.django_db
def test_it_forgets_runs_older_than_a_week():
    minutely = PeriodicJob(name="probe-minutely", task=PROBE, every=timedelta(minutes=1))
    run_pending(jobs=[minutely], now=T0)
    run_pending(jobs=[minutely], now=T0 + timedelta(days=7, minutes=1))
    assert list(PeriodicJobRun.objects.values_list("tick", flat=True)) == [T0 + timedelta(days=7, minutes=1)]


# --- the declared schedule ------------------------------------------------------------------------------
def test_every_declared_job_names_a_task_that_takes_no_arguments():
    jobs = declared_jobs()
    assert {"push_outbox_sweep", "idempotency_key_purge"} <= {job.name for job in jobs}
    assert schedule_check(None) == []


@pytest.mark.django_db(databases=["default", "analytics"])  # a job may work on either store
@pytest.mark.parametrize("job", declared_jobs(), ids=lambda job: job.name)
def test_every_declared_job_runs_without_arguments(settings, job):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    result = scheduler.import_string(job.task).enqueue()
    assert result.status == "SUCCESSFUL", result.errors


@pytest.mark.parametrize(
    ("jobs", "message"),
    [
        ([HOURLY, HOURLY], "declared twice: probe-hourly"),
        ([PeriodicJob(name="x", task="trackbase.core.tests.tasks.not_a_task", every=timedelta(1))], "not a django"),
        ([PeriodicJob(name="x", task="trackbase.core.tests.tasks.missing", every=timedelta(1))], "missing"),
    ],
)
def test_the_system_check_refuses_a_schedule_that_cannot_run(monkeypatch, jobs, message):
    monkeypatch.setattr("config.schedule.JOBS", jobs)
    errors = schedule_check(None)
    assert [error.id for error in errors] == ["core.E001"]
    assert message in errors[0].msg


@pytest.mark.django_db
def test_the_hourly_purge_deletes_expired_idempotency_keys(settings, owner):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    from trackbase.core.tasks import idempotency_key_purge

    for key, age in (("old", settings.IDEMPOTENCY_KEY_TTL_HOURS + 1), ("fresh", 1)):
        record = IdempotencyKey.objects.create(user=owner, key=key, method="POST", path="/x", fingerprint="f")
        IdempotencyKey.objects.filter(pk=record.pk).update(created_at=timezone.now() - timedelta(hours=age))

    assert idempotency_key_purge.enqueue().return_value == 1
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["fresh"]


# --- the command, /ready/ and the admin ------------------------------------------------------------------
@pytest.mark.django_db
def test_the_scheduler_command_runs_one_pass(monkeypatch, capsys):
    monkeypatch.setattr("config.schedule.JOBS", [HOURLY])
    call_command("scheduler", "--once")
    call_command("scheduler", "--once")
    assert capsys.readouterr().out.splitlines() == ["enqueued: probe-hourly", "enqueued: none"]
    assert enqueued() == 1


@pytest.mark.django_db
def test_the_scheduler_command_fails_when_a_job_cannot_be_enqueued(monkeypatch):
    monkeypatch.setattr(scheduler, "job_claim_and_enqueue", lambda **kwargs: 1 / 0)
    with pytest.raises(CommandError, match="failed: push_outbox_sweep"):
        call_command("scheduler", "--once")


@pytest.mark.urls("config.urls")
@pytest.mark.django_db(databases=["default", "analytics"])
def test_ready_shows_each_jobs_last_run_and_whether_it_is_late(client, monkeypatch):
    minutely = PeriodicJob(name="probe-minutely", task=PROBE, every=timedelta(minutes=1))
    monkeypatch.setattr("config.schedule.JOBS", [HOURLY, minutely])
    with time_machine.travel(T0 + timedelta(minutes=30), tick=False):
        run_pending(jobs=[HOURLY, minutely])
    with time_machine.travel(T0 + timedelta(minutes=32, seconds=30), tick=False):
        body = client.get("/ready/").json()

    assert body["status"] == "ok"  # a late job is reported, not a reason to leave the load balancer
    assert body["scheduler"] == {
        "status": "late",
        "jobs": {
            "probe-hourly": {"every_seconds": 3600, "last_tick": T0.isoformat(), "late": False},
            "probe-minutely": {
                "every_seconds": 60,
                "last_tick": (T0 + timedelta(minutes=30)).isoformat(),
                "late": True,
            },
        },
    }


@pytest.mark.django_db
def test_job_status_says_never_run_jobs_are_late():
    assert job_status(jobs=[HOURLY], now=T0) == {
        "probe-hourly": {"every_seconds": 3600, "last_tick": None, "late": True}
    }


@pytest.mark.urls("config.urls")
@pytest.mark.django_db
def test_the_admin_lists_the_runs_read_only(client, admin_user):
    admin_user.is_superuser = True
    admin_user.save()
    client.force_login(admin_user)
    run_pending(jobs=[HOURLY], now=T0)

    changelist = client.get("/admin/core/periodicjobrun/")
    assert changelist.status_code == 200
    assert b"probe-hourly" in changelist.content
    assert client.get("/admin/core/periodicjobrun/add/").status_code == 403
