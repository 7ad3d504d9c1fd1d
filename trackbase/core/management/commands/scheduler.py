"""`manage.py scheduler`: the production scheduler process (`make run` runs the same loop in a thread)."""

import signal
import threading

from django.core.management.base import BaseCommand, CommandError

from trackbase.core.scheduler import Scheduler, declared_jobs, run_pending


class Command(BaseCommand):
    help = (
        "Enqueue the periodic jobs of config/schedule.py at each tick until SIGTERM or Ctrl-C. Several of these "
        "processes may run (for availability): each tick is enqueued once."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--once",
            action="store_true",
            help="One pass (enqueue the jobs whose tick is unclaimed), then exit.",
        )

    def handle(self, *args, **options):
        jobs = declared_jobs()
        if options["once"]:
            outcome = run_pending(jobs=jobs)
            self.stdout.write(f"enqueued: {', '.join(outcome.enqueued) or 'none'}")
            if outcome.failed:
                raise CommandError(f"failed: {', '.join(outcome.failed)} (see the log)")
            return
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda signum, frame: stop.set())
        self.stdout.write(f"Scheduler running {len(jobs)} job(s): {', '.join(job.name for job in jobs)}.")
        self.stdout.flush()
        Scheduler(jobs).run(stop)
        self.stdout.write("Scheduler stopped.")
