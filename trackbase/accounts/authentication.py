from datetime import timedelta

from django.utils import timezone
from rest_framework_simplejwt import authentication

ACTIVITY_RESOLUTION = timedelta(minutes=5)


class JWTAuthentication(authentication.JWTAuthentication):
    """SimpleJWT's authentication (inactive users rejected) that also keeps `last_active_at` fresh.

    The activity stamp is written at most once per ACTIVITY_RESOLUTION per user, so a busy client
    costs one extra UPDATE every few minutes, not one per request.
    """

    def get_user(self, validated_token):
        user = super().get_user(validated_token)
        now = timezone.now()
        if user.last_active_at is None or now - user.last_active_at > ACTIVITY_RESOLUTION:
            type(user).objects.filter(pk=user.pk).update(last_active_at=now)
            user.last_active_at = now
        return user
