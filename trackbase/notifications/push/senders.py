"""The sender of each platform, or why there is none."""

from trackbase.accounts.devices.models import Device, Platform
from trackbase.notifications.push import apns, webpush
from trackbase.notifications.push.base import NotConfigured, Outcome, PushContent, SendResult

FCM_NOT_CONFIGURED = (
    "Android push (FCM) is not configured: the FCM HTTP v1 API needs a Google service account, "
    "which this deployment does not have."
)


def send(*, device: Device, content: PushContent) -> SendResult:
    """Send `content` to `device` through its platform's provider; an unconfigured platform is skipped
    without a request."""
    if device.platform == Platform.IOS:
        sender = apns.sender_from_settings()
        if isinstance(sender, NotConfigured):
            return SendResult(Outcome.SKIP, sender.reason)
        return sender.send(token=device.token, content=content)
    if device.platform == Platform.WEB:
        sender = webpush.sender_from_settings()
        if isinstance(sender, NotConfigured):
            return SendResult(Outcome.SKIP, sender.reason)
        return sender.send(subscription=device.web_push_subscription, content=content)
    return SendResult(Outcome.SKIP, FCM_NOT_CONFIGURED)


def senders_reset() -> None:
    apns.senders_reset()
    webpush.senders_reset()
