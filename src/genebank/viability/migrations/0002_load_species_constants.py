"""Load the published viability constants (viability/data/viability_constants.csv).

The preferred set of each species is its first in the file that the reference does not mark
SUSPECT (else its first); a curator may choose another.
"""

import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "viability_constants.csv"


def load_constants(apps, schema_editor):
    SpeciesConstants = apps.get_model("viability", "SpeciesConstants")
    if SpeciesConstants.objects.exists():
        return
    with DATA.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    preferred: dict[str, int] = {}
    for index, row in enumerate(rows):
        name = row["species"].strip()
        if name not in preferred and "SUSPECT" not in row["source"]:
            preferred[name] = index
    for index, row in enumerate(rows):
        preferred.setdefault(row["species"].strip(), index)
    SpeciesConstants.objects.bulk_create(
        SpeciesConstants(
            species=row["species"].strip(),
            ke=float(row["KE"]),
            cw=float(row["CW"]),
            ch=float(row["CH"]),
            cq=float(row["CQ"]),
            source=row["source"].strip(),
            preferred=preferred[row["species"].strip()] == index,
        )
        for index, row in enumerate(rows)
    )


class Migration(migrations.Migration):
    dependencies = [("viability", "0001_species_constants")]
    operations = [migrations.RunPython(load_constants, migrations.RunPython.noop)]
