"""The CSV formats we read, detected from the header row.

generic (docs/travel.md): `date,from,to` and optionally `departure_time`, `arrival_time`, `arrival_date`,
`flight_number` (any order, any case). Dates are YYYY-MM-DD, times HH:MM[:SS] local to the airport,
airports IATA (FRA) or ICAO (EDDF).

myFlightradar24 export: `Date,Flight number,From,To,Dep time,Arr time,Duration,...`, airports written
`Frankfurt / Frankfurt International (FRA/EDDF)`.
"""

import csv
import functools
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, time, timedelta

GENERIC, FLIGHTRADAR24 = "generic", "myflightradar24"
FR24_REQUIRED = {"date", "flight number", "from", "to", "dep time", "arr time"}
GENERIC_REQUIRED = {"date", "from", "to"}
AIRPORT_IN_PARENS = re.compile(r"\(([A-Za-z0-9]{3,4})(?:/([A-Za-z0-9]{3,4}))?\)\s*$")
TIME = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?")
DURATION = re.compile(r"(\d{1,3}):(\d{2})(?::(\d{2}))?")


class NotCsv(ValueError):
    pass


# Not frozen: a frozen dataclass sets each field through object.__setattr__, about 2 µs a row here.
@dataclass(slots=True)
class RawFlight:
    row: int
    day: date
    origin: tuple[str, ...]  # codes to try, most precise first
    destination: tuple[str, ...]
    departure_time: time | None
    arrival_time: time | None
    arrival_day: date | None
    duration: timedelta | None
    flight_number: str


@dataclass(frozen=True, slots=True)
class RowError:
    row: int
    message: str


def decode(data: bytes) -> str:
    """UTF-8 (with or without a BOM), else Latin-1; binary data is not CSV."""
    if b"\x00" in data[:8192]:
        raise NotCsv("The file is binary, not CSV.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def detect(header: list[str]) -> str:
    names = {name.strip().lower() for name in header}
    if names >= FR24_REQUIRED:
        return FLIGHTRADAR24
    if names >= GENERIC_REQUIRED:
        return GENERIC
    raise NotCsv("Unrecognised CSV header: expected the generic format (date,from,to,...) or a myFlightradar24 export.")


def reader(text: str) -> tuple[str, Iterator[dict]]:
    """(format, rows as dicts with lower-cased keys; blank lines skipped, a short row lacks the missing keys)."""
    stream = io.StringIO(text, newline="")
    rows = csv.reader(stream)
    try:
        header = next(rows)
    except (StopIteration, csv.Error) as exc:
        raise NotCsv("The file is empty or not CSV.") from exc
    kind = detect(header)
    names = [name.strip().lower() for name in header]
    # csv.DictReader does the same in Python per row; a zip into a dict is about half its cost.
    return kind, (dict(zip(names, values, strict=False)) for values in rows if values)


def _time(value: str | None) -> time | None:
    value = (value or "").strip()
    return _parsed_time(value) if value else None


# Flight histories repeat their dates, times and airport names: each distinct spelling is parsed once.
@functools.lru_cache(maxsize=8192)
def _parsed_time(value: str) -> time:
    match = TIME.fullmatch(value)
    if not match or int(match[1]) > 23 or int(match[2]) > 59 or int(match[3] or 0) > 59:
        raise ValueError(f"Bad time {value!r}; expected HH:MM.")
    return time(int(match[1]), int(match[2]), int(match[3] or 0))


def _date(value: str | None, name: str) -> date:
    try:
        return _parsed_date((value or "").strip())
    except ValueError:
        raise ValueError(f"Bad {name} {value!r}; expected YYYY-MM-DD.") from None


@functools.lru_cache(maxsize=8192)
def _parsed_date(value: str) -> date:
    return date.fromisoformat(value)


def _duration(value: str | None) -> timedelta | None:
    match = DURATION.fullmatch((value or "").strip())
    if not match:
        return None
    return timedelta(hours=int(match[1]), minutes=int(match[2]), seconds=int(match[3] or 0))


def _fr24_airport(value: str | None) -> tuple[str, ...]:
    return _fr24_codes((value or "").strip())


@functools.lru_cache(maxsize=8192)
def _fr24_codes(value: str) -> tuple[str, ...]:
    match = AIRPORT_IN_PARENS.search(value)
    if not match:
        raise ValueError(f"Cannot read an airport code in {value!r}.")
    # ICAO first: it is unique, while a few IATA codes are shared or missing.
    return tuple(code.upper() for code in (match[2], match[1]) if code)


def _code(value: str | None, name: str) -> tuple[str, ...]:
    code = (value or "").strip().upper()
    if not code:
        raise ValueError(f"Missing {name} airport.")
    return (code,)


def parse_row(kind: str, number: int, row: dict) -> RawFlight | RowError:
    try:
        if kind == FLIGHTRADAR24:
            return RawFlight(
                row=number,
                day=_date(row.get("date"), "date"),
                origin=_fr24_airport(row.get("from")),
                destination=_fr24_airport(row.get("to")),
                departure_time=_time(row.get("dep time")),
                arrival_time=_time(row.get("arr time")),
                arrival_day=None,
                duration=_duration(row.get("duration")),
                flight_number=(row.get("flight number") or "").strip().upper().replace(" ", "")[:10],
            )
        arrival_day = row.get("arrival_date")
        return RawFlight(
            row=number,
            day=_date(row.get("date"), "date"),
            origin=_code(row.get("from"), "departure"),
            destination=_code(row.get("to"), "arrival"),
            departure_time=_time(row.get("departure_time")),
            arrival_time=_time(row.get("arrival_time")),
            arrival_day=_date(arrival_day, "arrival_date") if (arrival_day or "").strip() else None,
            duration=None,
            flight_number=(row.get("flight_number") or "").strip().upper().replace(" ", "")[:10],
        )
    except ValueError as exc:
        return RowError(number, str(exc))
