"""Germination tests: recorded with their rule and counts, the seeds withdrawn through the ledger;
bad counts, dates and lots refused with nothing written."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from genebank.inventory import services as inventory
from genebank.inventory.models import LotTransaction, SeedLot
from genebank.viability.fit import fit_decline
from genebank.viability.germination import germination
from genebank.viability.models import GerminationReplicate, GerminationTest
from genebank.viability.services import lot_observations, record_germination_test
from tests.viability.conftest import RECEIVED

RULE = {
    "substrate": "BP",
    "temperature_regime": "20",
    "light": "light",
    "duration_days": 8,
    "dormancy_breaking": "prechill 5 days at 5 °C",
}


def counts(normal, abnormal=0, dead=0, fresh=0, hard=0):
    return {"normal": normal, "abnormal": abnormal, "dead": dead,
            "fresh_ungerminated": fresh, "hard": hard}  # fmt: skip


def record(lot, user, replicates, seeds=50, tested_on=datetime.date(2021, 3, 1), **rule):
    return record_germination_test(
        lot, user, tested_on=tested_on, seeds_per_replicate=seeds, replicates=replicates,
        **{**RULE, **rule},
    )  # fmt: skip


def nothing_written(lot):
    assert not GerminationTest.objects.exists()
    assert not GerminationReplicate.objects.exists()
    assert lot.transactions.count() == 1
    assert SeedLot.objects.get(pk=lot.pk).quantity == 1000


def test_a_test_is_recorded_and_its_seeds_withdrawn(lot, technician):
    test = record(lot, technician, [counts(45, 2, 3), counts(47, 1, 1, 1), counts(44, 3, 2, 0, 1),
                                    counts(46, 4)])  # fmt: skip
    assert (test.replicates, test.seeds_per_replicate, test.seeds_on_test) == (4, 50, 200)
    assert test.tested_by == technician
    assert test.dormancy_breaking == "prechill 5 days at 5 °C"
    assert [r.normal for r in test.replicate_counts.all()] == [45, 47, 44, 46]
    assert all(r.seeds == 50 for r in test.replicate_counts.all())
    # The seeds used left the lot through the ledger, for a viability test.
    entry = test.withdrawal
    assert (entry.kind, entry.reason, entry.quantity) == ("withdrawal", "viability_test", -200)
    assert entry.user == technician
    assert SeedLot.objects.get(pk=lot.pk).quantity == 800
    # Who and why, in the history.
    assert test.history.get().history_user == technician
    assert test.history.get().history_change_reason == "Germination test recorded"


def test_germination_percent_with_its_confidence_interval():
    result = germination(182, 200)
    assert result.percent == 91.0
    # Wilson score interval, 95 %: 86.2 % to 94.2 %.
    assert round(result.low, 1) == 86.2 and round(result.high, 1) == 94.2
    assert germination(50, 50).high == 100.0 and germination(50, 50).low < 100
    assert germination(0, 50).low == pytest.approx(0.0, abs=1e-9)
    with pytest.raises(ValueError):
        germination(51, 50)


@pytest.mark.parametrize(
    "replicates, message",
    [
        ([counts(45, 2, 2)], "the counts add up to 49, not to the 50 seeds on test"),
        ([counts(51)], "51 normal seedlings is more than the 50 seeds on test"),
        ([counts(40, 5, 5), counts(-1, 51)], "Replicate 2: normal seedlings must be a whole number"),
        ([counts(40, 5, 5), {**counts(40, 5, 5), "sprouted": 1}], "Replicate 2: unknown counts sprouted"),
        ([counts(40.5, 5, 4.5)], "must be a whole number"),
        ([], "at least one replicate"),
    ],
)  # fmt: skip
def test_counts_that_do_not_add_up_are_refused(lot, technician, replicates, message):
    with pytest.raises(ValidationError) as error:
        record(lot, technician, replicates)
    assert any(message in m for m in error.value.messages), error.value.messages
    nothing_written(lot)


def test_a_test_before_the_lot_existed_is_refused(lot, technician):
    with pytest.raises(ValidationError, match="before lot .* existed \\(2020-03-02\\)"):
        record(lot, technician, [counts(50)], tested_on=RECEIVED - datetime.timedelta(days=1))
    nothing_written(lot)
    record(lot, technician, [counts(50)], tested_on=RECEIVED)  # the day it came is fine


def test_a_test_in_the_future_is_refused(lot, technician):
    with pytest.raises(ValidationError, match="in the future"):
        record(
            lot,
            technician,
            [counts(50)],
            tested_on=datetime.date.today() + datetime.timedelta(days=2),
        )
    nothing_written(lot)


def test_a_test_on_a_depleted_lot_is_refused(lot, technician, curator):
    inventory.withdraw(lot, 1000, "seeds", "distribution", curator)
    lot.refresh_from_db()
    assert lot.status == SeedLot.Status.DEPLETED
    with pytest.raises(ValidationError, match="depleted: it has no seed to test"):
        record(lot, technician, [counts(50)])
    assert not GerminationTest.objects.exists()


def test_more_seeds_than_the_lot_holds_is_refused(lot, technician):
    with pytest.raises(ValidationError, match="holds 1000 seeds"):
        record(lot, technician, [counts(300, 100, 100)] * 3, seeds=500)
    nothing_written(lot)


def test_a_viewer_may_not_record_a_test(lot, viewer):
    with pytest.raises(PermissionDenied):
        record(lot, viewer, [counts(50)])
    nothing_written(lot)


def test_a_lots_tests_are_fitted(lot, technician):
    # Ki 2 (97.7 %), sigma 1000 days: 50 seeds x 2 replicates a year apart.
    expected = {365: (48, 47), 730: (44, 45), 1095: (38, 37), 1460: (28, 29)}
    for days, normals in expected.items():
        record(lot, technician, [counts(n, 50 - n) for n in normals],
               tested_on=RECEIVED + datetime.timedelta(days=days))  # fmt: skip
    observations = lot_observations(lot)
    assert [o.period_days for o in observations] == [365, 365, 730, 730, 1095, 1095, 1460, 1460]
    assert [o.germinated for o in observations][:2] == [48, 47]
    fit = fit_decline(observations)
    assert 1.5 < fit.ki < 3 and 600 < fit.sigma_days < 1600
    assert LotTransaction.objects.filter(reason="viability_test").count() == 4
    assert SeedLot.objects.get(pk=lot.pk).quantity == 600
