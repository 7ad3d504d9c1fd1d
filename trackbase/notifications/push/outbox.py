"""The push outbox: one message per (notification, device), sent once, retried with backoff.

A worker claims a message with a conditional UPDATE (PENDING and due -> SENDING) that must touch exactly
one row, so two workers holding the same task never both send it. The send happens outside any
transaction; its outcome is written back only while the message is still SENDING.
"""

import logging
from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from trackbase.accounts.devices.services import device_deactivate, devices_active_for_users
from trackbase.notifications.models import Notification, PushMessage, PushStatus
from trackbase.notifications.push import senders
from trackbase.notifications.push.base import Outcome, PushContent, SendResult

logger = logging.getLogger(__name__)

# Wait after the 1st, 2nd, 3rd, 4th failed attempt; later ones wait the last. PUSH_MAX_ATTEMPTS bounds them.
RETRY_DELAYS = (timedelta(seconds=30), timedelta(minutes=2), timedelta(minutes=10), timedelta(hours=1))
MAX_RETRY_DELAY = timedelta(hours=6)  # the most a provider's Retry-After can hold a message back
SENDING_LEASE = timedelta(minutes=5)  # a claim older than this belongs to a worker that died mid-send
SWEEP_BATCH = 500
# Messages per send task: one worker process then reuses one provider connection (Apple treats rapid
# connect/disconnect as abuse), and a fan-out to thousands of devices is still spread over workers.
TASK_BATCH = 100

DEVICE_CHANGED_HANDS = "The device was registered by another user after this notification was queued."
DEVICE_INACTIVE = "The device was deactivated: {}"
EXPIRED = "The notification expired (PUSH_TTL_SECONDS) before it could be delivered."
GAVE_UP = "Gave up after {} attempts: {}"
WORKER_LOST = "The worker sending it stopped before recording an outcome."


