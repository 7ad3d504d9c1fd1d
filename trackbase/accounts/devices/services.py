"""Push devices: register (or take over) a token, unregister, deactivate a dead one, list."""

from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from trackbase.accounts.devices import push_targets
from trackbase.accounts.devices.models import Device, token_digest
from trackbase.core.errors import NotFound

# A phone gets a new token on every reinstall and the old one lingers until a provider calls it dead:
# bound the fan-out of one notification by forgetting a user's least recently registered devices.
MAX_DEVICES_PER_USER = 20


class DeviceNotFound(NotFound):
    code, detail = "DEVICE_NOT_FOUND", "No device of yours has this token."


def device_register(
    *, user, platform: str, token: str, name: str | None = None, web_push_keys: dict | None = None
) -> tuple[Device, bool]:
    """Register `token` for `user`, taking it over from whoever held it. Returns (device, new to the user)."""
    try:
        return _register(user=user, platform=platform, token=token, name=name, web_push_keys=web_push_keys)
    except IntegrityError:
        # A concurrent registration inserted the token between our read and our insert; the second try
        # finds its row and takes it over like any other re-registration.
        return _register(user=user, platform=platform, token=token, name=name, web_push_keys=web_push_keys)


def _register(*, user, platform: str, token: str, name: str | None, web_push_keys: dict | None) -> tuple[Device, bool]:
    digest = token_digest(token)
    with transaction.atomic():
        device = Device.objects.select_for_update().filter(token_digest=digest).first()
        new_to_user = device is None or device.user_id != user.pk
        if device is None:
            device = Device(token_digest=digest, token=token)
        device.user, device.platform, device.web_push_keys = user, platform, web_push_keys
        device.is_active, device.deactivated_reason = True, ""
        if name is not None or new_to_user:
            device.name = name or ""
        device.save()
        _forget_surplus(user_id=user.pk)
    return device, new_to_user


def _forget_surplus(*, user_id: int) -> None:
    surplus = Device.objects.filter(user_id=user_id).order_by("-updated_at", "-id")[MAX_DEVICES_PER_USER:]
    stale_ids = list(surplus.values_list("pk", flat=True))
    if stale_ids:
        Device.objects.filter(pk__in=stale_ids).delete()


def device_unregister(*, user, token: str) -> None:
    """Remove one of the caller's devices by its token; someone else's token is as unknown as a missing one."""
    digests = {token_digest(token)}
    if normalized := push_targets.apns_token_normalize(token):
        digests.add(token_digest(normalized))
    deleted, _ = Device.objects.filter(user=user, token_digest__in=digests).delete()
    if not deleted:
        raise DeviceNotFound()


def device_deactivate(*, device_id: int, reason: str) -> None:
    """The push provider says the token is dead: stop sending to it until its app registers it again."""
    Device.objects.filter(pk=device_id, is_active=True).update(is_active=False, deactivated_reason=reason[:255])


def device_list(*, user) -> QuerySet[Device]:
    return Device.objects.filter(user=user, is_active=True)


def devices_active_for_users(*, user_ids) -> QuerySet[Device]:
    return Device.objects.filter(user_id__in=user_ids, user__is_active=True, is_active=True)
