"""Days per country, and the 183-days-per-calendar-year test (the common tax-residency threshold)."""

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

RESIDENCY_DAYS = 183


def days_per_country(ledger: Mapping[date, Iterable[str]], first: date, last: date) -> Counter:
    """Country -> days present between first and last (inclusive); a travel day counts in both countries."""
    counts: Counter = Counter()
    for day, countries in ledger.items():
        if first <= day <= last:
            counts.update(set(countries))
    return counts


@dataclass(frozen=True, slots=True)
class CountryYear:
    iso_code: str
    days: int
    days_remaining: int
    reached: bool


def calendar_year_status(ledger: Mapping[date, Iterable[str]], check_date: date) -> list[CountryYear]:
    """Per country, days present from 1 January to check_date, most days first."""
    counts = days_per_country(ledger, date(check_date.year, 1, 1), check_date)
    return [
        CountryYear(code, days, max(0, RESIDENCY_DAYS - days), days >= RESIDENCY_DAYS)
        for code, days in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]
