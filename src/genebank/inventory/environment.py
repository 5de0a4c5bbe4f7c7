"""Storage environment: data-logger CSV readings per storage unit, and excursions from set points.

Data loggers write CSV in many dialects; we find the time, temperature and humidity columns by
their headers, accept comma or semicolon separators and decimal commas, and read day-first or ISO
dates. Every row is checked before anything is written; re-importing a file adds nothing.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from genebank.core.permissions import require
from genebank.inventory.models import EnvironmentReading, StorageLocation
from genebank.inventory.permissions import RECORD_READINGS

# Header words that name each column, in the languages loggers are sold with.
TIME_KEYS = ("time", "date", "datum", "zeit", "heure", "fecha", "hora")
TEMPERATURE_KEYS = ("temp", "celsius", "°c")
HUMIDITY_KEYS = ("rh", "humid", "hum", "rf")

TIME_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
]


@dataclass(frozen=True)
class Problem:
    row: int
    field: str
    value: str
    message: str

    def __str__(self) -> str:
        return _("row %(row)s, %(field)s %(value)r: %(message)s") % {
            "row": self.row,
            "field": self.field,
            "value": self.value,
            "message": self.message,
        }


def _column(headers: list[str], *keys: str) -> int | None:
    for i, header in enumerate(headers):
        lowered = header.strip().lower()
        if any(key in lowered for key in keys):
            return i
    return None


def parse_time(text: str) -> datetime:
    text = text.strip()
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        for fmt in TIME_FORMATS:
            try:
                moment = datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
        else:
            raise ValueError(text) from None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def parse_number(text: str) -> Decimal | None:
    text = text.strip().replace(",", ".")
    if text == "":
        return None
    value = Decimal(text)
    if not value.is_finite():
        raise InvalidOperation(text)
    return value


def read_readings(text: str) -> tuple[list[tuple[datetime, Decimal | None, Decimal | None]], list]:
    """(readings, problems) from the text of a data-logger CSV file."""
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), dialect))
    except csv.Error as exc:
        return [], [Problem(1, "file", "", _("not a CSV file: %(error)s") % {"error": exc})]
    # Some loggers write a title line before the header: take the first row naming a time column.
    start = next((i for i, row in enumerate(rows) if _column(row, *TIME_KEYS) is not None), None)
    if start is None:
        return [], [Problem(1, "time", "", _("No time or date column in the header."))]
    headers = rows[start]
    time_col = _column(headers, *TIME_KEYS)
    temp_col = _column(headers, *TEMPERATURE_KEYS)
    rh_col = _column(headers, *HUMIDITY_KEYS)
    if temp_col is None and rh_col is None:
        return [], [Problem(start + 1, "header", ",".join(headers),
                            _("No temperature or humidity column."))]  # fmt: skip
    readings, problems, seen = [], [], set()
    for number, row in enumerate(rows[start + 1 :], start=start + 2):
        if not any(cell.strip() for cell in row):
            continue
        cells = row + [""] * (len(headers) - len(row))
        try:
            moment = parse_time(cells[time_col])
        except ValueError:
            problems.append(Problem(number, "time", cells[time_col], _("not a date and time")))
            continue
        values = []
        for column, name in ((temp_col, "temperature"), (rh_col, "humidity")):
            if column is None:
                values.append(None)
                continue
            try:
                values.append(parse_number(cells[column]))
            except (InvalidOperation, ValueError):
                problems.append(Problem(number, name, cells[column], _("not a number")))
                values.append(None)
        humidity = values[1]
        if humidity is not None and not (0 <= humidity <= 100):
            problems.append(Problem(number, "humidity", str(humidity), _("not between 0 and 100")))
        if moment in seen:
            problems.append(Problem(number, "time", cells[time_col], _("the same time twice")))
        seen.add(moment)
        readings.append((moment, values[0], humidity))
    return readings, problems


@transaction.atomic
def import_readings(location: StorageLocation, text: str, user, source: str = "") -> dict:
    """Add a logger file's readings to a storage unit: all rows or none; known times are skipped.

    Raises ValidationError listing every problem (row, field, value, message) when any row is bad.
    """
    require(user, RECORD_READINGS, location.institute_id)
    readings, problems = read_readings(text)
    if problems:
        raise ValidationError([str(p) for p in problems], code="readings")
    known = set(
        EnvironmentReading.objects.filter(
            location=location, taken_at__in=[r[0] for r in readings]
        ).values_list("taken_at", flat=True)
    )
    new = [
        EnvironmentReading(
            location=location, taken_at=moment, temperature=t, humidity=h, source=source[:200]
        )
        for moment, t, h in readings
        if moment not in known
    ]
    EnvironmentReading.objects.bulk_create(new, batch_size=1000)
    return {"added": len(new), "skipped": len(readings) - len(new)}


def _set_points(location: StorageLocation):
    return (
        location.temperature_min,
        location.temperature_max,
        location.humidity_min,
        location.humidity_max,
    )


def out_of_range(location: StorageLocation, temperature, humidity) -> bool:
    t_min, t_max, h_min, h_max = _set_points(location)
    if temperature is not None:
        if (t_min is not None and temperature < t_min) or (
            t_max is not None and temperature > t_max
        ):
            return True
    if humidity is not None:
        if (h_min is not None and humidity < h_min) or (h_max is not None and humidity > h_max):
            return True
    return False


@dataclass
class Excursion:
    location: StorageLocation
    start: datetime
    end: datetime  # the first reading back in range, or the last reading while still out
    ongoing: bool
    worst_temperature: Decimal | None
    worst_humidity: Decimal | None

    @property
    def duration(self) -> timedelta:
        return self.end - self.start


def excursions(location: StorageLocation, since: datetime | None = None, minutes=None):
    """Periods the readings stayed outside the set points for at least `minutes` (default: the
    location's alert_after_minutes)."""
    limit = timedelta(minutes=location.alert_after_minutes if minutes is None else minutes)
    readings = location.readings.order_by("taken_at")
    if since is not None:
        readings = readings.filter(taken_at__gte=since)
    found, current = [], None
    last_time = None
    for reading in readings.values_list("taken_at", "temperature", "humidity").iterator():
        moment, temperature, humidity = reading
        last_time = moment
        if out_of_range(location, temperature, humidity):
            if current is None:
                current = Excursion(location, moment, moment, True, temperature, humidity)
            current.end = moment
            if temperature is not None:
                worst = current.worst_temperature
                middle = _middle(location.temperature_min, location.temperature_max)
                if worst is None or abs(temperature - middle) > abs(worst - middle):
                    current.worst_temperature = temperature
            if humidity is not None:
                worst = current.worst_humidity
                middle = _middle(location.humidity_min, location.humidity_max)
                if worst is None or abs(humidity - middle) > abs(worst - middle):
                    current.worst_humidity = humidity
        elif current is not None:
            current.end, current.ongoing = moment, False
            found.append(current)
            current = None
    if current is not None:
        current.end = last_time
        found.append(current)
    return [e for e in found if e.duration >= limit]


def _middle(low, high) -> Decimal:
    if low is None and high is None:
        return Decimal(0)
    if low is None or high is None:
        return low if high is None else high
    return (low + high) / 2
