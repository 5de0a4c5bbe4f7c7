"""enter_lots, the bulk path of receive/withdraw/adjust for stock kept before (and the demo): the
same checks, nothing written on a refusal, one history row per lot with user and reason, and a
ledger whose balances follow."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from genebank.inventory import services
from genebank.inventory.models import LotTransaction, SeedLot

Kind = LotTransaction.Kind


def ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def record(accession, technician, box=None, **extra) -> services.LotRecord:
    fields = {
        "accession": accession,
        "quantity": Decimal(5000),
        "unit": "seeds",
        "collection": "base",
        "received_at": ago(900),
        "location": box,
        "movements": [
            services.PastMovement(ago(600), Kind.WITHDRAWAL, Decimal(300), "seeds", technician,
                                  reason="viability_test"),
            services.PastMovement(ago(300), Kind.ADJUSTMENT, Decimal(-20), "seeds", technician,
                                  reason_text="Recount"),
        ],
    }  # fmt: skip
    fields.update(extra)
    return services.LotRecord(**fields)


def test_lots_go_in_with_their_ledger_and_history(accession, technician, storage):
    lots = services.enter_lots(
        [record(accession, technician, storage["box"])], user=technician, reason="Paper ledger"
    )
    lot = SeedLot.objects.get(pk=lots[0].pk)
    assert lot.quantity == 4680 == services.ledger_sum(lot)
    assert lot.location == storage["box"]
    entries = list(lot.transactions.order_by("created_at"))
    assert [e.kind for e in entries] == [Kind.RECEIPT, Kind.WITHDRAWAL, Kind.ADJUSTMENT]
    assert [e.balance_after for e in entries] == [5000, 4700, 4680]
    assert entries[1].created_at < timezone.now() - datetime.timedelta(days=500)
    row = lot.history.get()
    assert (row.history_user, row.history_change_reason) == (technician, "Paper ledger")
    assert row.history_date < timezone.now() - datetime.timedelta(days=800)


def test_a_withdrawal_beyond_the_balance_of_its_day_writes_nothing(accession, technician):
    good = record(accession, technician)
    bad = record(
        accession,
        technician,
        movements=[services.PastMovement(ago(10), Kind.WITHDRAWAL, Decimal(6000), "seeds",
                                         technician, reason="distribution")],
    )  # fmt: skip
    with pytest.raises(ValidationError) as error:
        services.enter_lots([good, bad], user=technician, reason="Paper ledger")
    assert error.value.code == "insufficient"
    assert not SeedLot.objects.exists() and not LotTransaction.objects.exists()


def test_the_checks_of_receive_apply(accession, technician, viewer, storage):
    with pytest.raises(ValidationError):  # a base lot in an active room
        services.enter_lots(
            [record(accession, technician, storage["active"])], user=technician, reason="x"
        )
    with pytest.raises(ValidationError):  # the box holds two lots at most
        services.enter_lots(
            [record(accession, technician, storage["box"]) for _ in range(3)],
            user=technician,
            reason="x",
        )
    with pytest.raises(Exception):  # a viewer receives no seed  # noqa: B017
        services.enter_lots([record(accession, technician)], user=viewer, reason="x")
    assert not SeedLot.objects.exists()
