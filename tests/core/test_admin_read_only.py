"""The admin pages show records and never change them: a POST to add, change, delete or revert is
refused and leaves the record as it was. Reserve levels, edited there, go through the service."""

import pytest

from genebank.accessions.models import Accession
from genebank.core.models import Institute
from genebank.inventory.models import ReserveLevel
from tests.factories import AccessionFactory, CropFactory, UserFactory


@pytest.fixture
def superuser_client(client, db):
    user = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(user)
    return client


def test_the_admin_still_shows_records(superuser_client, genebank):
    assert superuser_client.get("/admin/core/institute/").status_code == 200
    page = superuser_client.get(f"/admin/core/institute/{genebank.pk}/change/")
    assert page.status_code == 200
    assert genebank.code in page.content.decode()
    assert superuser_client.get(f"/admin/core/institute/{genebank.pk}/history/").status_code == 200


def test_a_post_cannot_change_add_or_delete_an_institute(superuser_client, genebank):
    before = (genebank.name, Institute.objects.count(), genebank.history.count())
    change = superuser_client.post(
        f"/admin/core/institute/{genebank.pk}/change/",
        {"code": genebank.code, "name": "Renamed behind the services", "country": "JOR"},
    )
    add = superuser_client.post(
        "/admin/core/institute/add/", {"code": "XYZ001", "name": "New", "country": "JOR"}
    )
    delete = superuser_client.post(f"/admin/core/institute/{genebank.pk}/delete/", {"post": "yes"})
    assert {change.status_code, add.status_code, delete.status_code} <= {403}
    genebank.refresh_from_db()
    assert (genebank.name, Institute.objects.count(), genebank.history.count()) == before


def test_a_post_cannot_revert_an_accession_from_its_history(superuser_client, genebank):
    accession = AccessionFactory(institute=genebank, remarks="first")
    accession.remarks = "second"
    accession.save()
    old = accession.history.earliest()
    url = f"/admin/accessions/accession/{accession.pk}/history/{old.history_id}/"
    assert superuser_client.get(url).status_code == 200  # the old version can be read
    response = superuser_client.post(url, {"number": accession.number, "remarks": "first"})
    assert response.status_code == 403
    accession.refresh_from_db()
    assert accession.remarks == "second"
    change = superuser_client.post(
        f"/admin/accessions/accession/{accession.pk}/change/", {"remarks": "third"}
    )
    assert change.status_code == 403
    assert Accession.objects.get(pk=accession.pk).remarks == "second"


def test_a_reserve_level_edited_in_the_admin_goes_through_the_service(superuser_client):
    crop = CropFactory(name="Lentil")
    response = superuser_client.post(
        "/admin/inventory/reservelevel/add/",
        {
            "crop": crop.pk,
            "mating_system": "self",
            "distribution_reserve": 2000,
            "regeneration_threshold": 1500,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    level = ReserveLevel.objects.get(crop=crop)
    row = level.history.get()
    assert row.history_change_reason == "Edited in the admin"
    assert row.history_user.username == "root"
    delete = superuser_client.post(
        f"/admin/inventory/reservelevel/{level.pk}/delete/", {"post": "yes"}
    )
    assert delete.status_code == 403
    assert ReserveLevel.objects.filter(pk=level.pk).exists()


def test_species_constants_edited_in_the_admin_go_through_the_service(superuser_client):
    from genebank.viability.models import SpeciesConstants

    record = SpeciesConstants.objects.filter(preferred=True).first()
    response = superuser_client.post(
        f"/admin/viability/speciesconstants/{record.pk}/change/",
        {
            "species": record.species,
            "ke": record.ke,
            "cw": 4.5,
            "ch": record.ch,
            "cq": record.cq,
            "source": record.source,
            "preferred": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    record.refresh_from_db()
    assert record.cw == 4.5
    row = record.history.first()
    assert row.history_change_reason == "Edited in the admin"
    assert row.history_user.username == "root"
    delete = superuser_client.post(
        f"/admin/viability/speciesconstants/{record.pk}/delete/", {"post": "yes"}
    )
    assert delete.status_code == 403
    assert SpeciesConstants.objects.filter(pk=record.pk).exists()
