from django_tasks import task

from trackbase.notifications.push import outbox


@task()
def push_messages_send(*, message_ids: list[int]) -> dict[str, int]:
    return outbox.push_messages_deliver(message_ids=message_ids)


@task()
def push_outbox_sweep() -> int:
    return outbox.push_outbox_sweep()
