"""Wellness reads. A group's rows are visible to its members only; a private check-in to its author only."""

from datetime import date

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from trackbase.accounts.models import User
from trackbase.wellness import rules
from trackbase.wellness.models import CheckIn, Group, Membership
from trackbase.wellness.services.groups import membership_of


def group_list_for_user(*, user) -> QuerySet[Group]:
    # filter() then annotate(): the annotation reads the caller's own membership row.
    return Group.objects.filter(memberships__user=user).annotate(user_role=F("memberships__role")).order_by("id")


def group_for_member(*, user, group_id: int) -> Group:
    membership = membership_of(user=user, group_id=group_id)
    group = membership.group
    group.user_role = membership.role
    return group


def member_list(*, user, group_id: int) -> QuerySet[Membership]:
    membership_of(user=user, group_id=group_id)
    return Membership.objects.filter(group_id=group_id).select_related("user").order_by("joined_at", "id")


def checkin_list_for_user(
    *, user, group_id: int | None = None, since: date | None = None, until: date | None = None
) -> QuerySet[CheckIn]:
    checkins = CheckIn.objects.filter(user=user).select_related("user")
    if group_id is not None:
        checkins = checkins.filter(group_id=group_id)
    if since:
        checkins = checkins.filter(week_start_date__gte=since)
    if until:
        checkins = checkins.filter(week_start_date__lte=until)
    return checkins.order_by("-week_start_date", "-id")


def checkin_current(*, user, group_id: int) -> CheckIn | None:
    group = membership_of(user=user, group_id=group_id).group
    week = rules.week_start(timezone.now(), group.timezone)
    return CheckIn.objects.select_related("user").filter(user=user, group=group, week_start_date=week).first()


def checkin_list_for_group(*, user, group_id: int, week: date | None = None) -> QuerySet[CheckIn]:
    membership_of(user=user, group_id=group_id)
    checkins = CheckIn.objects.filter(group_id=group_id).filter(Q(is_private=False) | Q(user=user))
    if week:
        checkins = checkins.filter(week_start_date=week)
    return checkins.select_related("user").order_by("-week_start_date", "-id")


def user_search(*, user, query: str):
    """Active users whose username contains `query` (case-insensitive), the caller excluded."""
    return User.objects.filter(username__icontains=query, is_active=True).exclude(pk=user.pk).order_by("username")


def export_for(*, user) -> dict:
    """Everything the wellness side holds about the user, for data portability."""
    memberships = Membership.objects.filter(user=user).select_related("group").order_by("joined_at")
    return {
        "memberships": list(memberships),
        "checkins": list(CheckIn.objects.filter(user=user).select_related("user").order_by("week_start_date", "id")),
    }
