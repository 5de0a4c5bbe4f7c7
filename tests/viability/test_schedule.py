"""The next germination test of a lot (viability.schedule): first test a year after receipt, then
the FAO interval from the species constants (at most 40 years) or the default interval of the
collection; the `due` command's JSON contract and a bounded query count."""

import datetime
import json

import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from genebank.core.models import Crop, Taxon
from genebank.inventory import services as inventory
from genebank.inventory.models import SeedLot, StorageLocation
from genebank.viability import equation, schedule
from genebank.viability.models import SpeciesConstants
from tests.factories import AccessionFactory
from tests.viability.conftest import RECEIVED
from tests.viability.test_germination_tests import counts as _counts
from tests.viability.test_germination_tests import record


def counts(normal, seeds=50):
    return _counts(normal, dead=seeds - normal)


def days(n):
    return datetime.timedelta(days=n)


@pytest.fixture
def barley_lot(genebank, curator):
    """An active lot of barley at 12 % moisture, received on RECEIVED."""
    crop, _ = Crop.objects.get_or_create(name="Barley")
    taxon, _ = Taxon.objects.get_or_create(genus="Hordeum", species="vulgare", crop=crop)
    lot = inventory.receive(AccessionFactory(institute=genebank, taxon=taxon), 1000, "seeds",
                            "active", curator)  # fmt: skip
    received = timezone.make_aware(datetime.datetime.combine(RECEIVED, datetime.time(9)))
    SeedLot.objects.filter(pk=lot.pk).update(created_at=received, moisture_content=12)
    lot.refresh_from_db()
    return lot


def expected_interval(lot_moisture, temperature, initial_pct, seeds=200):
    preferred = SpeciesConstants.objects.get(species="Hordeum vulgare", preferred=True)
    initial = equation.percent_adjust(initial_pct, seeds).item()
    sigma = equation.sigma_days(preferred.ke, preferred.cw, preferred.ch, preferred.cq,
                                lot_moisture, temperature)  # fmt: skip
    full = equation.days_to_viability(equation.ned(initial), sigma, 0.85 * initial).item()
    return int(np.floor(min(full / 3, schedule.MAX_INTERVAL_DAYS)))


def test_first_test_within_a_year_of_receipt(lot):
    due = schedule.next_test(lot)
    assert (due.reason, due.due, due.last_test, due.interval_days) == (
        "first_test",
        RECEIVED + days(365),
        None,
        None,
    )
    # The clock moved: the day before it is not due, on the day and after it is.
    assert schedule.due_tests(today=RECEIVED + days(364)) == []
    assert [d.lot for d in schedule.due_tests(today=RECEIVED + days(365))] == [lot.number]
    assert due.overdue_days(RECEIVED + days(400)) == 35
    assert due.overdue_days(RECEIVED + days(300)) == -65
    # --within looks ahead.
    assert len(schedule.due_tests(today=RECEIVED + days(300), within=65)) == 1
    assert schedule.due_tests(today=RECEIVED + days(300), within=64) == []


def test_first_test_days_setting(lot, settings):
    settings.GENEBANK_VIABILITY_FIRST_TEST_DAYS = 180
    assert schedule.next_test(lot).due == RECEIVED + days(180)


def test_default_interval_without_constants(lot, technician, settings):
    # Durum wheat has no constants: a base lot waits 10 years after its last test.
    record(lot, technician, [counts(45), counts(47)], tested_on=datetime.date(2020, 6, 1))
    record(lot, technician, [counts(44), counts(46)], tested_on=datetime.date(2021, 3, 1))
    due = schedule.next_test(lot)
    assert (due.reason, due.last_test) == ("default", datetime.date(2021, 3, 1))
    assert due.due == datetime.date(2021, 3, 1) + days(schedule.BASE_INTERVAL_DAYS)
    settings.GENEBANK_VIABILITY_BASE_INTERVAL_DAYS = 100
    assert schedule.next_test(lot).due == datetime.date(2021, 6, 9)
    SeedLot.objects.filter(pk=lot.pk).update(collection="active")
    settings.GENEBANK_VIABILITY_ACTIVE_INTERVAL_DAYS = 50
    assert schedule.next_test(lot).due == datetime.date(2021, 4, 20)


