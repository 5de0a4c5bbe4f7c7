"""Stocktake: count a location, reconcile the differences into adjustments, keep "last counted"."""

import pytest
from django.core.exceptions import ValidationError

from genebank.inventory import services
from genebank.inventory.models import LotTransaction, Stocktake


@pytest.fixture
def shelf_lots(accession, technician, storage):
    box, shelf = storage["box"], storage["shelf"]
    return [
        services.receive(accession, 1000, "seeds", "base", technician, location=box),
        services.receive(accession, 500, "seeds", "base", technician, location=box),
        services.receive(accession, 200, "seeds", "base", technician, location=shelf),
    ]


def test_a_count_is_reconciled_into_adjustments(shelf_lots, storage, technician):
    a, b, c = shelf_lots
    take = services.start_stocktake(storage["shelf"], technician)
    services.record_count(take, a, 990, "seeds", technician, found_at=storage["box"])
    services.record_count(take, b, 500, "seeds", technician, found_at=storage["box"])
    # c is counted twice: the recount replaces the first count.
    services.record_count(take, c, 150, "seeds", technician, found_at=storage["shelf"])
    services.record_count(take, c, 210, "seeds", technician, found_at=storage["shelf"])
    # Seed taken between the count and the reconciliation is not a difference.
    services.withdraw(a, 40, "seeds", "viability_test", technician)
    result = services.reconcile_stocktake(take, technician, "Annual count 2025")
    for lot in shelf_lots:
        lot.refresh_from_db()
        assert lot.quantity == services.ledger_sum(lot)
        assert lot.last_counted_at is not None
    assert (a.quantity, b.quantity, c.quantity) == (950, 500, 210)
    assert sorted(change for _, change in result["adjusted"]) == [-10, 10]
    assert result["unchanged"] == 1 and result["missing"] == [] and result["misplaced"] == []
    adjustment = a.transactions.filter(kind="adjustment").get()
    assert adjustment.reason_text == "Stocktake of HQ/Cold room 1/Shelf A: Annual count 2025"
    take.refresh_from_db()
    assert take.status == Stocktake.Status.RECONCILED and take.reconciled_by == technician
    with pytest.raises(ValidationError):
        services.record_count(take, a, 1, "seeds", technician)


def test_missing_and_misplaced_lots_are_reported(shelf_lots, storage, technician):
    a, b, c = shelf_lots
    take = services.start_stocktake(storage["shelf"], technician)
    services.record_count(take, a, 1000, "seeds", technician, found_at=storage["shelf"])
    result = services.reconcile_stocktake(take, technician, "")
    assert set(result["missing"]) == {b, c}
    assert result["misplaced"] == [(a, storage["shelf"])]
    assert LotTransaction.objects.filter(kind="adjustment").count() == 0


def test_missing_lots_can_be_written_off(shelf_lots, storage, technician):
    a, b, c = shelf_lots
    take = services.start_stocktake(storage["box"], technician)
    services.record_count(take, a, 0, "seeds", technician)
    with pytest.raises(ValidationError) as err:
        services.reconcile_stocktake(take, technician, "  ", missing_as_zero=True)
    assert err.value.code == "reason"
    services.reconcile_stocktake(take, technician, "Box found damaged", missing_as_zero=True)
    for lot in (a, b, c):
        lot.refresh_from_db()
    assert (a.quantity, b.quantity, c.quantity) == (0, 0, 200)  # c is on the shelf, not the box
    assert a.status == b.status == "depleted"


def test_one_open_count_per_location(storage, technician):
    services.start_stocktake(storage["box"], technician)
    with pytest.raises(ValidationError) as err:
        services.start_stocktake(storage["box"], technician)
    assert err.value.code == "open"


def test_a_count_that_no_longer_fits_asks_for_a_recount(shelf_lots, storage, technician):
    a = shelf_lots[0]
    take = services.start_stocktake(storage["box"], technician)
    services.record_count(take, a, 100, "seeds", technician)  # 900 short
    services.withdraw(a, 950, "seeds", "regeneration", technician)  # 50 left: 50 - 900 < 0
    with pytest.raises(ValidationError) as err:
        services.reconcile_stocktake(take, technician, "count", missing_as_zero=False)
    assert err.value.code == "recount"
    a.refresh_from_db()
    assert a.quantity == 50 and a.transactions.filter(kind="adjustment").count() == 0
