"""A technician's pages: receive, process, move, count and reconcile, storage tree, data-logger
upload and chart, scan lookup, alerts on the home page, lots on the accession page; roles."""

import datetime

import pytest

from genebank.accessions.models import Accession
from genebank.inventory import services
from genebank.inventory.models import (
    EnvironmentReading,
    LotTransaction,
    ProcessingStep,
    SeedLot,
    Stocktake,
    StorageLocation,
)


@pytest.fixture
def lot(accession, technician, storage):
    return services.receive(
        accession, 1000, "seeds", "base", technician, location=storage["base_room"]
    )


# --- receiving seed ----------------------------------------------------------------------------


def test_receive_seed_from_the_accession_page(client_for, technician, accession, storage):
    client = client_for(technician)
    page = client.get(f"/accessions/{accession.pk}/").content.decode()
    assert f'href="/inventory/receive/{accession.pk}/"' in page
    response = client.post(
        f"/inventory/receive/{accession.pk}/",
        {
            "quantity": "250",
            "unit": "g",
            "collection": "base",
            "status": "processing",
            "container": "foil_bag",
            "harvest_year": "2024",
            "thousand_seed_weight": "42.5",
            "note": "from the 2024 regeneration",
        },
    )
    lot = SeedLot.objects.get(accession=accession)
    assert response.status_code == 302
    assert response["Location"] == f"/inventory/lots/{lot.pk}/"
    assert (lot.quantity, lot.unit, lot.status) == (250, "g", "processing")
    assert lot.thousand_seed_weight == pytest.approx(42.5)
    assert lot.processing_steps.get().step == "received"
    page = client.get(f"/accessions/{accession.pk}/").content.decode()
    assert lot.number in page and "250 grams" in page and "Receipt" in page


def test_receive_refuses_bad_quantities_and_writes_nothing(client_for, technician, accession):
    client = client_for(technician)
    data = {"quantity": "-5", "unit": "seeds", "collection": "base", "status": "available"}
    response = client.post(f"/inventory/receive/{accession.pk}/", data)
    assert response.status_code == 400
    assert "positive" in response.content.decode() or "greater" in response.content.decode()
    assert not SeedLot.objects.exists()


def test_a_viewer_cannot_receive(client_for, viewer, accession):
    client = client_for(viewer)
    assert client.get(f"/inventory/receive/{accession.pk}/").status_code == 403
    page = client.get(f"/accessions/{accession.pk}/").content.decode()
    assert "/inventory/receive/" not in page


# --- processing --------------------------------------------------------------------------------


def test_processing_steps_from_the_lot_page(client_for, technician, accession, storage):
    client = client_for(technician)
    lot = services.receive(accession, 800, "seeds", "base", technician, status="processing")
    url = f"/inventory/lots/{lot.pk}/process/"
    today = datetime.date.today().isoformat()
    assert client.post(url, {"step": "cleaned", "date": today}).status_code == 302
    response = client.post(
        url,
        {
            "step": "dried",
            "date": today,
            "drying_start": today,
            "drying_end": today,
            "temperature": "15",
            "humidity": "40",
        },
    )
    assert response.status_code == 302
    dried = lot.processing_steps.get(step="dried")
    assert dried.within_standard is False  # 40 % RH is above the 10-25 % standard
    # out of order: cleaning again is refused, with the service's words
    response = client.post(url, {"step": "cleaned", "date": today})
    assert response.status_code == 400
    moisture = {"step": "moisture_tested", "date": today, "moisture_content": "6.5"}
    assert client.post(url, moisture).status_code == 302
    packed = {"step": "packed", "date": today, "container": "foil_bag"}
    assert client.post(url, packed).status_code == 302
    stored = {"step": "stored", "date": today, "location": storage["base_room"].pk}
    assert client.post(url, stored).status_code == 302
    lot.refresh_from_db()
    assert lot.status == "available" and lot.location == storage["base_room"]
    assert list(lot.processing_steps.values_list("step", flat=True)) == list(
        ProcessingStep.Step.values
    )
    page = client.get(f"/inventory/lots/{lot.pk}/").content.decode()
    assert "outside the drying standard" in page
    assert 'id="step-form"' not in page  # processing is over


