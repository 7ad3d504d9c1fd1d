"""Pure rail rules: station keys, schedule validity, what an event does to a train, booking references."""

import secrets
from datetime import datetime

from trackbase.rail.status_codes import TrainEventType, TrainStatus

MAX_SEATS_PER_BOOKING = 6
MAX_DELAY_MINUTES = 48 * 60
PNR_DIGITS = 10


def train_number_key(train_number: str) -> str:
    """Train numbers are compared as written upper-case: `12951a` is `12951A` on every database
    (MariaDB's default collation would match them anyway; PostgreSQL and SQLite would not)."""
    return train_number.strip().upper()


def station_key(name: str) -> str:
    """The form searches match on: `DEL`, `del` and ` Del ` are one station."""
    return " ".join(name.split()).upper()


def schedule_errors(*, source: str, destination: str, departure: datetime, arrival: datetime) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if station_key(source) == station_key(destination):
        errors["destination"] = ["Destination must differ from source."]
    if arrival <= departure:
        errors["arrival_time"] = ["Arrival must be after departure."]
    return errors


def seat_errors(*, total_seats: int, available_seats: int) -> dict[str, list[str]]:
    if not 0 <= available_seats <= total_seats:
        return {"available_seats": [f"Must be between 0 and total_seats ({total_seats})."]}
    return {}


def event_changes(*, type: str, delay_minutes: int | None, platform: str) -> dict:
    """The train fields an event sets. Raises ValueError naming the missing detail."""
    if type == TrainEventType.DELAY:
        if not delay_minutes or not 0 < delay_minutes <= MAX_DELAY_MINUTES:
            raise ValueError(f"delay_minutes: a DELAY needs 1 to {MAX_DELAY_MINUTES} minutes.")
        return {"status": TrainStatus.DELAYED, "delay_minutes": delay_minutes}
    if type == TrainEventType.PLATFORM_CHANGE:
        if not platform:
            raise ValueError("platform: a PLATFORM_CHANGE needs the new platform.")
        return {"platform": platform}
    if type == TrainEventType.CANCELLED:
        return {"status": TrainStatus.CANCELLED}
    if type == TrainEventType.ON_TIME:
        return {"status": TrainStatus.ON_TIME, "delay_minutes": 0}
    raise ValueError(f"type: unknown event type {type!r}.")


def event_text(
    *, type: str, train_number: str, train_name: str, delay_minutes: int | None, platform: str, note: str = ""
) -> tuple[str, str]:
    """(title, message) of a notification about a train event: the one place events are worded. Both carry
    the facts (how late, which platform); `note` (an admin's own words) follows them in the message."""
    train = f"{train_number} {train_name}"
    if type == TrainEventType.DELAY:
        minutes = delay_minutes or 0
        title = f"{train_number} delayed by {_short_duration(minutes)}"
        message = f"{train} is running {_long_duration(minutes)} late."
    elif type == TrainEventType.PLATFORM_CHANGE:
        title = f"{train_number} now at platform {platform}"
        message = f"{train} now departs from platform {platform}."
    elif type == TrainEventType.CANCELLED:
        title, message = f"{train_number} cancelled", f"{train} has been cancelled."
    else:
        title, message = f"{train_number} on time", f"{train} is running on time."
    return title, f"{message} {note.strip()}".rstrip()


def _short_duration(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    return " ".join(part for part in (f"{hours} h" if hours else "", f"{rest} min" if rest else "") if part)


def _long_duration(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    parts = [f"{hours} hour{'s' * (hours != 1)}" if hours else "", f"{rest} minute{'s' * (rest != 1)}" if rest else ""]
    return " ".join(part for part in parts if part)


def new_pnr() -> str:
    return "".join(str(secrets.randbelow(10)) for _ in range(PNR_DIGITS))
