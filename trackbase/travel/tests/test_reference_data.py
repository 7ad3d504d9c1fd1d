from datetime import date

import pytest
from django.core.management import call_command

from trackbase.travel.models import Country, SchengenMembership, VisaRule
from trackbase.travel.selectors import schengen_membership

pytestmark = pytest.mark.django_db


def test_every_iso_country_is_loaded_once_even_when_loaded_again():
    call_command("load_reference_data", verbosity=0)
    call_command("load_reference_data", verbosity=0)
    assert Country.objects.count() == 249
    assert SchengenMembership.objects.count() == 29
    assert VisaRule.objects.count() == 2


@pytest.mark.parametrize(
    ("code", "day", "member"),
    [
        ("HR", date(2022, 12, 31), False),
        ("HR", date(2023, 1, 1), True),
        ("BG", date(2024, 3, 30), False),
        ("BG", date(2024, 3, 31), True),
        ("RO", date(2024, 3, 31), True),
        ("IE", date(2030, 1, 1), False),
        ("CY", date(2030, 1, 1), False),
        ("GB", date(2030, 1, 1), False),
        ("IS", date(2030, 1, 1), True),
        ("LI", date(2030, 1, 1), True),
        ("NO", date(2030, 1, 1), True),
        ("CH", date(2030, 1, 1), True),
        ("DE", date(1996, 1, 1), True),
    ],
)
def test_membership_is_judged_by_the_day(code, day, member):
    assert schengen_membership().is_member(code, day) is member


def test_the_schengen_rule_names_its_calculator_and_its_region():
    rule = VisaRule.objects.get(calculation_logic_ref="schengen_90_180")
    assert (rule.max_days, rule.period_days) == (90, 180)
    assert rule.region_countries.filter(iso_code="IE").count() == 0
    assert rule.region_countries.count() == 29
