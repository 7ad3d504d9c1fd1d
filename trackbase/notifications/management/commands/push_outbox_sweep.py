from django.core.management.base import BaseCommand

from trackbase.notifications.push.outbox import push_outbox_sweep


class Command(BaseCommand):
    help = (
        "Enqueue the push messages that are due (retries on a backend without deferred tasks, lost enqueues) "
        "and take back the ones a dead worker claimed. The scheduler runs it every minute (config/schedule.py)."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"enqueued {push_outbox_sweep()} push message(s)")
