"""The scan box on every page: a hand scanner types a code and Enter, and that page opens."""

import re

import pytest
from playwright.sync_api import expect

from genebank.core.models import Crop, Taxon
from genebank.inventory import services
from genebank.inventory.models import StorageLocation
from tests.factories import AccessionFactory


@pytest.fixture
def lot(genebank, technician, curator):
    crop = Crop.objects.create(name="Lentil")
    taxon = Taxon.objects.create(genus="Lens", species="culinaris", crop=crop)
    accession = AccessionFactory(institute=genebank, taxon=taxon)
    site = services.create_location(
        institute=genebank, name="HQ", code="HQ", kind=StorageLocation.Kind.SITE, user=curator
    )
    room = services.create_location(
        institute=genebank, name="Cool room", code="CR2", kind=StorageLocation.Kind.ROOM,
        user=curator, parent=site, storage_kind="active",
    )  # fmt: skip
    return services.receive(accession, 500, "seeds", "active", technician, location=room)


def scan(page, code):
    """What a hand scanner does: type the code into the focused box, then Enter."""
    box = page.locator("#scan-code")
    box.click()
    page.keyboard.type(code)
    page.keyboard.press("Enter")


def test_scanning_a_lot_code_opens_the_lot(page_for, technician, lot):
    page = page_for(technician)
    page.goto("/accessions/")
    scan(page, lot.number)
    expect(page).to_have_url(re.compile(rf"/inventory/lots/{lot.pk}/$"))
    expect(page.locator("h1")).to_contain_text(lot.number)
    expect(page.locator("#lot-quantity")).to_contain_text("500")


def test_scanning_a_location_or_an_accession_number(page_for, viewer, lot):
    page = page_for(viewer)
    page.goto("/inventory/")
    scan(page, "cr2")  # scanners may send lower case
    expect(page).to_have_url(re.compile(rf"/inventory/locations/{lot.location_id}/$"))
    expect(page.locator("h1")).to_contain_text("HQ/Cool room")
    scan(page, lot.accession.number)
    expect(page).to_have_url(re.compile(rf"/accessions/{lot.accession_id}/$"))
    expect(page.locator("#accession-lots")).to_contain_text(lot.number)


def test_an_unknown_code_says_nothing_has_it(page_for, viewer, lot):
    page = page_for(viewer)
    page.goto("/")
    scan(page, "NOPE-123")
    expect(page.locator("#scan-nothing")).to_contain_text("NOPE-123")