def push_messages_queue(*, notifications: list[Notification]) -> list[int]:
    """Queue one message per active device of each notification's user and enqueue their sends."""
    devices = defaultdict(list)
    for user_id, device_id in devices_active_for_users(user_ids={n.user_id for n in notifications}).values_list(
        "user_id", "pk"
    ):
        devices[user_id].append(device_id)
    now = timezone.now()
    rows = [
        PushMessage(notification_id=n.pk, device_id=device_id, next_attempt_at=now)
        for n in notifications
        for device_id in devices[n.user_id]
    ]
    if not rows:
        return []
    # The (notification, device) constraint makes a repeated call add nothing.
    PushMessage.objects.bulk_create(rows, ignore_conflicts=True)
    message_ids = list(
        PushMessage.objects.filter(notification__in=[n.pk for n in notifications], status=PushStatus.PENDING)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    _enqueue_batches(message_ids)
    return message_ids


def push_messages_deliver(*, message_ids: list[int]) -> dict[str, int]:
    """Deliver each message (see push_message_deliver); returns how many ended in each status."""
    outcomes: dict[str, int] = defaultdict(int)
    for message_id in message_ids:
        outcomes[str(push_message_deliver(message_id=message_id))] += 1
    return dict(outcomes)


def push_message_deliver(*, message_id: int) -> str | None:
    """Send one message if it is due and unclaimed; returns its new status (None: not this worker's)."""
    now = timezone.now()
    claimed = PushMessage.objects.filter(pk=message_id, status=PushStatus.PENDING, next_attempt_at__lte=now).update(
        status=PushStatus.SENDING, attempts=F("attempts") + 1, claimed_at=now, updated_at=now
    )
    if claimed != 1:
        return None
    message = PushMessage.objects.select_related("notification", "device").filter(pk=message_id).first()
    if message is None:  # its notification or device was deleted in between
        return None
    return _settle(message, _attempt(message))


def push_outbox_sweep(*, limit: int = SWEEP_BATCH) -> int:
    """Enqueue the messages that are due (a retry on a backend without deferred tasks, a lost enqueue)
    and give back the ones a dead worker claimed. Run it every minute or so; returns how many it enqueued."""
    now = timezone.now()
    PushMessage.objects.filter(status=PushStatus.SENDING, claimed_at__lt=now - SENDING_LEASE).update(
        status=PushStatus.PENDING, next_attempt_at=now, claimed_at=None, last_error=WORKER_LOST, updated_at=now
    )
    due = PushMessage.objects.filter(status=PushStatus.PENDING, next_attempt_at__lte=now).order_by("next_attempt_at")
    message_ids = list(due.values_list("pk", flat=True)[:limit])
    _enqueue_batches(message_ids)
    return len(message_ids)


def push_content(notification: Notification) -> PushContent:
    return PushContent(
        notification_id=notification.pk,
        type=notification.type,
        title=notification.title,
        body=notification.message,
        data=notification.data,
        collapse_key=notification.dedupe_key or f"notification:{notification.pk}",
        expires_at=notification.created_at + timedelta(seconds=settings.PUSH_TTL_SECONDS),
    )


def retry_delay(*, attempts: int, retry_after: int | None = None) -> timedelta:
    delay = RETRY_DELAYS[min(attempts, len(RETRY_DELAYS)) - 1]
    if retry_after:
        delay = max(delay, min(timedelta(seconds=retry_after), MAX_RETRY_DELAY))
    return delay


def _attempt(message: PushMessage) -> SendResult:
    device, notification = message.device, message.notification
    if device.user_id != notification.user_id:
        return SendResult(Outcome.SKIP, DEVICE_CHANGED_HANDS)
    if not device.is_active:
        return SendResult(Outcome.SKIP, DEVICE_INACTIVE.format(device.deactivated_reason or "unregistered"))
    content = push_content(notification)
    if content.expires_at <= timezone.now():
        return SendResult(Outcome.FAIL, EXPIRED)
    try:
        return senders.send(device=device, content=content)
    except Exception as exc:
        # A bug or an outage this code did not foresee: retried like a transient failure, and bounded.
        logger.exception("push sender failed", extra={"push_message_id": message.pk})
        return SendResult(Outcome.RETRY, f"sender error: {type(exc).__name__}: {exc}")


_FINAL_STATUS = {
    Outcome.SENT: PushStatus.SENT,
    Outcome.FAIL: PushStatus.FAILED,
    Outcome.SKIP: PushStatus.SKIPPED,
    Outcome.DROP: PushStatus.DROPPED,
}


def _settle(message: PushMessage, result: SendResult) -> str:
    now = timezone.now()
    changes = {"last_error": result.reason[:2000], "claimed_at": None, "updated_at": now}
    if result.outcome == Outcome.RETRY and message.attempts < settings.PUSH_MAX_ATTEMPTS:
        when = now + retry_delay(attempts=message.attempts, retry_after=result.retry_after)
        changes |= {"status": PushStatus.PENDING, "next_attempt_at": when}
    elif result.outcome == Outcome.RETRY:
        changes |= {"status": PushStatus.FAILED, "last_error": GAVE_UP.format(message.attempts, result.reason)}
    else:
        changes["status"] = _FINAL_STATUS[result.outcome]
    if result.outcome == Outcome.SENT:
        changes |= {"sent_at": now, "provider_message_id": result.provider_message_id[:100]}
    PushMessage.objects.filter(pk=message.pk, status=PushStatus.SENDING).update(**changes)
    if result.outcome == Outcome.DROP:
        device_deactivate(device_id=message.device_id, reason=result.reason)
    if changes["status"] == PushStatus.PENDING:
        _enqueue([message.pk], run_after=changes["next_attempt_at"])
    logger.info(
        "push %s", changes["status"], extra={"push_message_id": message.pk, "reason": changes["last_error"][:200]}
    )
    return changes["status"]


def _enqueue_batches(message_ids: list[int]) -> None:
    for start in range(0, len(message_ids), TASK_BATCH):
        _enqueue(message_ids[start : start + TASK_BATCH])


def _enqueue(message_ids: list[int], *, run_after=None) -> None:
    from trackbase.notifications.tasks import push_messages_send

    task = push_messages_send
    try:
        if run_after is not None:
            if not task.get_backend().supports_defer:
                return  # the sweep enqueues it once it is due
            task = task.using(run_after=run_after)
        task.enqueue(message_ids=message_ids)
    except Exception:
        # The messages stay PENDING in the outbox: the next sweep enqueues them again.
        logger.exception("could not enqueue push messages", extra={"push_message_ids": message_ids[:10]})
