"""Any sequence of inventory operations keeps every lot's quantity = sum of its ledger, within
0..MAX_QUANTITY.

A hypothesis state machine receives, withdraws, adjusts, transfers, splits, merges and
quarantines lots with arbitrary (often wrong) quantities and units; each refusal must leave the
database exactly as it was.
"""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    invariant,
    multiple,
    rule,
    run_state_machine_as_test,
)

from genebank.inventory import services
from genebank.inventory.models import LotTransaction, SeedLot
from genebank.inventory.services import ledger_sum
from genebank.inventory.units import MAX_QUANTITY

Status = SeedLot.Status

# Mostly sensible amounts, with zero, negative, fractional and non-numbers mixed in, and amounts
# at and beyond the most a lot may hold (up to what overflowed the column before it was bounded).
quantities = st.one_of(
    st.integers(min_value=1, max_value=2000),
    st.integers(min_value=1, max_value=200),
    st.decimals(min_value=Decimal("0.001"), max_value=Decimal("500"), places=3),
    st.sampled_from([0, -5, "-0", "abc", "2.5", "1e3"]),
    st.integers(min_value=MAX_QUANTITY // 3, max_value=MAX_QUANTITY + 5),
    st.sampled_from([MAX_QUANTITY, 99999999999, "99999999999.999", "1e12"]),
)
units = st.sampled_from(["seeds", "seeds", "seeds", "g", "kg"])
weights = st.one_of(
    st.none(), st.decimals(min_value=Decimal("1"), max_value=Decimal("80"), places=1)
)
reasons = st.sampled_from([*LotTransaction.Reason.values, "gift"])


def state(lots):
    return (
        LotTransaction.objects.count(),
        SeedLot.objects.count(),
        sorted(
            SeedLot.objects.filter(pk__in=[lot.pk for lot in lots]).values_list(
                "pk", "quantity", "status"
            )
        ),
    )


class LedgerMachine(RuleBasedStateMachine):
    lots = Bundle("lots")

    def __init__(self, accessions, user):
        super().__init__()
        self.accessions = accessions
        self.user = user
        self.known: list[SeedLot] = []

    def attempt(self, operation):
        """Run one service; when it refuses, nothing may have changed."""
        before = state(self.known)
        try:
            result = operation()
        except ValidationError as exc:
            event(f"refused: {exc.code}")
            assert state(self.known) == before
            return None
        event("done")
        return result

    @rule(
        target=lots,
        which=st.integers(0, 1),
        quantity=quantities,
        unit=units,
        weight=weights,
        collection=st.sampled_from(["base", "active", "other"]),
    )
    def receive(self, which, quantity, unit, weight, collection):
        lot = self.attempt(
            lambda: services.receive(
                self.accessions[which],
                quantity,
                unit,
                collection,
                self.user,
                thousand_seed_weight=weight,
            )
        )
        if lot is None:
            return multiple()  # refused: no new lot for later rules
        self.known.append(lot)
        return lot

    @rule(lot=lots, quantity=quantities, unit=units, reason=reasons)
    def withdraw(self, lot, quantity, unit, reason):
        self.attempt(lambda: services.withdraw(lot, quantity, unit, reason, self.user))

    @rule(
        lot=lots, quantity=quantities, unit=units, negative=st.booleans(), confirmed=st.booleans()
    )
    def adjust(self, lot, quantity, unit, negative, confirmed):
        signed = f"-{quantity}" if negative else quantity
        self.attempt(
            lambda: services.adjust(lot, signed, unit, "recount", self.user, confirmed=confirmed)
        )

    @rule(source=lots, into=lots, quantity=quantities, unit=units)
    def transfer(self, source, into, quantity, unit):
        self.attempt(lambda: services.transfer(source, into, quantity, unit, self.user))

    @rule(target=lots, lot=lots, quantity=quantities, unit=units)
    def split(self, lot, quantity, unit):
        child = self.attempt(lambda: services.split_lot(lot, quantity, unit, self.user))
        if child is None:
            return multiple()
        self.known.append(child)
        return child

    @rule(source=lots, into=lots)
    def merge(self, source, into):
        self.attempt(lambda: services.merge_lots([source], into, self.user))

    @rule(lot=lots, status=st.sampled_from([Status.QUARANTINE, Status.AVAILABLE]))
    def set_status(self, lot, status):
        self.attempt(lambda: services.set_lot_status(lot, status, self.user, "inspection"))

    @invariant()
    def quantities_are_the_sum_of_the_ledger(self):
        for lot in SeedLot.objects.filter(pk__in=[lot.pk for lot in self.known]):
            assert 0 <= lot.quantity <= MAX_QUANTITY
            assert lot.quantity == ledger_sum(lot)
            assert (lot.quantity == 0) == (lot.status == Status.DEPLETED)
            last = lot.transactions.order_by("-created_at", "-pk").first()
            assert last.balance_after == lot.quantity
            assert lot.transactions.filter(quantity__gt=MAX_QUANTITY).count() == 0


@pytest.mark.django_db
def test_any_sequence_of_operations_keeps_the_ledger(make_accession, curator):
    accessions = [make_accession(), make_accession()]

    class Machine(LedgerMachine):
        def __init__(self):
            super().__init__(accessions, curator)

    run_state_machine_as_test(
        Machine,
        settings=settings(
            max_examples=30,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
