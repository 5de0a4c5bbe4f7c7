"""No quantity beyond MAX_QUANTITY reaches the ledger, by any door; implausible adjustments are
confirmed first. The review's case: a lot of 470 seeds adjusted by +99999999999 overflowed the
column, and every page showing the lot answered 500."""

import importlib
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, connection, transaction

from genebank.inventory import ledger_guard, services
from genebank.inventory.models import LotTransaction, SeedLot
from genebank.inventory.services import adjustment_is_implausible, ledger_sum
from genebank.inventory.units import MAX_QUANTITY

BEYOND = MAX_QUANTITY + 1


@pytest.fixture
def lot(accession, technician, storage):
    return services.receive(accession, 470, "seeds", "base", technician, location=storage["box"])


def _unchanged(lot):
    stored = SeedLot.objects.get(pk=lot.pk)
    assert stored.quantity == 470 == ledger_sum(stored)
    assert stored.transactions.count() == 1


def test_the_reported_adjustment_is_refused_and_every_page_still_answers(
    client_for, technician, lot, accession, storage
):
    client = client_for(technician)
    response = client.post(
        f"/inventory/lots/{lot.pk}/adjust/",
        {"quantity": "+99999999999", "unit": "seeds", "reason_text": "recount"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "more than any lot can hold (at most 1,000,000,000 seeds)" in page
    _unchanged(lot)
    for url in [
        "/",
        "/inventory/",
        "/inventory/alerts/",
        f"/inventory/lots/{lot.pk}/",
        f"/inventory/locations/{storage['box'].pk}/",
        f"/accessions/{accession.pk}/",
    ]:
        assert client.get(url).status_code == 200, url


def test_the_column_has_room_to_spare():
    # 14 digits, 3 after the point: a balance and a change, each at the bound, still fit.
    field = SeedLot._meta.get_field("quantity")
    largest = Decimal(10 ** (field.max_digits - field.decimal_places)) - 1
    assert 2 * MAX_QUANTITY * 10 < largest
    for name in ("quantity", "balance_after", "entered_quantity"):
        column = LotTransaction._meta.get_field(name)
        assert (column.max_digits, column.decimal_places) == (
            field.max_digits,
            field.decimal_places,
        )


def test_every_kind_of_ledger_entry_is_bounded(accession, curator, storage):
    big = services.receive(accession, MAX_QUANTITY, "seeds", "other", curator)
    other = services.receive(accession, 10, "seeds", "other", curator)
    light = services.receive(accession, 10, "seeds", "other", curator, thousand_seed_weight="0.001")
    attempts = {
        "receipt": lambda: services.receive(accession, BEYOND, "seeds", "other", curator),
        "adjustment": lambda: services.adjust(big, 1, "seeds", "recount", curator, confirmed=True),
        "adjustment of a small lot": lambda: services.adjust(
            other, MAX_QUANTITY, "seeds", "recount", curator, confirmed=True
        ),
        "transfer": lambda: services.transfer(other, big, 5, "seeds", curator),
        "merge": lambda: services.merge_lots([other], big, curator),
        # 2 kg of seeds weighing a milligram per thousand: 2*10^9 seeds.
        "conversion": lambda: services.adjust(light, 2000, "g", "found", curator, confirmed=True),
        "withdrawal": lambda: services.withdraw(other, BEYOND, "seeds", "research", curator),
        "split": lambda: services.split_lot(other, BEYOND, "seeds", curator),
    }
    counts = LotTransaction.objects.count()
    for what, attempt in attempts.items():
        with pytest.raises(ValidationError) as refused:
            attempt()
        assert refused.value.code == "too_large", what
    assert LotTransaction.objects.count() == counts
    assert SeedLot.objects.get(pk=big.pk).quantity == MAX_QUANTITY


def test_a_stocktake_cannot_count_beyond_the_bound(lot, technician, storage):
    stocktake = services.start_stocktake(storage["box"], technician)
    with pytest.raises(ValidationError) as refused:
        services.record_count(stocktake, lot, BEYOND, "seeds", technician)
    assert refused.value.code == "too_large"
    services.record_count(stocktake, lot, MAX_QUANTITY, "seeds", technician)
    result = services.reconcile_stocktake(stocktake, technician, "found more")
    assert SeedLot.objects.get(pk=lot.pk).quantity == MAX_QUANTITY
    assert len(result["adjusted"]) == 1


def _drop_guard():
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"DROP TRIGGER IF EXISTS {ledger_guard.TRIGGER}")
        else:
            cursor.execute(f"DROP TRIGGER IF EXISTS {ledger_guard.TRIGGER} ON {ledger_guard.TABLE}")


@pytest.mark.parametrize("value", [BEYOND, Decimal("100000000469")])
def test_the_database_refuses_what_the_services_would(lot, value):
    """Even SQL that bypasses the services (and the append-only trigger) cannot store it."""
    _drop_guard()
    try:
        for sql in [
            "UPDATE inventory_seedlot SET quantity = %s WHERE id = %s",
            "UPDATE inventory_lottransaction SET quantity = %s WHERE lot_id = %s",
            "UPDATE inventory_lottransaction SET balance_after = %s WHERE lot_id = %s",
        ]:
            # PostgreSQL refuses what overflows the column before it looks at the constraint.
            refused = (IntegrityError, DataError)
            with pytest.raises(refused), transaction.atomic(), connection.cursor() as c:
                c.execute(sql, [value, lot.pk])
    finally:
        ledger_guard.install()
    _unchanged(lot)


def test_what_is_implausible():
    assert not adjustment_is_implausible(Decimal(470), Decimal(4700))
    assert adjustment_is_implausible(Decimal(470), Decimal(4701))
    assert not adjustment_is_implausible(Decimal(0), Decimal(1000))  # an empty lot, recounted
    assert adjustment_is_implausible(Decimal(0), Decimal(1001))
    assert not adjustment_is_implausible(Decimal(470), Decimal(-470))


def test_an_implausible_adjustment_waits_for_confirmation(lot, technician):
    with pytest.raises(ValidationError) as refused:
        services.adjust(lot, "+47000", "seeds", "recount", technician)
    assert refused.value.code == "confirm"
    _unchanged(lot)
    services.adjust(lot, "+47000", "seeds", "recount", technician, confirmed=True)
    assert SeedLot.objects.get(pk=lot.pk).quantity == 47470


def test_the_adjust_form_asks_for_confirmation_in_a_second_step(client_for, technician, lot):
    client = client_for(technician)
    url = f"/inventory/lots/{lot.pk}/adjust/"
    data = {"quantity": "47000", "unit": "seeds", "reason_text": "found a second bag"}
    page = client.get(f"/inventory/lots/{lot.pk}/").content.decode()
    assert "Yes, this adjustment is correct" not in page
    response = client.post(url, data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "more than ten times" in page
    assert "Yes, this adjustment is correct" in page and 'name="confirm"' in page
    assert 'value="47000"' in page  # the values typed are kept for the second step
    _unchanged(lot)
    # Sent again without ticking the box: asked again, nothing written.
    response = client.post(url, {**data, "confirm": ""})
    assert response.status_code == 400
    _unchanged(lot)
    response = client.post(url, {**data, "confirm": "on"})
    assert response.status_code == 302
    assert SeedLot.objects.get(pk=lot.pk).quantity == 47470


def test_the_migration_names_lots_stored_beyond_the_bound_before_it(
    client_for, technician, lot, accession
):
    """Rows written before the bound stop the migration with the lots named, not a bare "CHECK
    constraint failed"; a value that still fits the column does not break the pages meanwhile."""
    migration = importlib.import_module("genebank.inventory.migrations.0005_quantity_bounds")
    editor = SimpleNamespace(connection=connection)
    migration.refuse_oversized_rows(None, editor)  # nothing to say about a sound database
    # As it could be stored before: beyond the bound, within the column (PostgreSQL refuses more).
    value = Decimal(50_000_000_470)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA ignore_check_constraints = ON")
        else:  # (the foreign keys' checks, deferred to the commit, must run before ALTER TABLE)
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE inventory_seedlot DROP CONSTRAINT lot_quantity_at_most_max")
        try:
            cursor.execute(
                "UPDATE inventory_seedlot SET quantity = %s WHERE id = %s", [value, lot.pk]
            )
        finally:
            if connection.vendor == "sqlite":
                cursor.execute("PRAGMA ignore_check_constraints = OFF")
    with pytest.raises(RuntimeError, match=lot.number):
        migration.refuse_oversized_rows(None, editor)
    client = client_for(technician)
    for url in ["/", "/inventory/", f"/inventory/lots/{lot.pk}/", f"/accessions/{accession.pk}/"]:
        assert client.get(url).status_code == 200, url
