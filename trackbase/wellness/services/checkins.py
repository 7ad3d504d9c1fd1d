"""Check-in writes: one per member, group and week (the database decides), editable in its week only."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from trackbase.wellness import analytics_cache, events, rules
from trackbase.wellness.errors import CheckInNotFound, CheckInWeekOver, DuplicateCheckIn, GroupNotFound, invalid
from trackbase.wellness.models import CheckIn, Membership

SCORES = ("productive", "satisfied", "body", "care")


def _check_scores(scores: dict) -> None:
    for name in SCORES:
        value = scores.get(name)
        if not isinstance(value, int) or isinstance(value, bool) or not rules.SCORE_MIN <= value <= rules.SCORE_MAX:
            raise invalid(name, f"An integer from {rules.SCORE_MIN} to {rules.SCORE_MAX}.")


def checkin_submit(
    *,
    user,
    group_id: int,
    productive: int,
    satisfied: int,
    body: int,
    care: int,
    notes: str = "",
    is_private: bool = False,
) -> CheckIn:
    """This week's check-in (the group's week); the other members hear of it unless it is private."""
    scores = {"productive": productive, "satisfied": satisfied, "body": body, "care": care}
    _check_scores(scores)
    time_zone, others = _group_time_zone_and_others(user=user, group_id=group_id)
    now = timezone.now()
    try:
        with transaction.atomic():
            checkin = CheckIn.objects.create(
                user=user,
                group_id=group_id,
                week_start_date=rules.week_start(now, time_zone),
                notes=notes,
                is_private=is_private,
                submitted_at=now,
                hu_cares_score=rules.hu_cares_score(**scores),
                **scores,
            )
            analytics_cache.changed(group_ids=[group_id], user_ids=[user.pk])
    except IntegrityError:
        # The unique (user, group, week) constraint: a second check-in, or the loser of a parallel pair.
        raise DuplicateCheckIn() from None
    if not is_private:
        _announce(checkin, username=user.username, member_ids=others)
    return checkin


def _group_time_zone_and_others(*, user, group_id: int) -> tuple[str, list[int]]:
    """The group's time zone and its other members' ids, in one query (a group is small: maxMembers is at most 100).
    Outsiders get the 404 membership_of gives."""
    members = Membership.objects.filter(group_id=group_id).order_by().values_list("user_id", "group__timezone")
    rows = list(members)
    if not any(user_id == user.pk for user_id, _ in rows):
        raise GroupNotFound()
    return rows[0][1], [user_id for user_id, _ in rows if user_id != user.pk]


def _announce(checkin: CheckIn, *, username: str, member_ids: list[int]) -> None:
    payload = {
        "userId": checkin.user_id,
        "username": username,
        "groupId": checkin.group_id,
        "huCaresScore": checkin.hu_cares_score,
        "timestamp": checkin.submitted_at.isoformat().replace("+00:00", "Z"),
    }
    events.friend_checked_in(member_ids=member_ids, payload=payload)


def _own(*, user, checkin_id: int) -> CheckIn:
    checkin = CheckIn.objects.select_related("group").filter(pk=checkin_id, user=user).first()
    if checkin is None:
        raise CheckInNotFound()
    return checkin


def checkin_update(*, user, checkin_id: int, **fields) -> CheckIn:
    """Change one's own check-in while its week (in the group's time zone) is still the current one."""
    checkin = _own(user=user, checkin_id=checkin_id)
    if checkin.week_start_date != rules.week_start(timezone.now(), checkin.group.timezone):
        raise CheckInWeekOver()
    for name, value in fields.items():
        if name in (*SCORES, "notes", "is_private"):
            setattr(checkin, name, value)
    scores = {name: getattr(checkin, name) for name in SCORES}
    _check_scores(scores)
    checkin.hu_cares_score = rules.hu_cares_score(**scores)
    checkin.save()
    analytics_cache.changed(group_ids=[checkin.group_id], user_ids=[user.pk])
    return checkin


def checkin_delete(*, user, checkin_id: int) -> None:
    checkin = _own(user=user, checkin_id=checkin_id)
    checkin.delete()
    analytics_cache.changed(group_ids=[checkin.group_id], user_ids=[user.pk])
