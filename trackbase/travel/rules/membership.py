"""Schengen membership by day: a state counts on the days its membership was in force."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Membership:
    """ISO code -> ((from, until or None), ...) periods, both ends inclusive."""

    periods: Mapping[str, tuple[tuple[date, date | None], ...]] = field(default_factory=dict)

    @classmethod
    def of(cls, rows: Iterable[tuple[str, date, date | None]]) -> "Membership":
        periods: dict[str, list[tuple[date, date | None]]] = {}
        for iso_code, start, end in rows:
            periods.setdefault(iso_code, []).append((start, end))
        return cls({code: tuple(sorted(spans)) for code, spans in periods.items()})

    def is_member(self, iso_code: str, day: date) -> bool:
        return any(start <= day and (end is None or day <= end) for start, end in self.periods.get(iso_code, ()))

    def any_member(self, iso_codes: Iterable[str], day: date) -> bool:
        return any(self.is_member(code, day) for code in iso_codes)


NO_MEMBERS = Membership()
