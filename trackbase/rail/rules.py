"""Pure rail rules: station keys, schedule validity, what an event does to a train, booking references."""

import secrets
from datetime import datetime

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
    if type == "DELAY":
        if not delay_minutes or not 0 < delay_minutes <= MAX_DELAY_MINUTES:
            raise ValueError(f"delay_minutes: a DELAY needs 1 to {MAX_DELAY_MINUTES} minutes.")
        return {"status": "DELAYED", "delay_minutes": delay_minutes}
    if type == "PLATFORM_CHANGE":
        if not platform:
            raise ValueError("platform: a PLATFORM_CHANGE needs the new platform.")
        return {"platform": platform}
    if type == "CANCELLED":
        return {"status": "CANCELLED"}
    if type == "ON_TIME":
        return {"status": "ON_TIME", "delay_minutes": 0}
    raise ValueError(f"type: unknown event type {type!r}.")


def event_text(
    *, type: str, train_number: str, train_name: str, delay_minutes: int | None, platform: str
) -> tuple[str, str]:
    """(title, message) of the notification a train event sends."""
    train = f"{train_number} {train_name}"
    if type == "DELAY":
        return f"{train_number} delayed", f"{train} is running {delay_minutes} minutes late."
    if type == "PLATFORM_CHANGE":
        return f"{train_number} platform change", f"{train} now departs from platform {platform}."
    if type == "CANCELLED":
        return f"{train_number} cancelled", f"{train} has been cancelled."
    return f"{train_number} on time", f"{train} is running on time."


def new_pnr() -> str:
    return "".join(str(secrets.randbelow(10)) for _ in range(PNR_DIGITS))
