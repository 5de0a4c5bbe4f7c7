"""The alerts work list in a real browser: filter, tick two lots, print their labels (a PDF)."""

import io

import pypdf
import pytest
from playwright.sync_api import expect

from genebank.core.models import Crop, Taxon
from genebank.inventory import services
from tests.factories import AccessionFactory


@pytest.fixture
def lots_below_reserve(genebank, technician):
    taxon = Taxon.objects.create(
        genus="Hordeum", species="vulgare", crop=Crop.objects.create(name="Barley")
    )
    return [
        services.receive(
            AccessionFactory(institute=genebank, taxon=taxon), 100, "seeds", collection, technician
        )
        for collection in ("active", "active", "active", "base")
    ]


def test_filter_tick_two_and_print_their_labels(page_for, viewer, lots_below_reserve):
    first, second, third, base = lots_below_reserve
    page = page_for(viewer)
    page.goto("/inventory/alerts/")
    expect(page.locator("#worklist-count")).to_have_text("4 rows")
    page.locator("#worklist-filters select[name=collection]").select_option("active")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("#worklist-count")).to_have_text("3 rows")
    expect(page.get_by_role("link", name=base.number)).to_have_count(0)

    # The header box ticks the whole page, and unticks it.
    select_all = page.locator("input[data-select-all]")
    select_all.check()
    expect(page.locator("input[name=selected]:checked")).to_have_count(3)
    select_all.uncheck()
    expect(page.locator("input[name=selected]:checked")).to_have_count(0)

    for lot in (first, third):
        page.locator(f"input[name=selected][value='{lot.pk}']").check()
    expect(select_all).not_to_be_checked()
    page.locator("#worklist-action").select_option("print_labels")
    with page.expect_download() as download:
        page.locator("#worklist-run").click()
    pdf = download.value
    assert pdf.suggested_filename == "labels.pdf"
    with open(pdf.path(), "rb") as file:
        text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(file.read())).pages)
    assert first.number in text and third.number in text
    assert second.number not in text and base.number not in text
