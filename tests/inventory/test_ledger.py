"""Seed lots and their ledger: receipts, withdrawals, adjustments, transfers, splits and merges."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction

from genebank.accessions.models import Acquisition
from genebank.inventory import services
from genebank.inventory.models import LotTransaction, SeedLot
from genebank.inventory.services import ledger_sum

Status = SeedLot.Status


def snapshot(*lots):
    """Everything a refused operation must leave as it was."""
    return (
        LotTransaction.objects.count(),
        SeedLot.objects.count(),
        [
            SeedLot.objects.filter(pk=lot.pk).values("quantity", "status", "location").get()
            for lot in lots
        ],
        SeedLot.history.count(),
    )


def refused(code, call, *lots):
    before = snapshot(*lots)
    with pytest.raises(ValidationError) as err:
        call()
    assert err.value.code == code, err.value.messages
    assert snapshot(*lots) == before
    return err.value.messages[0]


def assert_balanced(lot):
    lot.refresh_from_db()
    assert lot.quantity == ledger_sum(lot) >= 0


@pytest.fixture
def lot(accession, technician):
    return services.receive(accession, 1000, "seeds", "active", technician)


def test_receive_opens_a_lot_with_a_receipt(accession, technician, genebank):
    lot = services.receive(accession, 1500, "seeds", "base", technician, harvest_year=2024)
    second = services.receive(accession, "250.5", "g", "active", technician)
    assert lot.number == "JOR015-L000001" and second.number == "JOR015-L000002"
    assert lot.institute == genebank and lot.status == Status.AVAILABLE
    assert lot.quantity == 1500 and second.quantity == Decimal("250.5")
    (receipt,) = lot.transactions.all()
    assert (receipt.kind, receipt.quantity, receipt.balance_after) == ("receipt", 1500, 1500)
    assert receipt.user == technician
    assert lot.history.first().history_user == technician
    assert_balanced(second)


def test_lots_of_an_accession_in_quarantine_start_in_quarantine(accession, technician, curator):
    Acquisition.objects.create(
        accession=accession, quarantine_status=Acquisition.Quarantine.PENDING
    )
    lot = services.receive(accession, 500, "seeds", "active", technician)
    assert lot.status == Status.QUARANTINE
    message = refused(
        "quarantine", lambda: services.withdraw(lot, 10, "seeds", "research", technician), lot
    )
    assert "quarantine" in message
    services.set_lot_status(
        lot, Status.AVAILABLE, curator, "Released by the plant protection service"
    )
    services.withdraw(lot, 10, "seeds", "research", technician)
    assert lot.quantity == 490
    assert lot.history.first().history_change_reason == "Released by the plant protection service"
    assert lot.history.first().history_user == curator


def test_withdraw_takes_seed_and_records_why(lot, technician):
    entry = services.withdraw(lot, 30, "seeds", "viability_test", technician, note="GT-2025-01")
    assert lot.quantity == 970
    assert (entry.kind, entry.reason, entry.quantity, entry.balance_after) == (
        "withdrawal",
        "viability_test",
        -30,
        970,
    )
    assert entry.note == "GT-2025-01"
    assert_balanced(lot)


def test_taking_the_last_seed_depletes_the_lot(lot, technician):
    services.withdraw(lot, 1000, "seeds", "regeneration", technician)
    assert lot.status == Status.DEPLETED and lot.quantity == 0
    message = refused(
        "depleted", lambda: services.withdraw(lot, 1, "seeds", "distribution", technician), lot
    )
    assert "depleted" in message
    # Seed found at a recount brings the lot back.
    services.adjust(lot, 12, "seeds", "Found a packet at stocktake", technician)
    assert lot.status == Status.AVAILABLE and lot.quantity == 12


@pytest.mark.parametrize(
    ("quantity", "unit", "code"),
    [
        (0, "seeds", "not_positive"),
        (-5, "seeds", "not_positive"),
        ("1001", "seeds", "insufficient"),
        ("2.5", "seeds", "fractional_seeds"),
        ("10", "g", "not_convertible"),
        ("10", "kg", "unit"),
    ],
)
def test_bad_withdrawals_are_refused_and_write_nothing(lot, technician, quantity, unit, code):
    refused(code, lambda: services.withdraw(lot, quantity, unit, "distribution", technician), lot)
    assert_balanced(lot)


def test_more_than_there_is_says_how_much_there_is(lot, technician):
    message = refused(
        "insufficient",
        lambda: services.withdraw(lot, 1200, "seeds", "distribution", technician),
        lot,
    )
    assert "holds 1000 seeds" in message and "1200" in message


def test_unknown_reason_is_refused(lot, technician):
    refused("reason", lambda: services.withdraw(lot, 1, "seeds", "gift", technician), lot)


def test_withdrawals_convert_through_the_thousand_seed_weight(accession, technician):
    weighed = services.receive(
        accession, "100", "g", "active", technician, thousand_seed_weight=Decimal("40")
    )
    entry = services.withdraw(weighed, 50, "seeds", "distribution", technician)
    # 50 seeds at 40 g per thousand weigh 2 g.
    assert entry.quantity == Decimal("-2.000") and entry.entered_quantity == 50
    assert entry.entered_unit == "seeds" and weighed.quantity == Decimal("98")
    assert weighed.in_unit("seeds") == 2450
    counted = services.receive(
        accession, 1000, "seeds", "active", technician, thousand_seed_weight=Decimal("40")
    )
    services.withdraw(counted, "4.1", "g", "distribution", technician)  # 102.5 seeds -> 103
    assert counted.quantity == 897
    assert_balanced(weighed)
    assert_balanced(counted)


def test_a_viewer_may_not_withdraw(lot, viewer):
    with pytest.raises(PermissionDenied):
        services.withdraw(lot, 1, "seeds", "distribution", viewer)
    assert lot.transactions.count() == 1


def test_a_distribution_officer_may_withdraw_but_not_adjust(lot, distribution_officer):
    services.withdraw(lot, 50, "seeds", "distribution", distribution_officer)
    with pytest.raises(PermissionDenied):
        services.adjust(lot, 5, "seeds", "recount", distribution_officer)


def test_adjustments_need_a_reason_and_cannot_go_below_zero(lot, technician):
    refused("reason", lambda: services.adjust(lot, -5, "seeds", "  ", technician), lot)
    refused(
        "insufficient", lambda: services.adjust(lot, -1001, "seeds", "recount", technician), lot
    )
    refused("not_positive", lambda: services.adjust(lot, 0, "seeds", "recount", technician), lot)
    entry = services.adjust(lot, "-40", "seeds", "Recount after drying", technician)
    assert entry.quantity == -40 and entry.reason_text == "Recount after drying"
    services.adjust(lot, Decimal("+15"), "seeds", "Miscounted packet", technician)
    assert lot.quantity == 975
    assert_balanced(lot)


def test_transfer_moves_seed_between_lots_of_one_accession(accession, make_accession, technician):
    base = services.receive(accession, 3000, "seeds", "base", technician)
    active = services.receive(accession, 100, "seeds", "active", technician)
    out, into = services.transfer(base, active, 400, "seeds", technician)
    assert (out.kind, out.quantity, out.related_lot) == ("transfer_out", -400, active)
    assert (into.kind, into.quantity, into.related_lot) == ("transfer_in", 400, base)
    assert base.quantity == 2600 and active.quantity == 500
    stranger = services.receive(make_accession(), 100, "seeds", "active", technician)
    refused(
        "accession",
        lambda: services.transfer(base, stranger, 1, "seeds", technician),
        base,
        stranger,
    )
    refused("same_lot", lambda: services.transfer(base, base, 1, "seeds", technician), base)
    refused(
        "insufficient",
        lambda: services.transfer(active, base, 501, "seeds", technician),
        base,
        active,
    )
    for lot in (base, active, stranger):
        assert_balanced(lot)


def test_split_makes_a_child_lot(lot, technician):
    child = services.split_lot(lot, 300, "seeds", technician, collection="base")
    assert child.parent == lot and child.generation == lot.generation
    assert child.collection == "base" and child.quantity == 300 and lot.quantity == 700
    assert child.number == "JOR015-L000002"
    assert [t.kind for t in child.transactions.all()] == ["split"]
    assert_balanced(lot)
    assert_balanced(child)
    refused("insufficient", lambda: services.split_lot(lot, 701, "seeds", technician), lot)


def test_merge_pours_whole_lots_into_one(accession, technician):
    a = services.receive(accession, 100, "seeds", "active", technician)
    b = services.receive(accession, 250, "seeds", "active", technician)
    c = services.receive(accession, 50, "seeds", "active", technician)
    services.merge_lots([a, b], c, technician, note="one jar")
    for lot in (a, b, c):
        assert_balanced(lot)
    assert (a.status, b.status, c.quantity) == (Status.DEPLETED, Status.DEPLETED, 400)
    refused("depleted", lambda: services.merge_lots([a], c, technician), a, c)
    refused("same_lot", lambda: services.merge_lots([c], c, technician), c)


def test_receipt_from_a_parent_lot_is_the_next_generation(lot, technician, accession):
    harvest = services.receive(accession, 5000, "seeds", "base", technician, parent=lot)
    assert harvest.generation == 1 and harvest.parent == lot


def test_status_changes_follow_the_rules(lot, curator, technician):
    refused("status", lambda: services.set_lot_status(lot, Status.DEPLETED, curator, "empty"), lot)
    refused(
        "not_empty", lambda: services.set_lot_status(lot, Status.WITHDRAWN, curator, "old"), lot
    )
    services.withdraw(lot, 1000, "seeds", "loss", technician)
    services.set_lot_status(lot, Status.WITHDRAWN, curator, "Container discarded")
    refused("withdrawn", lambda: services.adjust(lot, 1, "seeds", "found", technician), lot)


def test_lot_details_are_recorded_with_history(lot, technician):
    services.update_lot_details(
        lot, technician, "Weighed", thousand_seed_weight=Decimal("44.2"), moisture_content=5
    )
    lot.refresh_from_db()
    assert lot.thousand_seed_weight == Decimal("44.2")
    assert lot.history.first().history_change_reason == "Weighed"
    with pytest.raises(ValidationError):
        services.update_lot_details(lot, technician, "cheat", quantity=5)
    with pytest.raises(ValidationError):
        services.update_lot_details(lot, technician, "typo", moisture_content=150)


# --- the ledger protects itself ------------------------------------------------------------


def test_a_transaction_is_never_changed_or_deleted(lot):
    entry = lot.transactions.get()
    entry.quantity = 5000
    with pytest.raises(ValidationError):
        entry.save()
    with pytest.raises(ValidationError):
        entry.delete()
    with pytest.raises(ValidationError):
        LotTransaction.objects.filter(pk=entry.pk).update(quantity=5000)
    with pytest.raises(ValidationError):
        LotTransaction.objects.all().delete()
    entry.refresh_from_db()
    assert entry.quantity == 1000


def test_a_new_object_cannot_overwrite_a_transaction(lot, technician):
    entry = lot.transactions.get()
    forged = LotTransaction(
        pk=entry.pk,
        lot=lot,
        kind="receipt",
        quantity=9,
        balance_after=9,
        entered_quantity=9,
        entered_unit="seeds",
        user=technician,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        forged.save()
    assert lot.transactions.get().quantity == 1000


def test_the_database_refuses_to_update_a_transaction_whatever_the_code(lot):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE inventory_lottransaction SET quantity = 5000")
    assert lot.transactions.get().quantity == 1000


def test_the_database_keeps_quantity_at_or_above_zero(lot):
    with pytest.raises(IntegrityError), transaction.atomic():
        SeedLot.objects.filter(pk=lot.pk).update(quantity=-1)


@pytest.mark.parametrize(
    "fields",
    [
        {"kind": "withdrawal", "quantity": -5, "reason": ""},  # withdrawal without a reason
        {"kind": "withdrawal", "quantity": 5, "reason": "loss"},  # withdrawal that adds
        {"kind": "receipt", "quantity": -5, "reason": ""},
        {"kind": "adjustment", "quantity": 5, "reason": "", "reason_text": ""},
        {"kind": "split", "quantity": 0, "reason": ""},
    ],
)
def test_the_database_refuses_malformed_transactions(lot, technician, fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        LotTransaction(
            lot=lot,
            balance_after=1,
            entered_quantity=5,
            entered_unit="seeds",
            user=technician,
            **fields,
        ).save()


def test_the_ledger_sum_is_exact_for_weighed_lots(accession, technician):
    # SQLite adds decimals as binary floats: 0.1 + 0.2 must still be exactly 0.3.
    lot = services.receive(accession, "0.1", "g", "active", technician)
    services.adjust(lot, "0.2", "g", "second bag found", technician)
    services.withdraw(lot, "0.3", "g", "research", technician)
    lot.refresh_from_db()
    assert ledger_sum(lot) == lot.quantity == 0
    assert lot.status == Status.DEPLETED


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"thousand_seed_weight": "-3"}, "thousand_seed_weight"),
        ({"thousand_seed_weight": "heavy"}, "thousand_seed_weight"),
        ({"thousand_seed_weight": 0}, "thousand_seed_weight"),
        ({"harvest_year": 3024}, "harvest_year"),
        ({"status": "depleted"}, "status"),
    ],
)
def test_receive_refuses_impossible_lot_details(accession, technician, fields, code):
    with pytest.raises(ValidationError) as err:
        services.receive(accession, 10, "seeds", "active", technician, **fields)
    assert err.value.code == code
    assert not SeedLot.objects.exists()


def test_a_deaccessioned_accession_receives_no_seed(accession, technician):
    accession.status = "deaccessioned"
    accession.deaccession_date = "2025-01-01"
    accession.save()
    with pytest.raises(ValidationError) as err:
        services.receive(accession, 10, "seeds", "active", technician)
    assert err.value.code == "deaccessioned"
