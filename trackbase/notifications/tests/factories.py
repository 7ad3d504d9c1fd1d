import factory

from trackbase.accounts.tests.factories import UserFactory
from trackbase.notifications.models import Notification


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    user = factory.SubFactory(UserFactory)
    type = "TRAIN_DELAY"
    title = factory.Sequence(lambda n: f"Update {n}")
    message = "12951 Mumbai Rajdhani is running 20 minutes late."
    data = factory.LazyFunction(lambda: {"train_number": "12951"})
