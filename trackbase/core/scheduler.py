"""Periodic jobs: declared once in `config/schedule.py`, each enqueued once per tick whatever the process count.

Time is cut into ticks aligned to the Unix epoch (plus the job's `offset`): a job with `every=1 hour` has
one tick per hour, at hh:00. Every scheduler process (the thread `make run` starts, or the
`manage.py scheduler` processes of a deployment) wakes at each tick and tries to claim it with an INSERT
into `PeriodicJobRun`, whose (name, tick) unique constraint lets exactly one of them succeed; the winner
enqueues the job's task in the same transaction. Running two schedulers for availability is safe.

After downtime a job runs once, for the current tick: the ticks it missed are not replayed one by one
(a sweep or a purge catches up on everything in one run anyway).

With the database task backend the claim and the queued task commit together. With RQ the task goes to
Redis inside the claim's transaction: if Redis refuses, the claim rolls back and the tick is retried a
few seconds later; only a commit that fails after Redis accepted could enqueue a tick twice.
"""

import logging
import os
import socket
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.db import IntegrityError, close_old_connections, connections, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger("trackbase.scheduler")

SCHEDULE_MODULE = "config.schedule"
# How long after a tick a scheduler that missed it (busy, restarting) still counts as on time in /ready/.
LATE_AFTER = timedelta(seconds=60)
# A failed claim or enqueue (database or Redis down) is retried this soon rather than at the next tick.
RETRY_SECONDS = 5.0
# The loop never sleeps longer than this, so a clock jump or a stop request is noticed in time.
MAX_SLEEP_SECONDS = 30.0
# Runs older than this (and older than a few ticks) are deleted by the scheduler that claims a new tick.
KEEP_RUNS_FOR = timedelta(days=7)
KEEP_RUNS_AT_LEAST = 3


