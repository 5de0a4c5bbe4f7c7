"""Data-logger readings: import (all or nothing, idempotent), excursions, and the alerts."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from genebank.inventory import environment, services
from genebank.inventory.alerts import (
    alert_counts,
    lots_below_reserve,
    lots_with_stale_moisture,
    storage_out_of_range,
)
from genebank.inventory.environment import excursions, read_readings
from genebank.inventory.models import EnvironmentReading, ReserveLevel
from genebank.inventory.services import import_readings

EASYLOG = """Cold room 1,Serial Number,Time,Celsius(°C),Humidity(%rh)
1,12345,2025-03-01 00:00:00,-18.0,15.0
2,12345,2025-03-01 00:30:00,-17.5,15.5
3,12345,2025-03-01 01:00:00,-12.0,16.0
4,12345,2025-03-01 01:30:00,-11.0,16.0
5,12345,2025-03-01 02:00:00,-13.0,17.0
6,12345,2025-03-01 02:30:00,-18.0,15.0
"""

SEMICOLONS = """Datum/Zeit;Temperatur [°C];rF [%]
01.03.2025 00:00;-18,5;14,0
01.03.2025 00:15;-18,4;14,2
"""


def test_logger_files_in_two_dialects_are_read():
    readings, problems = read_readings(EASYLOG)
    assert problems == [] and len(readings) == 6
    assert readings[2][1:] == (Decimal("-12.0"), Decimal("16.0"))
    readings, problems = read_readings(SEMICOLONS)
    assert problems == []
    moment, temperature, humidity = readings[1]
    assert (moment.hour, moment.minute) == (0, 15)
    assert (temperature, humidity) == (Decimal("-18.4"), Decimal("14.2"))


def test_import_is_all_or_nothing_and_idempotent(storage, curator):
    room = storage["base_room"]
    assert import_readings(room, EASYLOG, curator, "logger.csv") == {"added": 6, "skipped": 0}
    assert import_readings(room, EASYLOG, curator, "logger.csv") == {"added": 0, "skipped": 6}
    bad = EASYLOG + "7,12345,yesterday,-18,15\n8,12345,2025-03-01 04:00:00,cold,150\n"
    with pytest.raises(ValidationError) as err:
        import_readings(room, bad, curator)
    messages = err.value.messages
    assert len(messages) == 3
    assert "row 8" in messages[0] and "yesterday" in messages[0]
    assert any("row 9" in m and "cold" in m for m in messages)
    assert EnvironmentReading.objects.count() == 6


def test_excursions_longer_than_the_alert_time(storage, curator):
    room = storage["base_room"]  # -21..-15 °C, 12..18 % RH, alert after 60 minutes
    import_readings(room, EASYLOG, curator)
    (excursion,) = excursions(room)
    assert excursion.start == datetime(2025, 3, 1, 1, 0, tzinfo=UTC)
    assert excursion.duration == timedelta(minutes=90) and not excursion.ongoing
    assert excursion.worst_temperature == Decimal("-11.0")
    assert excursions(room, minutes=120) == []
    now = datetime(2025, 3, 2, tzinfo=UTC)
    assert len(storage_out_of_range(now=now)) == 1
    assert storage_out_of_range(now=now + timedelta(days=30)) == []


@given(
    st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=10_000),
            st.decimals(min_value=-40, max_value=40, places=1),
            st.decimals(min_value=0, max_value=100, places=1),
        ),
        unique_by=lambda r: r[0],
        max_size=30,
    ),
    st.sampled_from([",", ";"]),
    st.sampled_from(["\n", "\r\n"]),
    st.integers(min_value=1, max_value=300),
)
def test_what_a_logger_writes_is_what_is_read(rows, delimiter, newline, sniffed):
    """Whatever the line endings, and wherever the sample read to guess the dialect ends."""
    start = datetime(2025, 1, 1, tzinfo=UTC)
    lines = [delimiter.join(["Time", "Temperature", "RH"])]
    for minutes, temperature, humidity in rows:
        moment = (start + timedelta(minutes=minutes)).strftime("%Y-%m-%d %H:%M")
        numbers = [str(temperature), str(humidity)]
        if delimiter == ";":
            numbers = [n.replace(".", ",") for n in numbers]
        lines.append(delimiter.join([moment, *numbers]))
    with mock.patch.object(environment, "SNIFF_CHARS", sniffed):
        readings, problems = read_readings(newline.join(lines) + newline)
    assert problems == []
    expected = [(start + timedelta(minutes=m), Decimal(t), Decimal(h)) for m, t, h in rows]
    assert [(r[0].astimezone(UTC), r[1], r[2]) for r in readings] == expected


def test_alerts_for_lots(accession, technician, curator):
    base = services.receive(accession, 1000, "seeds", "base", technician)  # under 1,500
    active = services.receive(accession, 2000, "seeds", "active", technician)
    assert [(lot, seeds, level) for lot, seeds, level in lots_below_reserve()] == [
        (base, 1000, 1500)
    ]
    ReserveLevel.objects.create(
        crop=accession.taxon.crop, distribution_reserve=2500, regeneration_threshold=500
    )
    assert [lot for lot, _, _ in lots_below_reserve()] == [active]
    assert set(lots_with_stale_moisture()) == {base, active}
    services.update_lot_details(
        base, technician, "measured", moisture_content=6, moisture_date=timezone.localdate()
    )
    assert list(lots_with_stale_moisture()) == [active]
    counts = alert_counts()
    assert counts == {
        "below_reserve": 1,
        "stale_moisture": 1,
        "processing_overdue": 0,
        "storage_out_of_range": 0,
    }


@given(st.text(max_size=300))
def test_any_file_gives_readings_or_problems_never_a_crash(text):
    readings, problems = read_readings(text)
    for problem in problems:
        assert str(problem)
