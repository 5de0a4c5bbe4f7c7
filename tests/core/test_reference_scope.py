"""Who may change which reference record: an institute's staff its own record and people, data
stewards the shared lists (taxa, crops), after confirming a change that touches accessions."""

import pytest
from django.urls import reverse

from genebank.accessions.services import next_accession_number
from genebank.core import permissions
from genebank.core.models import Cooperator, Crop, Institute, Taxon
from tests.factories import AccessionFactory, CooperatorFactory, InstituteFactory, TaxonFactory

pytestmark = pytest.mark.django_db


def institute_data(institute, **changes):
    data = {
        "code": institute.code,
        "name": institute.name,
        "acronym": institute.acronym,
        "country": institute.country_id or "",
        "accession_prefix": institute.accession_prefix,
        "accession_digits": institute.accession_digits,
        "accession_suffix": institute.accession_suffix,
        "is_holding": "on" if institute.is_holding else "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


def test_a_curator_cannot_change_another_institutes_number_pattern(
    client_for, curator, other_curator, genebank
):
    AccessionFactory(institute=genebank, sequence=900006)
    url = reverse("reference_edit", args=["institutes", genebank.pk])
    response = client_for(other_curator).post(
        url, institute_data(genebank, accession_prefix="HACKED-")
    )
    assert response.status_code == 403
    genebank.refresh_from_db()
    assert genebank.accession_prefix == "JO-"
    assert next_accession_number(genebank) == "JO-900007"
    # Its own curator can.
    response = client_for(curator).post(url, institute_data(genebank, accession_prefix="JOR-"))
    assert response.status_code == 302
    genebank.refresh_from_db()
    assert genebank.accession_prefix == "JOR-"


def test_the_form_of_another_institute_is_read_only(client_for, other_curator, genebank):
    page = client_for(other_curator).get(
        reverse("reference_edit", args=["institutes", genebank.pk])
    )
    assert page.status_code == 200 and page.context["can_manage"] is False


def test_a_curator_cannot_change_the_people_of_another_institute(
    client_for, curator, other_curator, genebank
):
    person = CooperatorFactory(name="Hana", institute=genebank, email="hana@narc.example")
    url = reverse("reference_edit", args=["cooperators", person.pk])
    response = client_for(other_curator).post(url, {"name": "Someone else", "is_collector": "on"})
    assert response.status_code == 403
    assert Cooperator.objects.get(pk=person.pk).name == "Hana"
    # Nor move one of theirs into another institute.
    own = CooperatorFactory(name="Olive", institute=None)
    response = client_for(other_curator).post(
        reverse("reference_edit", args=["cooperators", own.pk]),
        {"name": "Olive", "institute": genebank.pk},
    )
    assert response.status_code == 403
    response = client_for(curator).post(url, {"name": "Hana A.", "institute": genebank.pk})
    assert response.status_code == 302


def test_contact_details_only_for_the_staff_of_the_persons_institute(
    client_for, viewer, other_curator, genebank
):
    person = CooperatorFactory(
        name="Hana", institute=genebank, email="hana@narc.example", phone="+962 6 555 0101"
    )
    url = reverse("reference_edit", args=["cooperators", person.pk])
    own = client_for(viewer).get(url)
    assert b"hana@narc.example" in own.content and b"555 0101" in own.content
    other = client_for(other_curator).get(url)
    assert other.status_code == 200
    assert b"Hana" in other.content  # the name is shared on purpose
    assert b"hana@narc.example" not in other.content and b"555 0101" not in other.content
    # Not through the history either.
    person.phone = "+962 6 555 0202"
    person.save()
    other = client_for(other_curator).get(url)
    assert b"555 0" not in other.content


def test_contact_details_cannot_be_probed_by_searching(client_for, other_curator, genebank):
    CooperatorFactory(name="Hana", institute=genebank, email="hana@narc.example")
    page = client_for(other_curator).get(
        reverse("reference_list", args=["cooperators"]), {"q": "narc.example"}
    )
    assert b"Hana" not in page.content


def test_curators_cannot_change_shared_lists(client_for, curator):
    taxon = TaxonFactory()
    response = client_for(curator).post(
        reverse("reference_edit", args=["taxa", taxon.pk]),
        {"genus": "Triticum", "species": "aestivum", "crop": taxon.crop_id},
    )
    assert response.status_code == 403
    crop = taxon.crop
    response = client_for(curator).post(
        reverse("reference_edit", args=["crops", crop.pk]), {"name": "Barley"}
    )
    assert response.status_code == 403
    taxon.refresh_from_db()
    assert taxon.species == "durum"
    assert Crop.objects.get(pk=crop.pk).name == "Wheat"


def test_curators_may_still_add_a_new_taxon(client_for, curator):
    response = client_for(curator).post(
        reverse("reference_create", args=["taxa"]), {"genus": "Lens", "species": "culinaris"}
    )
    assert response.status_code == 302
    assert Taxon.objects.filter(genus="Lens").exists()


def test_a_data_steward_changes_a_taxon_after_confirming(
    client_for, data_steward, genebank, other_genebank
):
    taxon = TaxonFactory()
    for institute in (genebank, genebank, other_genebank):
        AccessionFactory(institute=institute, taxon=taxon)
    url = reverse("reference_edit", args=["taxa", taxon.pk])
    data = {"genus": "Triticum", "species": "aestivum", "crop": taxon.crop_id}
    c = client_for(data_steward)

    first = c.post(url, data)
    assert first.status_code == 200
    assert first.context["confirmation"] == "This change affects 3 accessions at 2 institutes."
    assert b'name="confirm"' in first.content
    taxon.refresh_from_db()
    assert taxon.species == "durum"

    confirmed = c.post(url, {**data, "confirm": "1"})
    assert confirmed.status_code == 302
    taxon.refresh_from_db()
    assert taxon.species == "aestivum"


def test_a_crop_change_counts_the_accessions_of_its_taxa(client_for, data_steward, genebank):
    taxon = TaxonFactory()
    AccessionFactory(institute=genebank, taxon=taxon)
    response = client_for(data_steward).post(
        reverse("reference_edit", args=["crops", taxon.crop_id]), {"name": "Durum wheat"}
    )
    assert response.context["confirmation"] == "This change affects 1 accession at 1 institute."


def test_an_unused_taxon_or_an_unchanged_one_needs_no_confirmation(client_for, data_steward):
    taxon = TaxonFactory()
    response = client_for(data_steward).post(
        reverse("reference_edit", args=["taxa", taxon.pk]),
        {"genus": "Triticum", "species": "aestivum", "crop": taxon.crop_id},
    )
    assert response.status_code == 302


def test_who_keeps_which_record(curator, other_curator, data_steward, superuser, genebank):
    partner = InstituteFactory(code="ITA406", is_holding=False)
    taxon = TaxonFactory()
    assert permissions.can_change_record(curator, genebank)
    assert not permissions.can_change_record(other_curator, genebank)
    assert not permissions.can_change_record(data_steward, genebank)
    assert permissions.can_change_record(data_steward, partner)
    assert not permissions.can_change_record(curator, partner)
    assert permissions.can_change_record(curator, Institute())
    assert permissions.can_change_record(data_steward, taxon)
    assert not permissions.can_change_record(curator, taxon)
    assert all(
        permissions.can_change_record(superuser, record) for record in (genebank, partner, taxon)
    )
    # A person of no institute is kept by any curator.
    farmer = CooperatorFactory(institute=None)
    assert permissions.can_change_record(other_curator, farmer)