def test_the_processing_page_flags_overdue_lots(client_for, technician, accession):
    lot = services.receive(accession, 800, "seeds", "base", technician, status="processing")
    ProcessingStep.objects.filter(lot=lot).update(
        date=datetime.date.today() - datetime.timedelta(9)
    )
    page = client_for(technician).get("/inventory/processing/").content.decode()
    assert lot.number in page
    assert "overdue" in page and "not in the drying room 9 days after receipt" in page


# --- moves and the storage tree ---------------------------------------------------------------


def test_move_a_lot_and_refuse_a_full_box(client_for, technician, make_accession, storage):
    client = client_for(technician)
    lots = [services.receive(make_accession(), 10, "seeds", "base", technician) for _ in range(3)]
    for lot in lots[:2]:
        response = client.post(
            f"/inventory/lots/{lot.pk}/move/", {"location": storage["box"].pk, "reason": "tidy"}
        )
        assert response.status_code == 302
    response = client.post(
        f"/inventory/lots/{lots[2].pk}/move/", {"location": storage["box"].pk, "reason": "tidy"}
    )
    assert response.status_code == 400
    assert "is full" in response.content.decode()
    lots[2].refresh_from_db()
    assert lots[2].location is None


def test_a_curator_moves_a_shelf_with_everything_on_it(client_for, curator, storage, lot):
    client = client_for(curator)
    new_room = services.create_location(
        institute=storage["site"].institute, name="Cold room 2", code="CR3",
        kind=StorageLocation.Kind.ROOM, user=curator, parent=storage["site"], storage_kind="base",
    )  # fmt: skip
    shelf = storage["shelf"]
    response = client.post(
        f"/inventory/locations/{shelf.pk}/move/", {"parent": new_room.pk, "reason": "new room"}
    )
    assert response.status_code == 302
    storage["box"].refresh_from_db()
    assert storage["box"].path == "HQ/Cold room 2/Shelf A/Box 1"
    # a shelf cannot stand at the top of the tree
    response = client.post(f"/inventory/locations/{shelf.pk}/move/", {"reason": "try"})
    assert response.status_code == 400
    tree = client.get("/inventory/locations/").content.decode()
    assert tree.index("Cold room 2") < tree.index("Shelf A")


def test_a_technician_counts_but_does_not_rearrange_the_tree(client_for, technician, storage):
    client = client_for(technician)
    page = client.get(f"/inventory/locations/{storage['shelf'].pk}/").content.decode()
    assert 'id="start-stocktake"' in page
    assert 'id="move-location-form"' not in page
    response = client.post(
        f"/inventory/locations/{storage['shelf'].pk}/move/", {"reason": "no", "parent": ""}
    )
    assert response.status_code == 403


def test_add_a_place_inside_another(client_for, curator, storage):
    client = client_for(curator)
    response = client.post(
        f"/inventory/locations/{storage['shelf'].pk}/add/",
        {"name": "Box 2", "code": "CR1-A-2", "kind": "box", "capacity": "40"},
    )
    assert response.status_code == 302
    box = StorageLocation.objects.get(code="CR1-A-2")
    assert box.path == "HQ/Cold room 1/Shelf A/Box 2" and box.effective_storage_kind == "base"
    response = client.post(
        f"/inventory/locations/{storage['shelf'].pk}/add/",
        {"name": "Box 3", "code": "CR1-A-2", "kind": "box"},
    )
    assert response.status_code == 400
    assert "already in use" in response.content.decode()


# --- stocktake ---------------------------------------------------------------------------------


