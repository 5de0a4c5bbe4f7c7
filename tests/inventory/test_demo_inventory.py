"""`genebank demo` fills the cold rooms: storage tree, seed lots with true ledgers, processing,
a stocktake and data-logger readings, in the same all-or-nothing load as the accessions."""

import io
from collections import defaultdict
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction

from genebank.accessions.models import Accession, Acquisition
from genebank.accessions.passport import mcpd_row
from genebank.inventory import alerts
from genebank.inventory import demo as inventory_demo
from genebank.inventory.mcpd import storage_codes_for
from genebank.inventory.models import (
    ACCEPTED_STORAGE,
    CollectionKind,
    EnvironmentReading,
    LotTransaction,
    ProcessingStep,
    ReserveLevel,
    SeedLot,
    Stocktake,
    StorageKind,
    StorageLocation,
)
from genebank.inventory.services import ledger_sum, processing_overdue

Kind = LotTransaction.Kind


def demo(*args) -> str:
    out = io.StringIO()
    call_command("demo", *args, verbosity=0, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def loaded(db):
    output = demo("--count", "200")
    return output


def fingerprint() -> list[tuple]:
    return list(
        SeedLot.objects.order_by("sequence").values_list(
            "number", "accession__number", "collection", "unit", "quantity", "status",
            "location__code", "harvest_year", "thousand_seed_weight",
        )
    )  # fmt: skip


def test_every_quantity_is_the_sum_of_its_ledger_and_balances_follow(loaded):
    lots = list(SeedLot.objects.prefetch_related("transactions"))
    assert lots
    for lot in lots:
        entries = sorted(lot.transactions.all(), key=lambda t: (t.created_at, t.pk))
        assert entries[0].kind == Kind.RECEIPT
        running = Decimal(0)
        for entry in entries:
            running += entry.quantity
            assert entry.balance_after == running >= 0, lot
        assert lot.quantity == running == ledger_sum(lot) >= 0
        assert (lot.status == SeedLot.Status.DEPLETED) == (lot.quantity == 0)


def test_the_ledger_tells_the_story_of_each_lot_by_the_demo_users(loaded):
    technician = get_user_model().objects.get(username="technician")
    curator = get_user_model().objects.get(username="curator")
    ledger = LotTransaction.objects.all()
    assert ledger.filter(kind=Kind.ADJUSTMENT).exists()
    assert not ledger.filter(kind=Kind.ADJUSTMENT).exclude(user=curator).exists()
    assert not ledger.exclude(kind=Kind.ADJUSTMENT).exclude(user=technician).exists()
    reasons = set(ledger.filter(kind=Kind.WITHDRAWAL).values_list("reason", flat=True))
    assert {"distribution", "viability_test"} <= reasons
    years = {d.year for d in ledger.values_list("created_at", flat=True)}
    assert len(years) > 15  # spread over the years, not all on the day of the load
    # A receipt never comes before the harvest it holds, nor before the accession came.
    for lot in SeedLot.objects.exclude(harvest_year=None).select_related("accession"):
        assert lot.harvest_year > int(lot.accession.acquisition_date[:4])
        receipt = lot.transactions.get(kind=Kind.RECEIPT)
        assert receipt.created_at.year >= lot.harvest_year - 1


def test_a_reconciled_stocktake_explains_its_adjustments(loaded):
    stocktake = Stocktake.objects.get()
    assert stocktake.status == Stocktake.Status.RECONCILED
    counts = list(stocktake.counts.select_related("adjustment", "lot__location"))
    assert counts
    adjusted = [c for c in counts if c.adjustment_id]
    assert adjusted
    for count in counts:
        assert count.lot.last_counted_at == count.counted_at
        assert count.lot.location.path.startswith(stocktake.location.path + "/")
        if count.adjustment_id:
            assert count.adjustment.quantity == count.counted - count.expected
            assert count.adjustment.reason_text.startswith("Stocktake of ")
        else:
            assert count.counted == count.expected


def test_lots_sit_in_storage_of_their_kind_within_capacity(loaded):
    site = StorageLocation.objects.get(name="NARC Baq'a", parent=None)
    building = site.children.get(name="Genebank")
    units = {u.storage_kind: u for u in building.children.all()}
    assert set(units) == {StorageKind.BASE, StorageKind.ACTIVE, StorageKind.WORKING,
                          StorageKind.SAFETY}  # fmt: skip
    base, active = units[StorageKind.BASE], units[StorageKind.ACTIVE]
    assert (base.temperature_min, base.temperature_max) == (-21, -15)
    assert (base.humidity_min, base.humidity_max) == (10, 25)
    assert base.temperature_min < 5 < active.temperature_max
    assert units[StorageKind.SAFETY].kind == StorageLocation.Kind.FREEZER

    placed = SeedLot.objects.exclude(location=None).select_related("location")
    kinds = defaultdict(int)
    for lot in placed:
        assert lot.location.kind == StorageLocation.Kind.BOX
        assert lot.location.path.startswith(building.path + "/")
        storage_kind = lot.location.effective_storage_kind
        assert storage_kind in ACCEPTED_STORAGE[CollectionKind(lot.collection)], lot
        kinds[storage_kind] += 1
    assert set(kinds) == set(units)
    for box in StorageLocation.objects.filter(kind=StorageLocation.Kind.BOX):
        assert box.capacity and box.lots.count() <= box.capacity
    # Lots in processing are not in the cold room yet.
    assert not SeedLot.objects.filter(status=SeedLot.Status.PROCESSING, location__isnull=False)


def test_seed_lots_by_crop_unit_and_status(loaded):
    accessions = Accession.objects.filter(status=Accession.Status.ACTIVE)
    clonal = accessions.filter(taxon__crop__name__in=["Date palm", "Olive"])
    assert clonal.exists()
    assert not SeedLot.objects.filter(accession__in=clonal).exists()
    seed_crops = accessions.exclude(pk__in=clonal)
    with_lots = seed_crops.filter(seed_lots__isnull=False).distinct().count()
    assert 0.8 <= with_lots / seed_crops.count() <= 0.95
    assert not SeedLot.objects.filter(accession__status=Accession.Status.DEACCESSIONED)

    for lot in SeedLot.objects.select_related("accession__taxon__crop"):
        expected = inventory_demo.SEED_WEIGHTS[lot.accession.taxon.crop.name]
        assert expected * 0.8 <= lot.thousand_seed_weight <= expected * 1.2
        if lot.status in (SeedLot.Status.AVAILABLE, SeedLot.Status.DEPLETED):
            assert 2 <= lot.moisture_content <= 10 and lot.moisture_date
    units = set(SeedLot.objects.values_list("unit", flat=True))
    assert units == {"seeds", "g"}
    collections = set(SeedLot.objects.values_list("collection", flat=True))
    assert {CollectionKind.BASE, CollectionKind.ACTIVE} <= collections

    # The accessions in quarantine have their seed in quarantine, and only there.
    pending = Accession.objects.filter(
        acquisition__quarantine_status=Acquisition.Quarantine.PENDING
    )
    assert pending.exists()
    quarantined = SeedLot.objects.filter(status=SeedLot.Status.QUARANTINE)
    assert set(quarantined.values_list("accession", flat=True)) == set(
        pending.values_list("pk", flat=True)
    )
    assert not SeedLot.objects.filter(accession__in=pending).exclude(pk__in=quarantined)


def test_alerts_have_something_to_show(loaded):
    counts = alerts.alert_counts()
    assert counts["below_reserve"] > 0
    assert counts["processing_overdue"] > 0
    assert counts["storage_out_of_range"] == 1
    excursion = alerts.storage_out_of_range()[0]
    assert excursion.location.storage_kind == StorageKind.ACTIVE
    assert excursion.worst_temperature > excursion.location.temperature_max
    # Not every lot in processing is late, and each has its received step.
    in_processing = SeedLot.objects.filter(status=SeedLot.Status.PROCESSING)
    assert in_processing.count() > len(processing_overdue())
    for lot in in_processing:
        assert lot.processing_steps.filter(step=ProcessingStep.Step.RECEIVED).exists()
    steps = set(ProcessingStep.objects.values_list("step", flat=True))
    assert {"received", "cleaned", "dried"} <= steps
    # Sixty days of hourly readings in the two cold rooms.
    rooms = set(EnvironmentReading.objects.values_list("location__storage_kind", flat=True))
    assert rooms == {StorageKind.BASE, StorageKind.ACTIVE}
    assert EnvironmentReading.objects.count() >= 2 * 60 * 24


def test_mcpd_storage_comes_from_base_and_active_lots(loaded):
    both = (
        Accession.objects.filter(seed_lots__collection=CollectionKind.BASE)
        .filter(seed_lots__collection=CollectionKind.ACTIVE)
        .exclude(seed_lots__status__in=[SeedLot.Status.DEPLETED, SeedLot.Status.PROCESSING])
        .distinct()
        .first()
    )
    assert both is not None
    assert storage_codes_for(both) == [12, 13]
    assert mcpd_row(both)["STORAGE"] == "12;13"


def test_inventory_pages_show_the_demo(loaded, client):
    client.force_login(get_user_model().objects.get(username="technician"))
    lot = SeedLot.objects.filter(status=SeedLot.Status.AVAILABLE).first()
    assert lot.number in client.get("/inventory/", {"q": lot.number}).content.decode()
    assert client.get(f"/inventory/lots/{lot.pk}/").status_code == 200
    page = client.get("/inventory/alerts/").content.decode()
    below = alerts.lots_below_reserve()[0][0]
    assert below.number in page
    assert "Active cold room" in client.get("/inventory/locations/").content.decode()


def test_the_inventory_scales_with_the_count_and_repeats_itself(db):
    class Rollback(Exception):
        pass

    def load(count: int):
        try:
            with transaction.atomic():
                demo("--count", str(count))
                found = (fingerprint(), StorageLocation.objects.count())
                raise Rollback
        except Rollback:
            return found

    small, small_places = load(60)
    assert SeedLot.objects.count() == 0
    again, _places = load(60)
    assert small == again
    larger, larger_places = load(200)
    assert len(small) < len(larger) <= 2 * 200
    assert small_places < larger_places


def test_if_empty_adds_no_lots(loaded):
    before = (SeedLot.objects.count(), LotTransaction.objects.count(), SeedLot.history.count())
    assert "already present" in demo_verbose("--if-empty", "--count", "200")
    after = (SeedLot.objects.count(), LotTransaction.objects.count(), SeedLot.history.count())
    assert after == before


def demo_verbose(*args) -> str:
    out = io.StringIO()
    call_command("demo", *args, verbosity=1, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.mark.django_db
def test_a_failing_inventory_leaves_no_accessions_behind(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("logger unplugged")

    monkeypatch.setattr(inventory_demo, "_readings", broken)
    with pytest.raises(RuntimeError):
        demo("--count", "50")
    assert not Accession.objects.exists()
    assert not SeedLot.objects.exists()
    assert not StorageLocation.objects.exists()


def test_lot_history_by_the_technician_for_the_demo(loaded):
    technician = get_user_model().objects.get(username="technician")
    history = SeedLot.history.filter(history_type="+")
    assert history.count() == SeedLot.objects.count()
    assert not history.exclude(history_user=technician).exists()
    assert not history.exclude(history_change_reason=inventory_demo.DEMO_REASON).exists()


def test_the_demo_writes_through_the_services_with_their_users_and_reasons(loaded):
    users = {u.username: u for u in get_user_model().objects.all()}
    # The storage tree through create_location, by the curator, with the service's reason.
    places = StorageLocation.history.filter(history_type="+")
    assert places.count() == StorageLocation.objects.count() > 0
    assert set(places.values_list("history_user__username", "history_change_reason")) == {
        ("curator", "Created")
    }
    # Reserve levels through save_reserve_level, by the administrator.
    levels = ReserveLevel.history.filter(history_type="+")
    assert levels.count() == ReserveLevel.objects.count() > 0
    assert set(levels.values_list("history_user__username", "history_change_reason")) == {
        ("admin", inventory_demo.DEMO_REASON)
    }
    # Processing steps by the technician; the stocktake started by the technician and
    # reconciled by the curator, whose adjustments the ledger keeps.
    assert not ProcessingStep.objects.exclude(user=users["technician"]).exists()
    stocktake = Stocktake.objects.get()
    assert (stocktake.started_by, stocktake.reconciled_by) == (
        users["technician"],
        users["curator"],
    )
    # Readings through import_readings, with the logger as their source.
    assert set(EnvironmentReading.objects.values_list("source", flat=True)) == {
        f"{inventory_demo.LOGGER} BQA-GB-CR1",
        f"{inventory_demo.LOGGER} BQA-GB-CR2",
    }
