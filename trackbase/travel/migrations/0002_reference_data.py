"""The countries, Schengen membership periods and visa rules every travel request needs (the seed's
"needs pre-population"): a new database answers without `load_reference_data` having run. That command
stays the way to refresh them (country renames, new members)."""

import pycountry
from django.db import migrations


def load(apps, schema_editor):
    from trackbase.travel.reference_data import RULES, SCHENGEN_RULE, SCHENGEN_SINCE, country_name

    Country = apps.get_model("travel", "Country")
    SchengenMembership = apps.get_model("travel", "SchengenMembership")
    VisaRule = apps.get_model("travel", "VisaRule")
    existing = set(Country.objects.values_list("iso_code", flat=True))
    Country.objects.bulk_create(
        [
            Country(iso_code=entry.alpha_2, name=country_name(entry))
            for entry in pycountry.countries
            if entry.alpha_2 not in existing
        ]
    )
    members = Country.objects.in_bulk(list(SCHENGEN_SINCE), field_name="iso_code")
    for code, since in SCHENGEN_SINCE.items():
        SchengenMembership.objects.get_or_create(country=members[code], joined_on=since)
    for rule in RULES:
        visa_rule, _ = VisaRule.objects.update_or_create(
            calculation_logic_ref=rule["calculation_logic_ref"], defaults=rule
        )
        if rule["calculation_logic_ref"] == SCHENGEN_RULE:
            visa_rule.region_countries.set(members.values())


class Migration(migrations.Migration):
    dependencies = [("travel", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