def test_count_by_scanning_see_differences_and_reconcile(
    client_for, technician, make_accession, storage
):
    client = client_for(technician)
    room = storage["base_room"]
    counted = services.receive(make_accession(), 100, "seeds", "base", technician, location=room)
    missing = services.receive(make_accession(), 50, "seeds", "base", technician, location=room)
    response = client.post(f"/inventory/locations/{room.pk}/stocktake/")
    stocktake = Stocktake.objects.get()
    assert response["Location"] == f"/inventory/stocktakes/{stocktake.pk}/"
    url = f"/inventory/stocktakes/{stocktake.pk}/"
    scanned = {"code": counted.number.lower(), "quantity": "97", "unit": "seeds"}
    assert client.post(url, scanned).status_code == 302
    response = client.post(url, {"code": "JOR015-L999999", "quantity": "1", "unit": "seeds"})
    assert response.status_code == 400 and "No lot has the code" in response.content.decode()
    page = client.get(url).content.decode()
    assert "1 difference" in page and ">-3<" in page
    assert missing.number in page  # expected here, not counted yet
    # a difference needs a reason
    response = client.post(url + "reconcile/", {"reason": ""})
    assert response.status_code == 400
    response = client.post(url + "reconcile/", {"reason": "spilled while counting"})
    assert response.status_code == 302
    counted.refresh_from_db()
    assert counted.quantity == 97 and counted.last_counted_at is not None
    adjustment = counted.transactions.get(kind=LotTransaction.Kind.ADJUSTMENT)
    assert "spilled while counting" in adjustment.reason_text
    missing.refresh_from_db()
    assert missing.quantity == 50  # not adjusted unless asked
    page = client.get(url).content.decode()
    assert 'id="count-form"' not in page and "Reconciled" in page


def test_a_viewer_reads_a_stocktake_but_cannot_count(client_for, viewer, technician, storage):
    stocktake = services.start_stocktake(storage["base_room"], technician)
    client = client_for(viewer)
    page = client.get(f"/inventory/stocktakes/{stocktake.pk}/").content.decode()
    assert 'id="count-form"' not in page
    response = client.post(
        f"/inventory/stocktakes/{stocktake.pk}/", {"code": "x", "quantity": "1", "unit": "seeds"}
    )
    assert response.status_code == 403


# --- storage environment -----------------------------------------------------------------------

LOGGER_CSV = (
    "Date;Temperature (°C);RH (%)\n"
    "2026-01-10 00:00;-18,0;15\n"
    "2026-01-10 01:00;-12,5;15\n"
    "2026-01-10 02:00;-11,0;16\n"
    "2026-01-10 03:00;-18,2;15\n"
)


