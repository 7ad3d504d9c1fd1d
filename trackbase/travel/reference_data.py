"""Countries (ISO 3166-1 via pycountry), Schengen membership with effective dates, and the visa rules.

Called by `manage.py load_reference_data` (and so by `make run`); safe to run again. Membership dates
are the days each state started applying the Schengen acquis in full (land borders where air and land
differed, the earlier date: e.g. the 2007 enlargement's 21 December 2007). BG and RO count from
2024-03-31 (air and sea borders; land borders followed on 2025-01-01). IE and CY are not members.
"""

from datetime import date

import pycountry

from trackbase.travel.models import Country, SchengenMembership, UserVisaStatus, VisaRule

SCHENGEN_SINCE: dict[str, date] = {
    **dict.fromkeys(["BE", "FR", "DE", "LU", "NL", "PT", "ES"], date(1995, 3, 26)),
    "IT": date(1997, 10, 26),
    "AT": date(1997, 12, 1),
    "GR": date(2000, 3, 26),
    **dict.fromkeys(["DK", "FI", "IS", "NO", "SE"], date(2001, 3, 25)),
    **dict.fromkeys(["CZ", "EE", "HU", "LV", "LT", "MT", "PL", "SK", "SI"], date(2007, 12, 21)),
    "CH": date(2008, 12, 12),
    "LI": date(2011, 12, 19),
    "HR": date(2023, 1, 1),
    **dict.fromkeys(["BG", "RO"], date(2024, 3, 31)),
}

SCHENGEN_RULE = "schengen_90_180"
RESIDENCY_RULE = "calendar_year_183"

RULES = [
    {
        "name": "Schengen 90/180",
        "calculation_logic_ref": SCHENGEN_RULE,
        "max_days": 90,
        "period_days": 180,
        "description": "At most 90 days in any 180-day period in the Schengen area (Regulation (EU) 2016/399, "
        "Art. 6): for each day, the 180 days up to and including it are counted.",
    },
    {
        "name": "183 days per calendar year",
        "calculation_logic_ref": RESIDENCY_RULE,
        "max_days": 183,
        "period_days": 365,
        "description": "Days present in each country from 1 January: 183 or more is the common tax-residency "
        "threshold.",
    },
]


def country_name(entry) -> str:
    return getattr(entry, "common_name", None) or entry.name


def _load_countries() -> None:
    wanted = {entry.alpha_2: country_name(entry) for entry in pycountry.countries}
    existing = {c.iso_code: c for c in Country.objects.all()}
    Country.objects.bulk_create(
        [Country(iso_code=code, name=name) for code, name in wanted.items() if code not in existing]
    )
    renamed = [c for code, c in existing.items() if code in wanted and c.name != wanted[code]]
    for country in renamed:
        country.name = wanted[country.iso_code]
    # Two-step rename so that swapped names never collide on the unique constraint.
    for country in renamed:
        Country.objects.filter(pk=country.pk).update(name=f"~{country.iso_code}")
    Country.objects.bulk_update(renamed, ["name"])


def load() -> None:
    _load_countries()
    members = Country.objects.in_bulk(list(SCHENGEN_SINCE), field_name="iso_code")
    for code, since in SCHENGEN_SINCE.items():
        _, added = SchengenMembership.objects.get_or_create(country=members[code], joined_on=since)
        if added:
            UserVisaStatus.objects.all().delete()  # cached statuses were counted without this period
    for rule in RULES:
        visa_rule, _ = VisaRule.objects.update_or_create(
            calculation_logic_ref=rule["calculation_logic_ref"], defaults=rule
        )
        if rule["calculation_logic_ref"] == SCHENGEN_RULE:
            visa_rule.region_countries.set(members.values())
