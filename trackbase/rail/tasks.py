from django_tasks import task

from trackbase.rail import services


@task()
def notify_train_event(*, event_id: int) -> int:
    return services.train_event_notify(event_id=event_id)


@task()
def run_mock_engine(*, user_id: int) -> list[int]:
    return services.mock_events_generate(user_id=user_id)