@dataclass(frozen=True)
class PeriodicJob:
    """One periodic job: enqueue the django-tasks task at dotted path `task`, with no arguments, every `every`.

    `offset` shifts the ticks from the epoch alignment (a daily job at 03:00 UTC: `offset=timedelta(hours=3)`).
    """

    name: str
    task: str
    every: timedelta
    offset: timedelta = field(default=timedelta(0))

    def __post_init__(self):
        if not self.name or len(self.name) > 100:
            raise ValueError(f"PeriodicJob name {self.name!r} must be 1 to 100 characters.")
        if self.every < timedelta(seconds=1) or self.every % timedelta(seconds=1):
            raise ValueError(f"PeriodicJob {self.name!r}: every={self.every!r} must be a whole number of seconds >= 1.")
        if not timedelta(0) <= self.offset < self.every or self.offset % timedelta(seconds=1):
            raise ValueError(f"PeriodicJob {self.name!r}: offset must be whole seconds in [0, every).")

    def tick_at(self, now: datetime) -> datetime:
        """The latest tick at or before `now`."""
        every, offset = int(self.every.total_seconds()), int(self.offset.total_seconds())
        seconds = int(now.timestamp() // 1)
        return datetime.fromtimestamp((seconds - offset) // every * every + offset, tz=UTC)

    def next_tick_after(self, now: datetime) -> datetime:
        return self.tick_at(now) + self.every


def declared_jobs() -> list[PeriodicJob]:
    """The jobs of `config/schedule.py`, checked: unique names, each task a django-tasks Task."""
    jobs = list(import_string(f"{SCHEDULE_MODULE}.JOBS"))
    validate_jobs(jobs)
    return jobs


def validate_jobs(jobs: Sequence[PeriodicJob]) -> None:
    from django_tasks.base import Task

    names = [job.name for job in jobs]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ValueError(f"Periodic job names must be unique; declared twice: {', '.join(duplicates)}.")
    for job in jobs:
        if not isinstance(job, PeriodicJob):
            raise ValueError(f"{job!r} is not a PeriodicJob.")
        target = import_string(job.task)
        if not isinstance(target, Task):
            raise ValueError(f"Periodic job {job.name!r}: {job.task} is not a django-tasks task (use @task()).")


def _worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


def job_claim_and_enqueue(*, job: PeriodicJob, tick: datetime) -> bool:
    """Claim `tick` for `job` and enqueue its task; False when another scheduler already claimed it."""
    from trackbase.core.models import PeriodicJobRun

    try:
        # durable: the claim must commit on its own, so racing schedulers see it (and never run inside a caller's
        # transaction, which would hold the unique key until that caller commits).
        with transaction.atomic(durable=True):
            run = PeriodicJobRun.objects.create(name=job.name, tick=tick, claimed_by=_worker_id())
            result = import_string(job.task).enqueue()
            PeriodicJobRun.objects.filter(pk=run.pk).update(task_result_id=str(result.id)[:64])
    except IntegrityError:
        return False
    keep_from = tick - max(KEEP_RUNS_FOR, job.every * KEEP_RUNS_AT_LEAST)
    PeriodicJobRun.objects.filter(name=job.name, tick__lt=keep_from).delete()
    return True


@dataclass
class PassResult:
    enqueued: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def run_pending(*, jobs: Iterable[PeriodicJob], now: datetime | None = None) -> PassResult:
    """One scheduler pass: claim and enqueue each job's current tick that no scheduler has claimed yet."""
    from trackbase.core.models import PeriodicJobRun

    now = now or timezone.now()
    jobs = list(jobs)
    outcome = PassResult()
    ticks = {job.name: job.tick_at(now) for job in jobs}
    # One query tells which current ticks are already done, so a pass where nothing is due writes nothing.
    done = set(PeriodicJobRun.objects.filter(name__in=ticks, tick__in=set(ticks.values())).values_list("name", "tick"))
    for job in jobs:
        if (job.name, ticks[job.name]) in done:
            continue
        try:
            if job_claim_and_enqueue(job=job, tick=ticks[job.name]):
                outcome.enqueued.append(job.name)
                logger.info("periodic job enqueued", extra={"job": job.name, "tick": ticks[job.name].isoformat()})
        except Exception:  # one job's failure (database, Redis, a broken import) must not stop the others
            logger.exception("periodic job could not be enqueued", extra={"job": job.name})
            outcome.failed.append(job.name)
    return outcome


def seconds_until_next_tick(jobs: Iterable[PeriodicJob], now: datetime) -> float:
    upcoming = min((job.next_tick_after(now) for job in jobs), default=now + timedelta(seconds=MAX_SLEEP_SECONDS))
    return min(max((upcoming - now).total_seconds(), 0.0), MAX_SLEEP_SECONDS)


class Scheduler:
    """The loop every scheduler process runs: a pass at each tick, until `stop` is set."""

    def __init__(self, jobs: Sequence[PeriodicJob], clock: Callable[[], datetime] = timezone.now):
        self.jobs = list(jobs)
        self.clock = clock

    def run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                wait = self.run_once()
            except Exception:  # never let the thread die: log, wait, try again
                logger.exception("scheduler pass failed; retrying in %.0f s", RETRY_SECONDS)
                wait = RETRY_SECONDS
            stop.wait(wait)

    def run_once(self) -> float:
        """One pass; returns how many seconds to wait before the next."""
        # A long-lived process: drop connections the database closed (a restart, a timeout) before using them.
        close_old_connections()
        try:
            outcome = run_pending(jobs=self.jobs, now=self.clock())
        except Exception:  # the database is down: try again soon
            logger.exception("scheduler pass failed; retrying in %.0f s", RETRY_SECONDS)
            outcome = PassResult(failed=["*"])
        finally:
            # Between passes the process holds no connection: the next pass opens a fresh one.
            connections.close_all()
        if outcome.failed:
            return RETRY_SECONDS
        # A few milliseconds past the tick, so the clock has surely reached it when the loop wakes.
        return seconds_until_next_tick(self.jobs, self.clock()) + 0.05


class SchedulerThread:
    """The scheduler inside `manage.py serve` (`make run`), beside the task worker thread."""

    def __init__(self, jobs: Sequence[PeriodicJob]):
        self._scheduler = Scheduler(jobs)
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._scheduler.run, args=(self._stopping,), name="scheduler")
        self._thread.daemon = True

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float) -> bool:
        self._stopping.set()
        self._thread.join(timeout)
        return not self._thread.is_alive()


def job_status(*, jobs: Sequence[PeriodicJob], now: datetime | None = None) -> dict[str, dict]:
    """Each declared job's last claimed tick, and whether it is late (for /ready/)."""
    from django.db.models import Max

    from trackbase.core.models import PeriodicJobRun

    now = now or timezone.now()
    last = dict(
        PeriodicJobRun.objects.filter(name__in=[job.name for job in jobs])
        .values("name")
        .annotate(last=Max("tick"))
        .values_list("name", "last")
    )
    status = {}
    for job in jobs:
        tick = last.get(job.name)
        status[job.name] = {
            "every_seconds": int(job.every.total_seconds()),
            "last_tick": tick.isoformat() if tick else None,
            "late": tick is None or tick < job.tick_at(now - LATE_AFTER),
        }
    return status
