"""The weekly reminder: at each group's reminder hour (its own time zone and frequency), members who have
not checked in this week get one `weekly_reminder` notification (daily groups: one a day until they do).
The dedupe key makes the job safe to run more than once an hour, or on several processes."""

from datetime import datetime
from zoneinfo import ZoneInfo

from trackbase.notifications.services import notifications_send
from trackbase.wellness import rules
from trackbase.wellness.models import CheckIn, Group, Membership


def reminders_send(*, now: datetime) -> int:
    """-> how many reminders were sent."""
    sent = 0
    for tz_name in Group.objects.values_list("timezone", flat=True).distinct():
        local = now.astimezone(ZoneInfo(tz_name))
        for group in Group.objects.filter(timezone=tz_name):
            if rules.reminder_due(local, frequency=group.checkin_frequency):
                sent += _remind(group, rules.week_start(now, tz_name), day=local.date())
    return sent


def _remind(group: Group, week, *, day) -> int:
    done = CheckIn.objects.filter(group=group, week_start_date=week).values("user_id")
    due = Membership.objects.filter(group=group).exclude(user_id__in=done).values_list("user_id", flat=True)
    notifications = notifications_send(
        user_ids=list(due),
        type="weekly_reminder",
        title="Time for your weekly check-in",
        message=f"{group.name} is waiting for this week's check-in.",
        data={"groupId": group.pk, "groupName": group.name, "weekStartDate": week.isoformat()},
        dedupe_key=f"wellness:reminder:{group.pk}:{day.isoformat()}",  # a daily group's reminders differ by day
    )
    return len(notifications)
