"""Species constants: loaded from the published table by a migration, editable with history."""

import csv
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from genebank.viability.models import SpeciesConstants
from genebank.viability.services import prefer_species_constants, save_species_constants

DATA = Path(__file__).resolve().parents[2] / "src/genebank/viability/data/viability_constants.csv"
REFERENCE = Path(__file__).resolve().parents[2] / ".." / "shared/reference/viability_constants.csv"

pytestmark = pytest.mark.django_db


def test_the_migration_loads_every_row_with_its_source():
    with DATA.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert SpeciesConstants.objects.count() == len(rows) == 163
    rice = SpeciesConstants.objects.get(species="Oryza sativa", preferred=True)
    assert (rice.ke, rice.cw, rice.ch, rice.cq) == (8.242, 4.345, 0.0307, 0.000501)
    assert rice.source.startswith("Ellis et al., 2007")
    assert rice.preferred
    assert not SpeciesConstants.objects.filter(source="").exists()


def test_the_app_copy_is_the_reference_table_when_present():
    if not REFERENCE.exists():
        pytest.skip("../shared/reference is not here")
    assert DATA.read_bytes() == REFERENCE.read_bytes()


def test_each_species_has_one_preferred_set_not_a_suspect_one_where_it_can():
    species = set(SpeciesConstants.objects.values_list("species", flat=True))
    assert SpeciesConstants.objects.filter(preferred=True).count() == len(species)
    # Sorghum bicolor: Ali 2014 (first, SUSPECT) is passed over for Ellis et al. 2007.
    sorghum = SpeciesConstants.objects.get(species="Sorghum bicolor", preferred=True)
    assert sorghum.source.startswith("Ellis et al., 2007") and not sorghum.suspect
    # Saccharum sp. has only a suspect set: it stays preferred, and says it is suspect.
    assert SpeciesConstants.objects.get(species="Saccharum sp.").suspect


def test_names_find_exact_then_bracketed_qualifiers():
    assert {s.species for s in SpeciesConstants.objects.named("zea  MAYS")} == {"Zea mays"}
    assert {s.species for s in SpeciesConstants.objects.named("Brachiaria brizantha")} == {
        "Brachiaria brizantha (Intact seed)",
        "Brachiaria brizantha (Scarified seed)",
    }
    assert not SpeciesConstants.objects.named("Zea").exists()


def test_a_data_steward_edits_constants_with_history(data_steward):
    rice = SpeciesConstants.objects.get(species="Oryza sativa", preferred=True)
    rice.ke = 8.25
    save_species_constants(rice, data_steward, "Corrected from the paper")
    rice.refresh_from_db()
    assert rice.ke == 8.25
    last = rice.history.latest()
    assert (last.history_user, last.history_change_reason) == (
        data_steward,
        "Corrected from the paper",
    )


def test_only_data_stewards_edit_constants(curator):
    rice = SpeciesConstants.objects.get(species="Oryza sativa", preferred=True)
    rice.ke = 1
    with pytest.raises(PermissionDenied):
        save_species_constants(rice, curator, "no")
    assert SpeciesConstants.objects.get(pk=rice.pk).ke == 8.242


def test_choosing_another_preferred_set(data_steward):
    old = SpeciesConstants.objects.get(species="Zea mays", preferred=True)
    other = SpeciesConstants.objects.filter(species="Zea mays").exclude(pk=old.pk).get()
    prefer_species_constants(other, data_steward, "Hong et al. fit our store")
    assert list(SpeciesConstants.objects.filter(species="Zea mays", preferred=True)) == [other]
    old.refresh_from_db()
    assert old.history.latest().history_change_reason == "Hong et al. fit our store"


def test_two_preferred_sets_are_refused(data_steward):
    old = SpeciesConstants.objects.get(species="Zea mays", preferred=True)
    other = SpeciesConstants.objects.filter(species="Zea mays").exclude(pk=old.pk).get()
    other.preferred = True
    with pytest.raises(ValidationError):
        save_species_constants(other, data_steward, "both")
