"""Load the ISO 3166-1 countries from pycountry."""

from django.db import migrations


def load_countries(apps, schema_editor):
    from genebank.core.countries import all_countries

    Country = apps.get_model("core", "Country")
    existing = set(Country.objects.values_list("iso3", flat=True))
    Country.objects.bulk_create(
        Country(iso3=iso3, iso2=iso2, name=name)
        for iso3, iso2, name, _numeric in all_countries()
        if iso3 not in existing
    )


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(load_countries, migrations.RunPython.noop)]
