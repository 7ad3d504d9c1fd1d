import pytest
from django.db import IntegrityError, transaction

from trackbase.accounts.tests.factories import UserFactory
from trackbase.notifications.models import Notification
from trackbase.notifications.services import notifications_send
from trackbase.notifications.tests.factories import NotificationFactory

pytestmark = pytest.mark.django_db

DELAY = {"type": "TRAIN_DELAY", "title": "12951 delayed", "message": "Running 20 minutes late."}


def inbox(user) -> list[tuple[str, str]]:
    return list(Notification.objects.filter(user=user).values_list("type", "title"))


def test_it_puts_one_notification_in_each_inbox(owner, outsider):
    sent = notifications_send(user_ids=[owner.pk, outsider.pk, owner.pk], data={"delay": 20}, **DELAY)

    assert sorted(n.user_id for n in sent) == sorted([owner.pk, outsider.pk])
    assert all(n.pk is not None for n in sent)
    assert inbox(owner) == inbox(outsider) == [("TRAIN_DELAY", "12951 delayed")]
    assert Notification.objects.get(user=owner).data == {"delay": 20}


def test_it_skips_users_already_notified_of_the_same_event(owner, outsider):
    first = notifications_send(user_ids=[owner.pk], dedupe_key="train-event:7", **DELAY)
    again = notifications_send(user_ids=[owner.pk, outsider.pk], dedupe_key="train-event:7", **DELAY)

    assert [n.user_id for n in first] == [owner.pk]
    assert [n.user_id for n in again] == [outsider.pk]
    assert again[0].pk is not None
    assert Notification.objects.filter(dedupe_key="train-event:7").count() == 2


def test_it_sends_nothing_when_everyone_already_has_it(owner):
    notifications_send(user_ids=[owner.pk], dedupe_key="train-event:7", **DELAY)

    assert notifications_send(user_ids=[owner.pk], dedupe_key="train-event:7", **DELAY) == []
    assert len(inbox(owner)) == 1


def test_it_notifies_again_for_another_event(owner):
    notifications_send(user_ids=[owner.pk], dedupe_key="train-event:7", **DELAY)
    notifications_send(user_ids=[owner.pk], dedupe_key="train-event:8", **DELAY)

    assert len(inbox(owner)) == 2


def test_it_does_not_dedupe_without_a_key(owner):
    notifications_send(user_ids=[owner.pk], **DELAY)
    sent = notifications_send(user_ids=[owner.pk], **DELAY)

    assert sent[0].pk is not None
    assert len(inbox(owner)) == 2
    assert Notification.objects.get(pk=sent[0].pk).data == {}


def test_it_sends_nothing_to_nobody():
    assert notifications_send(user_ids=[], dedupe_key="train-event:7", **DELAY) == []
    assert not Notification.objects.exists()


def test_it_enforces_one_notification_per_user_and_event_in_the_database(owner):
    NotificationFactory(user=owner, dedupe_key="train-event:7")

    with pytest.raises(IntegrityError), transaction.atomic():
        NotificationFactory(user=owner, dedupe_key="train-event:7")


def test_it_lets_notifications_without_a_key_repeat(owner):
    NotificationFactory(user=owner, dedupe_key=None)
    NotificationFactory(user=owner, dedupe_key=None)
    NotificationFactory(user=UserFactory(), dedupe_key="train-event:7")
    NotificationFactory(user=owner, dedupe_key="train-event:7")

    assert Notification.objects.filter(user=owner).count() == 3
