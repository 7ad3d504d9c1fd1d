"""Tasks the scheduler tests enqueue (on the database backend, so every enqueue leaves a row to count)."""

from django_tasks import task


@task()
def tick_probe() -> None:
    """Does nothing: the tests count how often it was enqueued."""


def not_a_task() -> None:
    """A plain function, which the schedule must refuse."""
