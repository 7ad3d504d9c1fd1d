import factory
from django.utils import timezone

from trackbase.accounts.devices.models import Device, Platform, token_digest
from trackbase.accounts.tests.factories import UserFactory
from trackbase.notifications.models import Notification, PushMessage


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    user = factory.SubFactory(UserFactory)
    type = "TRAIN_DELAY"
    title = factory.Sequence(lambda n: f"Update {n}")
    message = "12951 Mumbai Rajdhani is running 20 minutes late."
    data = factory.LazyFunction(lambda: {"train_number": "12951"})


class DeviceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Device

    user = factory.SubFactory(UserFactory)
    platform = Platform.IOS
    token = factory.Sequence(lambda n: f"{n:064x}")
    token_digest = factory.LazyAttribute(lambda device: token_digest(device.token))


def web_device(user, browser) -> Device:
    """A browser of the local push service, registered for `user`."""
    return DeviceFactory(
        user=user, platform=Platform.WEB, token=browser.endpoint, web_push_keys=browser.subscription["keys"]
    )


def queued(device, **fields) -> PushMessage:
    """A PENDING outbox message, due now, for a fresh notification of the device's user."""
    notification = NotificationFactory(user=device.user, **fields)
    return PushMessage.objects.create(notification=notification, device=device, next_attempt_at=timezone.now())
