"""Analytics, computed by the database: weekly averages and counts are GROUP BY aggregates; Python only
walks the (at most a few hundred) weekly rows they return. Others' private check-ins never count; the
author's own count in the author's own numbers."""

from datetime import date, timedelta

from django.db.models import Avg, Count, Q, QuerySet
from django.utils import timezone

from trackbase.wellness import insights, rules
from trackbase.wellness.models import CheckIn, Group, Membership
from trackbase.wellness.services.groups import membership_of

SCORES = ("productive", "satisfied", "body", "care", "hu_cares_score")
RECENT_WEEKS = 4


def _averages() -> dict:
    return {_camel(name): Avg(name) for name in SCORES}


def _camel(name: str) -> str:
    return "huCaresScore" if name == "hu_cares_score" else name


def _round(row: dict) -> dict:
    return {key: round(value, 2) if isinstance(value, float) else value for key, value in row.items()}


def this_week(user) -> date:
    return rules.week_start(timezone.now(), user.timezone or "UTC")


def _since(user, weeks: int) -> date:
    return this_week(user) - timedelta(weeks=weeks - 1)


def _weekly(rows: QuerySet) -> list[dict]:
    series = rows.values("week_start_date").annotate(**_averages(), checkIns=Count("id")).order_by("week_start_date")
    return [_round({"weekStartDate": row.pop("week_start_date"), **row}) for row in series]


def personal(*, user, weeks: int) -> dict:
    """Weekly series of each score, averages over the range, and check-in streaks (all of the user's groups)."""
    mine = CheckIn.objects.filter(user=user)
    ranged = mine.filter(week_start_date__gte=_since(user, weeks))
    current, best = rules.streaks(list(mine.values_list("week_start_date", flat=True).distinct()), this_week(user))
    return {
        "weeks": weeks,
        "series": _weekly(ranged),
        "averages": _round(ranged.aggregate(**_averages(), checkIns=Count("id"))),
        "streak": {"current": current, "best": best},
    }


def group(*, user, group_id: int, weeks: int) -> dict:
    """Weekly averages of the group's shared check-ins, and what share of the members checked in each week."""
    group = membership_of(user=user, group_id=group_id).group
    since = rules.week_start(timezone.now(), group.timezone) - timedelta(weeks=weeks - 1)
    shared = CheckIn.objects.filter(group=group, is_private=False, week_start_date__gte=since)
    series = shared.values("week_start_date").annotate(
        **_averages(), checkIns=Count("id"), participants=Count("user", distinct=True)
    )
    joined = sorted(Membership.objects.filter(group=group).values_list("joined_at", flat=True))
    rows = []
    for row in series.order_by("week_start_date"):
        week = row.pop("week_start_date")
        members = sum(1 for moment in joined if moment.date() < week + timedelta(weeks=1)) or 1
        rate = min(1.0, row["participants"] / members)
        rows.append(_round({"weekStartDate": week, **row, "members": members, "participationRate": rate}))
    return {
        "groupId": group.pk,
        "weeks": weeks,
        "memberCount": group.member_count,
        "series": rows,
        "averages": _round(shared.aggregate(**_averages(), checkIns=Count("id"))),
    }


def _group_averages(*, user, since: date) -> list[dict]:
    groups = Group.objects.filter(memberships__user=user).annotate(
        average=Avg(
            "checkins__hu_cares_score", filter=Q(checkins__is_private=False, checkins__week_start_date__gte=since)
        ),
    )
    return [{"groupId": g.pk, "name": g.name, "average": g.average} for g in groups.order_by("id")]


def comparison(*, user, weeks: int) -> dict:
    """The caller's average HuCares score against each of their groups' over the same weeks."""
    since = _since(user, weeks)
    mine = dict(
        CheckIn.objects.filter(user=user, week_start_date__gte=since)
        .values("group_id")
        .annotate(average=Avg("hu_cares_score"))
        .values_list("group_id", "average")
    )
    overall = CheckIn.objects.filter(user=user, week_start_date__gte=since).aggregate(average=Avg("hu_cares_score"))
    groups = [
        _round({**g, "you": mine.get(g["groupId"]), "difference": _difference(mine.get(g["groupId"]), g["average"])})
        for g in _group_averages(user=user, since=since)
    ]
    return {"weeks": weeks, "you": _round(overall)["average"], "groups": groups}


def _difference(you, group_average):
    return None if you is None or group_average is None else you - group_average


def insight_list(*, user) -> list[dict]:
    now_week = this_week(user)
    recent_since = now_week - timedelta(weeks=RECENT_WEEKS - 1)
    previous_since = recent_since - timedelta(weeks=RECENT_WEEKS)
    mine = CheckIn.objects.filter(user=user)
    recent = mine.filter(week_start_date__gte=recent_since).aggregate(**_averages(), count=Count("id"))
    previous = mine.filter(week_start_date__gte=previous_since, week_start_date__lt=recent_since).aggregate(
        **_averages(), count=Count("id")
    )
    streak, _ = rules.streaks(list(mine.values_list("week_start_date", flat=True).distinct()), now_week)
    found = insights.insights_for(
        recent=recent, previous=previous, streak=streak, group_averages=_group_averages(user=user, since=recent_since)
    )
    return [insight.as_dict() for insight in found]
