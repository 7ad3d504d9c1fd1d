"""HuCares' pure rules: scores, weeks in a group's time zone, access codes, usernames, streaks.
No Django imports: tested without a database."""

import re
import secrets
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

SCORE_MIN, SCORE_MAX = 1, 10
# No 0/O, 1/I/L: a code read aloud or copied from a phone screen cannot be mistaken.
ACCESS_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
ACCESS_CODE_LENGTH = 8
USERNAME_PATTERN = re.compile(r"[A-Za-z0-9_-]{3,30}")
USERNAME_RULE = "3-30 characters: letters, digits, _ and -."
# The live HuCares client's reserved names.
RESERVED_USERNAMES = frozenset({"admin", "root", "api", "www", "mail", "support", "help", "info"})
ROLES = ("admin", "moderator", "member")
FREQUENCIES = ("daily", "weekly", "biweekly")


def hu_cares_score(*, productive: int, satisfied: int, body: int, care: int) -> int:
    """The seed's formula: productive + satisfied + body - care (8/7/6/9 -> 12)."""
    return productive + satisfied + body - care


def week_start(moment: datetime, tz_name: str) -> date:
    """The Monday of the week `moment` falls in, on the calendar of time zone `tz_name`."""
    local = moment.astimezone(ZoneInfo(tz_name)).date()
    return local - timedelta(days=local.weekday())


def new_access_code() -> str:
    return "".join(secrets.choice(ACCESS_CODE_ALPHABET) for _ in range(ACCESS_CODE_LENGTH))


def normalize_access_code(raw: str) -> str:
    return re.sub(r"[\s-]", "", raw or "").upper()


def username_problem(username: str) -> str | None:
    """Why a HuCares username is refused, or None when it is fine."""
    if not USERNAME_PATTERN.fullmatch(username or ""):
        return f"Invalid username: {USERNAME_RULE}"
    if username.lower() in RESERVED_USERNAMES:
        return "This username is reserved."
    return None


def streaks(weeks: list[date], current_week: date) -> tuple[int, int]:
    """(current, best) runs of consecutive weeks with a check-in. The current run may end last week:
    this week's check-in is not late until the week is over."""
    ordered = sorted(set(weeks))
    best = run = 0
    previous = None
    for week in ordered:
        run = run + 1 if previous is not None and week - previous == timedelta(weeks=1) else 1
        best = max(best, run)
        previous = week
    if previous is None or current_week - previous > timedelta(weeks=1):
        return 0, best
    return run, best


def reminder_due(local_now: datetime, *, frequency: str, weekday: int = 6, hour: int = 18) -> bool:
    """Whether a group's reminder hour is now: Sunday 18:00-18:59 local by default; daily groups at that hour
    every day (until the member has checked in that week); biweekly groups on even ISO weeks only."""
    if local_now.hour != hour:
        return False
    if frequency == "daily":
        return True
    return local_now.weekday() == weekday and (frequency != "biweekly" or local_now.isocalendar().week % 2 == 0)
