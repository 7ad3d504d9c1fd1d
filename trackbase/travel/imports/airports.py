"""IATA or ICAO airport code -> ISO country and IANA time zone, from airportsdata (no guessing)."""

import functools
import re
from dataclasses import dataclass

import airportsdata

IATA = re.compile(r"[A-Z]{3}")
ICAO = re.compile(r"[A-Z0-9]{4}")


@dataclass(frozen=True, slots=True)
class Airport:
    key: str  # ICAO when known, else IATA: one spelling per airport, for duplicate detection
    iata: str
    country: str
    tz: str


@functools.cache
def _tables() -> tuple[dict, dict]:
    return airportsdata.load("IATA"), airportsdata.load("ICAO")


@functools.lru_cache(maxsize=16384)
def lookup(code: str) -> Airport | None:
    code = code.strip().upper()
    by_iata, by_icao = _tables()
    row = by_iata.get(code) if IATA.fullmatch(code) else by_icao.get(code) if ICAO.fullmatch(code) else None
    if row is None or not row.get("country") or not row.get("tz"):
        return None
    return Airport(key=row.get("icao") or row["iata"], iata=row.get("iata") or "", country=row["country"], tz=row["tz"])
