"""Seed processing of new arrivals: received, cleaned, dried, moisture tested, packed, stored."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from genebank.inventory import services
from genebank.inventory.models import ProcessingStep, SeedLot

Step = ProcessingStep.Step


@pytest.fixture
def arrival(accession, technician):
    return services.receive(accession, 2500, "seeds", "base", technician, status="processing")


def test_a_new_arrival_goes_from_receipt_to_the_cold_room(arrival, technician, storage):
    today = timezone.localdate()
    assert [s.step for s in arrival.processing_steps.all()] == ["received"]
    services.record_processing_step(arrival, Step.CLEANED, technician)
    dried = services.record_processing_step(
        arrival, Step.DRIED, technician,
        drying_start=today - timedelta(days=3), drying_end=today, temperature=15, humidity=15,
    )  # fmt: skip
    assert dried.within_standard is True
    services.record_processing_step(
        arrival, Step.MOISTURE_TESTED, technician, moisture_content=Decimal("5.8"),
        moisture_method="oven",
    )  # fmt: skip
    services.record_processing_step(arrival, Step.PACKED, technician, container="foil_bag")
    # A base lot needs base storage: the cool room (active) refuses it, nothing is recorded.
    with pytest.raises(ValidationError) as err:
        services.record_processing_step(
            arrival, Step.STORED, technician, location=storage["active"]
        )
    assert err.value.code == "wrong_kind"
    services.record_processing_step(arrival, Step.STORED, technician, location=storage["box"])
    arrival.refresh_from_db()
    assert arrival.status == SeedLot.Status.AVAILABLE
    assert arrival.location == storage["box"]
    assert (arrival.moisture_content, arrival.moisture_date) == (Decimal("5.8"), today)
    assert arrival.container == "foil_bag"
    assert [s.step for s in arrival.processing_steps.order_by("pk")] == list(Step.values)
    assert {s.user for s in arrival.processing_steps.all()} == {technician}


def test_steps_only_go_forward(arrival, technician):
    services.record_processing_step(arrival, Step.PACKED, technician, container="glass_jar")
    with pytest.raises(ValidationError) as err:
        services.record_processing_step(arrival, Step.CLEANED, technician)
    assert err.value.code == "order"
    with pytest.raises(ValidationError):
        services.record_processing_step(arrival, Step.PACKED, technician, container="tube")
    assert arrival.processing_steps.count() == 2


def test_drying_outside_the_standard_is_flagged(arrival, technician):
    today = timezone.localdate()
    dried = services.record_processing_step(
        arrival, Step.DRIED, technician, drying_start=today, drying_end=today,
        temperature=30, humidity=40,
    )  # fmt: skip
    assert dried.within_standard is False


@pytest.mark.parametrize(
    ("step", "fields", "code"),
    [
        ("dried", {}, "drying"),
        ("dried", {"drying_start": date(2025, 5, 2), "drying_end": date(2025, 5, 1)}, "drying"),
        ("moisture_tested", {}, "moisture"),
        ("moisture_tested", {"moisture_content": Decimal("120")}, None),
        ("packed", {}, "container"),
        ("stored", {}, "location"),
        ("cleaned", {"date": date(2999, 1, 1)}, "date"),
        ("washed", {}, "step"),
    ],
)
def test_incomplete_steps_are_refused(arrival, technician, step, fields, code):
    with pytest.raises(ValidationError) as err:
        services.record_processing_step(arrival, step, technician, **fields)
    if code:
        assert err.value.code == code
    arrival.refresh_from_db()
    assert arrival.processing_steps.count() == 1 and arrival.moisture_content is None


def test_available_lots_are_not_processed(accession, technician):
    lot = services.receive(accession, 10, "seeds", "active", technician)
    with pytest.raises(ValidationError) as err:
        services.record_processing_step(lot, Step.CLEANED, technician)
    assert err.value.code == "not_processing"


def test_overdue_lots_are_flagged(arrival, technician):
    today = timezone.localdate()
    assert services.processing_overdue(today) == []
    ((lot, why),) = services.processing_overdue(today + timedelta(days=6))
    assert lot == arrival and "drying" in why
    services.record_processing_step(
        arrival, Step.DRIED, technician, drying_start=today, drying_end=today
    )
    assert services.processing_overdue(today + timedelta(days=6)) == []
    ((lot, why),) = services.processing_overdue(today + timedelta(days=61))
    assert "not stored 61 days" in why
