"""Analytics, computed by the database: one GROUP BY per answer gives each week's score sums and check-in
counts; Python only walks the (at most a few hundred) weekly rows it returns, and takes the range averages
from the same sums. Others' private check-ins never count; the author's own count in the author's own numbers.

Answers are cached per user or group and parameters (analytics_cache: versioned, never stale); the member
check (outsiders get 404) runs on every request, before the cache is asked."""

import functools
from bisect import bisect_left
from datetime import date, timedelta

from django.db.models import Avg, Count, Q, QuerySet, Sum
from django.utils import timezone

from trackbase.wellness import analytics_cache, insights, rules
from trackbase.wellness.models import CheckIn, Group, Membership
from trackbase.wellness.services.groups import membership_of

SCORES = ("productive", "satisfied", "body", "care", "hu_cares_score")
RECENT_WEEKS = 4


def _camel(name: str) -> str:
    return "huCaresScore" if name == "hu_cares_score" else name


def _round(row: dict) -> dict:
    return {key: round(value, 2) if isinstance(value, float) else value for key, value in row.items()}


def this_week(user) -> date:
    return rules.week_start(timezone.now(), user.timezone or "UTC")


def _since(user, weeks: int) -> date:
    return this_week(user) - timedelta(weeks=weeks - 1)


def _weekly_sums(rows: QuerySet, **extra) -> list[dict]:
    """One GROUP BY: per week, each score's sum and the number of check-ins (and any `extra` aggregates)."""
    sums = {f"sum_{name}": Sum(name) for name in SCORES}
    return list(
        rows.values("week_start_date").annotate(**sums, checkIns=Count("id"), **extra).order_by("week_start_date")
    )


def _averages(weeks: list[dict]) -> dict:
    """Each score's average over these weeks' check-ins (what AVG over their rows gives), and their count."""
    count = sum(week["checkIns"] for week in weeks)
    averages = {
        _camel(name): float(sum(week[f"sum_{name}"] for week in weeks)) / count if count else None for name in SCORES
    }
    return {**averages, "checkIns": count}


def _week_row(week: dict) -> dict:
    return _round({"weekStartDate": week["week_start_date"], **_averages([week])})


def _group_ids(user) -> list[int]:
    return list(Membership.objects.filter(user=user).values_list("group_id", flat=True))


def personal(*, user, weeks: int) -> dict:
    """Weekly series of each score, averages over the range, and check-in streaks (all of the user's groups)."""
    now_week = this_week(user)
    key = f"wellness:analytics:personal:{user.pk}:{weeks}:{now_week}"
    return analytics_cache.remembered(key, functools.partial(_personal, user, weeks, now_week), user_ids=[user.pk])


def _personal(user, weeks: int, now_week: date) -> dict:
    since = now_week - timedelta(weeks=weeks - 1)
    every_week = _weekly_sums(CheckIn.objects.filter(user=user))
    ranged = [week for week in every_week if week["week_start_date"] >= since]
    current, best = rules.streaks([week["week_start_date"] for week in every_week], now_week)
    return {
        "weeks": weeks,
        "series": [_week_row(week) for week in ranged],
        "averages": _round(_averages(ranged)),
        "streak": {"current": current, "best": best},
    }


def group(*, user, group_id: int, weeks: int) -> dict:
    """Weekly averages of the group's shared check-ins, and what share of the members checked in each week."""
    group = membership_of(user=user, group_id=group_id).group
    since = rules.week_start(timezone.now(), group.timezone) - timedelta(weeks=weeks - 1)
    key = f"wellness:analytics:group:{group.pk}:{weeks}:{since}"
    return analytics_cache.remembered(key, functools.partial(_group, group, weeks, since), group_ids=[group.pk])


def _group(group: Group, weeks: int, since: date) -> dict:
    shared = CheckIn.objects.filter(group=group, is_private=False, week_start_date__gte=since)
    series = _weekly_sums(shared, participants=Count("user", distinct=True))
    joined = sorted(
        moment.date() for moment in Membership.objects.filter(group=group).values_list("joined_at", flat=True)
    )
    return {
        "groupId": group.pk,
        "weeks": weeks,
        "memberCount": group.member_count,
        "series": [_group_week(week, joined) for week in series],
        "averages": _round(_averages(series)),
    }


def _group_week(week: dict, joined: list[date]) -> dict:
    # Members then: those who joined before the week ended (joined is sorted).
    members = bisect_left(joined, week["week_start_date"] + timedelta(weeks=1)) or 1
    rate = min(1.0, week["participants"] / members)
    return {
        **_week_row(week),
        **_round({"participants": week["participants"], "members": members, "participationRate": rate}),
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
    key = f"wellness:analytics:comparison:{user.pk}:{weeks}:{since}"
    compute = functools.partial(_comparison, user, weeks, since)
    return analytics_cache.remembered(key, compute, group_ids=_group_ids(user), user_ids=[user.pk])


def _comparison(user, weeks: int, since: date) -> dict:
    sums = (
        CheckIn.objects.filter(user=user, week_start_date__gte=since)
        .values("group_id")
        .annotate(total=Sum("hu_cares_score"), count=Count("id"))
    )
    mine = {row["group_id"]: (float(row["total"]), row["count"]) for row in sums}
    count = sum(n for _, n in mine.values())
    you = {group_id: total / n for group_id, (total, n) in mine.items()}
    groups = [
        _round({**g, "you": you.get(g["groupId"]), "difference": _difference(you.get(g["groupId"]), g["average"])})
        for g in _group_averages(user=user, since=since)
    ]
    overall = round(sum(total for total, _ in mine.values()) / count, 2) if count else None
    return {"weeks": weeks, "you": overall, "groups": groups}


def _difference(you, group_average):
    return None if you is None or group_average is None else you - group_average


def insight_list(*, user) -> list[dict]:
    now_week = this_week(user)
    key = f"wellness:analytics:insights:{user.pk}:{now_week}"
    compute = functools.partial(_insights, user, now_week)
    return analytics_cache.remembered(key, compute, group_ids=_group_ids(user), user_ids=[user.pk])


def _insights(user, now_week: date) -> list[dict]:
    recent_since = now_week - timedelta(weeks=RECENT_WEEKS - 1)
    previous_since = recent_since - timedelta(weeks=RECENT_WEEKS)
    every_week = _weekly_sums(CheckIn.objects.filter(user=user))
    recent = _averages([week for week in every_week if week["week_start_date"] >= recent_since])
    previous = _averages([week for week in every_week if previous_since <= week["week_start_date"] < recent_since])
    streak, _ = rules.streaks([week["week_start_date"] for week in every_week], now_week)
    found = insights.insights_for(
        recent={**recent, "count": recent["checkIns"]},
        previous={**previous, "count": previous["checkIns"]},
        streak=streak,
        group_averages=_group_averages(user=user, since=recent_since),
    )
    return [insight.as_dict() for insight in found]
