"""A stocktake in a real browser: scan each lot (code + Enter), type the count, reconcile."""

import re

import pytest
from playwright.sync_api import expect

from genebank.core.models import Crop, Taxon
from genebank.inventory import services
from genebank.inventory.models import LotTransaction, StorageLocation
from tests.factories import AccessionFactory


@pytest.fixture
def room_with_lots(genebank, technician, curator):
    crop = Crop.objects.create(name="Barley")
    taxon = Taxon.objects.create(genus="Hordeum", species="vulgare", crop=crop)
    site = services.create_location(
        institute=genebank, name="HQ", code="HQ", kind=StorageLocation.Kind.SITE, user=curator
    )
    room = services.create_location(
        institute=genebank, name="Cold room", code="CR1", kind=StorageLocation.Kind.ROOM,
        user=curator, parent=site, storage_kind="base",
    )  # fmt: skip
    lots = [
        services.receive(
            AccessionFactory(institute=genebank, taxon=taxon),
            200,
            "seeds",
            "base",
            technician,
            location=room,
        )  # fmt: skip
        for _ in range(2)
    ]
    return room, lots


def test_count_a_room_by_scanning_and_reconcile(page_for, technician, room_with_lots):
    room, (first, second) = room_with_lots
    page = page_for(technician)
    page.goto("/")
    page.locator("#scan-code").fill("CR1")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Count this place").click()
    expect(page).to_have_url(re.compile(r"/inventory/stocktakes/\d+/$"))
    expect(page.locator("#not-counted li")).to_have_count(2)

    for lot, counted in ((first, "200"), (second, "180")):
        code = page.locator("#id_code")
        expect(code).to_be_focused()
        page.keyboard.type(lot.number)
        page.keyboard.press("Enter")  # the scanner's Enter moves on to the quantity
        expect(page.locator("#id_quantity")).to_be_focused()
        page.keyboard.type(counted)
        page.keyboard.press("Enter")
        expect(page.locator("#counts")).to_contain_text(lot.number)

    expect(page.locator("#counts tr.table-warning")).to_have_count(1)
    expect(page.locator("#counts tr.table-warning .difference")).to_have_text("-20")
    page.fill("#id_reason", "mice in the cold room")
    page.get_by_role("button", name="Reconcile into adjustments").click()
    expect(page.locator(".alert-success")).to_contain_text("1 adjusted")
    second.refresh_from_db()
    assert second.quantity == 180
    adjustment = second.transactions.get(kind=LotTransaction.Kind.ADJUSTMENT)
    assert adjustment.user == technician and "mice" in adjustment.reason_text
