"""Schengen threshold alerts: when days used reach a threshold (default 80, 85, 90) or exceed 90, notify
once per threshold per 180-day window, through the shared inbox (in-app, real time and push).

"Once per window": a threshold that fired is silent until 180 days after it fired, whatever the count does
meanwhile. When several thresholds are reached at once (an import of a long history), one notification
names the highest and all of them are recorded as sent.
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from trackbase.notifications.services import notifications_send
from trackbase.travel import selectors, services
from trackbase.travel.models import SchengenAlert, VisaRule
from trackbase.travel.reference_data import SCHENGEN_RULE
from trackbase.travel.rules.schengen import MAX_DAYS, PERIOD_DAYS

NOTIFICATION_TYPE = "SCHENGEN_THRESHOLD"
OVERSTAY = "OVERSTAY"
DEFAULT_THRESHOLDS = (80, 85, 90)
PREFERENCES_KEY = "travel"


def settings_section(stored) -> dict:
    """The `travel` section of the notification settings as shown: malformed values fall back to defaults."""
    stored = stored.get("schengen_thresholds") if isinstance(stored, dict) else None
    valid = isinstance(stored, list) and all(type(t) is int and 1 <= t <= MAX_DAYS for t in stored)
    return {"schengen_thresholds": sorted(set(stored)) if valid else list(DEFAULT_THRESHOLDS)}


def thresholds_for(user) -> list[int]:
    """The user's day thresholds (stored under `travel.schengen_thresholds` in their preferences)."""
    document = user.notification_preferences if isinstance(user.notification_preferences, dict) else {}
    return settings_section(document.get(PREFERENCES_KEY))["schengen_thresholds"]


def _message(threshold: str, days_used: int) -> tuple[str, str]:
    if threshold == OVERSTAY:
        return "Schengen overstay", f"You have used {days_used} days in the last 180: more than the 90 allowed."
    if int(threshold) >= MAX_DAYS:
        return "Schengen limit reached", "You have used all 90 days of the last 180; leave the Schengen area today."
    return "Schengen days", f"You have used {days_used} of 90 days in the last 180 days."


def schengen_alerts_check(*, user_id: int) -> list[str]:
    """Send the alerts this user's current Schengen count calls for; returns the thresholds recorded."""
    user = get_user_model().objects.filter(pk=user_id).first()
    rule = VisaRule.objects.filter(calculation_logic_ref=SCHENGEN_RULE).first()
    if user is None or rule is None:
        return []
    result, _ = services.visa_status(user=user, rule=rule)
    days_used = result.days_used
    reached = [str(t) for t in thresholds_for(user) if days_used >= t]
    if days_used > MAX_DAYS:
        reached.append(OVERSTAY)
    today = selectors.user_today(user)
    quiet_since = today - timedelta(days=PERIOD_DAYS - 1)
    already = set(
        SchengenAlert.objects.filter(user=user, threshold__in=reached, sent_on__gte=quiet_since).values_list(
            "threshold", flat=True
        )
    )
    recorded = []
    for threshold in (t for t in reached if t not in already):
        try:
            with transaction.atomic():
                SchengenAlert.objects.create(
                    user=user, threshold=threshold, window_start=result.window_start, days_used=days_used, sent_on=today
                )
        except IntegrityError:
            continue  # a concurrent check recorded it first
        recorded.append(threshold)
    if recorded:
        highest = recorded[-1]
        title, message = _message(highest, days_used)
        notifications_send(
            user_ids=[user.pk],
            type=NOTIFICATION_TYPE,
            title=title,
            message=message,
            data={"threshold": highest, "days_used": days_used, "window_start": result.window_start.isoformat()},
            dedupe_key=f"schengen:{highest}:{result.window_start.isoformat()}",
        )
    return recorded