def test_upload_logger_readings_and_see_the_chart(client_for, curator, storage, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(curator)
    room = storage["base_room"]
    upload = SimpleUploadedFile("logger.csv", LOGGER_CSV.encode(), content_type="text/csv")
    response = client.post(f"/inventory/locations/{room.pk}/readings/", {"file": upload})
    assert response.status_code == 302
    assert EnvironmentReading.objects.filter(location=room).count() == 4
    from unittest import mock

    now = datetime.datetime(2026, 1, 11, tzinfo=datetime.UTC)
    with mock.patch("django.utils.timezone.now", return_value=now):
        page = client.get(f"/inventory/locations/{room.pk}/").content.decode()
    assert "<svg" in page and "<polyline" in page
    assert page.count('fill="#dc3545"') == 2  # the two readings above -15 °C
    assert "4 readings" in page
    bad = SimpleUploadedFile("bad.csv", b"Date;Temp\nyesterday;cold\n", content_type="text/csv")
    response = client.post(f"/inventory/locations/{room.pk}/readings/", {"file": bad})
    assert response.status_code == 400 and "row 2" in response.content.decode()


# --- scan lookup, alerts, navigation -----------------------------------------------------------


def test_scan_lookup(client_for, viewer, lot, storage):
    client = client_for(viewer)
    assert client.get("/inventory/scan/", {"code": f" {lot.number} "})["Location"] == (
        f"/inventory/lots/{lot.pk}/"
    )
    assert client.get("/inventory/scan/", {"code": "CR1-A"})["Location"] == (
        f"/inventory/locations/{storage['shelf'].pk}/"
    )
    accession = lot.accession
    assert client.get("/inventory/scan/", {"code": accession.number})["Location"] == (
        f"/accessions/{accession.pk}/"
    )
    assert client.get("/inventory/scan/", {"code": f"JOR015 {accession.number}"})["Location"] == (
        f"/accessions/{accession.pk}/"
    )
    response = client.get("/inventory/scan/", {"code": "NOTHING"})
    assert response.status_code == 404
    assert "Nothing has the code" in response.content.decode()


def test_scan_does_not_open_another_institutes_lot(client_for, other_genebank, lot):
    from genebank.core.models import Role
    from tests.factories import member

    stranger = member("omar", other_genebank, Role.CURATOR)
    response = client_for(stranger).get("/inventory/scan/", {"code": lot.number})
    assert response.status_code == 404


def test_home_page_shows_alert_counts(client_for, viewer, technician, accession):
    services.receive(accession, 10, "seeds", "base", technician)  # far below reserve
    page = client_for(viewer).get("/").content.decode()
    assert 'id="inventory-alerts"' in page
    assert 'id="alert-below-reserve">1<' in page
    assert 'href="/inventory/"' in page  # the Inventory entry of the navbar
    assert 'id="scan-code"' in page


def test_accession_page_shows_lots_and_recent_transactions(client_for, viewer, lot, technician):
    services.withdraw(lot, 40, "seeds", "viability_test", technician)
    page = client_for(viewer).get(f"/accessions/{lot.accession_id}/").content.decode()
    assert 'id="accession-lots"' in page
    assert lot.number in page and "960 seeds" in page
    assert "Viability test" in page


def test_accession_page_query_count_does_not_grow_with_lots(
    client_for, viewer, technician, accession
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(viewer)
    services.receive(accession, 10, "seeds", "base", technician)
    with CaptureQueriesContext(connection) as few:
        client.get(f"/accessions/{accession.pk}/")
    for _ in range(6):
        services.receive(accession, 10, "seeds", "active", technician)
    with CaptureQueriesContext(connection) as many:
        client.get(f"/accessions/{accession.pk}/")
    assert len(many) == len(few)


def test_mcpd_storage_on_the_accession_page_comes_from_lots(
    client_for, viewer, technician, accession
):
    Accession.objects.filter(pk=accession.pk).update(storage_codes="20")
    client = client_for(viewer)
    page = client.get(f"/accessions/{accession.pk}/").content.decode()
    assert '<td dir="ltr">20</td>' in page  # no lots: what was imported
    services.receive(accession, 10, "seeds", "base", technician)
    services.receive(accession, 10, "seeds", "active", technician)
    page = client.get(f"/accessions/{accession.pk}/").content.decode()
    assert '<td dir="ltr">12;13</td>' in page


def test_mcpd_export_derives_storage_from_lots(technician, make_accession):
    from genebank.exchange.mcpd import FIELDS
    from genebank.exchange.mcpd_export import iter_mcpd_rows

    with_lots, without = make_accession(), make_accession()
    Accession.objects.filter(pk__in=[with_lots.pk, without.pk]).update(storage_codes="20")
    services.receive(with_lots, 10, "seeds", "base", technician)
    rows = {
        pk: dict(zip(FIELDS, values, strict=True))
        for pk, values in iter_mcpd_rows(Accession.objects.all(), with_pk=True)
    }
    assert rows[with_lots.pk]["STORAGE"] == "13"
    assert rows[without.pk]["STORAGE"] == "20"


def test_a_lot_counted_in_its_own_place_is_not_misplaced(
    client_for, technician, accession, storage
):
    client = client_for(technician)
    on_shelf = services.receive(
        accession, 10, "seeds", "base", technician, location=storage["shelf"]
    )
    elsewhere = services.receive(
        accession, 10, "seeds", "active", technician, location=storage["active"]
    )
    stocktake = services.start_stocktake(storage["base_room"], technician)
    url = f"/inventory/stocktakes/{stocktake.pk}/"
    for lot in (on_shelf, elsewhere):
        client.post(url, {"code": lot.number, "quantity": "10", "unit": "seeds"})
    result = services.reconcile_stocktake(stocktake, technician, "")
    assert [lot for lot, _place in result["misplaced"]] == [elsewhere]


def test_a_technician_uploads_readings_a_viewer_cannot(client_for, technician, viewer, storage):
    from django.core.files.uploadedfile import SimpleUploadedFile

    room = storage["base_room"]
    url = f"/inventory/locations/{room.pk}/readings/"

    def upload():
        return {"file": SimpleUploadedFile("l.csv", LOGGER_CSV.encode(), content_type="text/csv")}

    assert 'id="readings-form"' not in client_for(viewer).get(room_url(room)).content.decode()
    assert client_for(viewer).post(url, upload()).status_code == 403
    assert not EnvironmentReading.objects.exists()
    client = client_for(technician)
    assert 'id="readings-form"' in client.get(room_url(room)).content.decode()
    assert client.post(url, upload()).status_code == 302
    assert EnvironmentReading.objects.filter(location=room).count() == 4


def room_url(room):
    return f"/inventory/locations/{room.pk}/"