def test_interval_from_the_species_constants(barley_lot, technician):
    # First test 96 % (192 of 200), a later one 90 %: the initial viability is the first.
    record(barley_lot, technician, [counts(48), counts(48), counts(48), counts(48)],
           tested_on=datetime.date(2020, 4, 1))  # fmt: skip
    record(barley_lot, technician, [counts(45), counts(45)], tested_on=datetime.date(2021, 4, 1))
    due = schedule.next_test(barley_lot)
    interval = expected_interval(12.0, 5.0, 96.0)
    assert due.reason == "constants" and 30 < interval < 5000
    assert due.interval_days == interval
    assert due.due == datetime.date(2021, 4, 1) + days(interval)
    # A base lot without a storage temperature: -18 °C, a longer interval.
    SeedLot.objects.filter(pk=barley_lot.pk).update(collection="base")
    colder = schedule.next_test(barley_lot)
    assert colder.interval_days == expected_interval(12.0, -18.0, 96.0) > interval
    # The set point of the lot's storage location, where recorded, wins over the default.
    room = StorageLocation.objects.create(
        institute=barley_lot.institute, name="Cold room", code="CR1", kind="room",
        temperature_max=10,
    )  # fmt: skip
    SeedLot.objects.filter(pk=barley_lot.pk).update(location=room)
    warmer = schedule.next_test(barley_lot)
    assert warmer.interval_days == expected_interval(12.0, 10.0, 96.0) < interval


def test_the_interval_is_capped_at_40_years(barley_lot, technician):
    SeedLot.objects.filter(pk=barley_lot.pk).update(moisture_content=None, collection="base")
    record(barley_lot, technician, [counts(50), counts(50)], tested_on=datetime.date(2020, 4, 1))
    due = schedule.next_test(barley_lot)
    # 100 %, 6 % moisture, -18 °C: centuries by the equation, 40 years on the schedule.
    assert (due.reason, due.interval_days) == ("constants", schedule.MAX_INTERVAL_DAYS)


@hypothesis_settings(max_examples=300, deadline=None)
@given(
    ke=st.floats(5, 12), cw=st.floats(2, 7), moisture=st.floats(2, 30),
    temperature=st.floats(-25, 40), initial=st.floats(0, 100), seeds=st.integers(1, 1000),
)  # fmt: skip
def test_the_interval_is_positive_and_at_most_40_years(ke, cw, moisture, temperature, initial,
                                                        seeds):  # fmt: skip
    interval = schedule.fao_interval_days(ke, cw, 0.0329, 0.000478, moisture, temperature,
                                          initial, seeds)  # fmt: skip
    assert 1 <= interval.item() <= 40 * 365.25


def test_gone_lots_are_not_scheduled(lot):
    SeedLot.objects.filter(pk=lot.pk).update(status="depleted")
    assert schedule.due_tests(today=RECEIVED + days(5000)) == []


def test_query_count_is_bounded(genebank, curator, technician, lot, barley_lot,
                                django_assert_max_num_queries):  # fmt: skip
    for _ in range(5):
        inventory.receive(AccessionFactory(institute=genebank), 100, "seeds", "base", curator)
    record(barley_lot, technician, [counts(45), counts(45)], tested_on=datetime.date(2020, 4, 1))
    with CaptureQueriesContext(connection) as few:
        schedule.due_tests(today=RECEIVED)
    for _ in range(20):
        inventory.receive(AccessionFactory(institute=genebank), 100, "seeds", "base", curator)
    with django_assert_max_num_queries(len(few)):
        many = schedule.due_tests(today=datetime.date(2100, 1, 1))
    assert len(many) == 27


def call_due(*args):
    from io import StringIO

    out = StringIO()
    call_command("viability", "due", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_the_due_command_json_contract(lot, barley_lot, technician, other_genebank, curator):
    record(barley_lot, technician, [counts(45), counts(45)], tested_on=datetime.date(2020, 4, 1))
    data = json.loads(call_due("--json", "--within", "100000"))
    assert {row["lot"] for row in data} == {lot.number, barley_lot.number}
    assert [row["due"] for row in data] == sorted(row["due"] for row in data)  # overdue first
    first, second = sorted(data, key=lambda row: row["reason"] != "first_test")
    assert first["accession"] == lot.accession.number and first["reason"] == "first_test"
    assert first["due"] == (RECEIVED + days(365)).isoformat()
    today = timezone.localdate()
    assert first["overdue_days"] == (today - RECEIVED - days(365)).days
    assert second["reason"] == "constants" and second["interval_days"] > 0
    assert set(first) >= {"lot", "accession", "due", "overdue_days", "reason"}
    # Only what is due today (overdue) without --within; an institute filter.
    due_now = json.loads(call_due("--json"))
    assert all(row["overdue_days"] >= 0 for row in due_now)
    assert json.loads(call_due("--json", "--institute", "SYR002", "--within", "100000")) == []
    text = call_due("--within", "100000")
    assert lot.number in text and "First test" in text
    with pytest.raises(CommandError):
        call_due("--within", "-1")
