"""Eight people withdrawing from one lot at the same moment never take more than there is."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from genebank.inventory import services
from genebank.inventory.models import LotTransaction, SeedLot

THREADS = 8
ATTEMPTS = 6  # per thread: 48 withdrawals of 10 seeds asked from a lot of 300


# Threads need committed data and their own connections: a real transaction per test, and the
# data migrations' rows (countries) restored after the flush.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_withdrawals_never_overdraw(accession, technician):
    lot = services.receive(accession, 300, "seeds", "active", technician)
    done, refused, errors = [], [], []
    start = threading.Barrier(THREADS)

    def client():
        try:
            start.wait()
            for _ in range(ATTEMPTS):
                try:
                    services.withdraw(SeedLot(pk=lot.pk), 10, "seeds", "distribution", technician)
                    done.append(1)
                except ValidationError:
                    refused.append(1)
        except Exception as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=client) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)

    assert errors == []
    lot.refresh_from_db()
    ledger = services.ledger_sum(lot)
    assert lot.quantity == ledger == Decimal(0)
    assert len(done) == 30 and len(refused) == THREADS * ATTEMPTS - 30
    assert lot.status == SeedLot.Status.DEPLETED
    balances = list(
        LotTransaction.objects.filter(lot=lot)
        .order_by("pk")
        .values_list("balance_after", flat=True)
    )
    assert all(b >= 0 for b in balances)
    # Each withdrawal saw the balance the previous one left: the ledger is a strict sequence.
    assert balances == [Decimal(300 - 10 * i) for i in range(31)]
    assert connection.vendor in ("sqlite", "postgresql")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_mixed_operations_conserve_seed(accession, technician):
    """Withdrawals, transfers and splits racing on three lots: no seed appears or vanishes."""
    import random

    lots = [
        services.receive(accession, quantity, "seeds", "active", technician)
        for quantity in (2000, 2000, 500)
    ]
    pks = [lot.pk for lot in lots]
    errors = []
    start = threading.Barrier(THREADS)

    def client(n):
        rng = random.Random(n)
        try:
            start.wait()
            for _ in range(8):
                a, b = rng.sample(pks, 2)
                amount = rng.randint(1, 300)
                try:
                    match rng.choice(["withdraw", "transfer", "split"]):
                        case "withdraw":
                            services.withdraw(
                                SeedLot(pk=a), amount, "seeds", "research", technician
                            )
                        case "transfer":
                            services.transfer(
                                SeedLot(pk=a), SeedLot(pk=b), amount, "seeds", technician
                            )
                        case "split":
                            services.split_lot(SeedLot(pk=a), amount // 3 + 1, "seeds", technician)
                except ValidationError:
                    pass
        except Exception as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)

    assert errors == []
    every_lot = list(SeedLot.objects.filter(accession=accession))
    for lot in every_lot:
        assert lot.quantity == services.ledger_sum(lot) >= 0
    withdrawn = -sum(
        LotTransaction.objects.filter(lot__accession=accession, kind="withdrawal").values_list(
            "quantity", flat=True
        )
    )
    assert sum(lot.quantity for lot in every_lot) + withdrawn == 4500
