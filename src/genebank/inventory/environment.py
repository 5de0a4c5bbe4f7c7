"""Storage environment: data-logger CSV readings per storage unit, and excursions from set points.

Data loggers write CSV in many dialects; we find the time, temperature and humidity columns by
their headers, accept comma or semicolon separators and decimal commas, and read day-first or ISO
dates. Files are read row by row (a logger left for a year writes hundreds of megabytes), so
memory stays the same whatever their length; services.import_readings writes them.
"""

from __future__ import annotations

import csv
import functools
import io
import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from genebank.inventory.models import StorageLocation

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

# Temperatures a storage unit can read, from liquid nitrogen (-196 °C) to a drying oven; beyond
# them a logger writes an error code (-999.9, 9999), and the column (5 digits, 2 decimals) ends.
TEMPERATURE_RANGE = (Decimal(-200), Decimal(200))
# Readings in one file at most: a year of one reading a minute is 525,600. A file is imported in
# one transaction, all or nothing; a longer one would hold the write lock too long.
MAX_ROWS = 1_000_000
# The dialect is guessed from the file's first characters (and the rest of that line).
SNIFF_CHARS = 4096
# Longer lines are read in pieces (and fail as rows): a file with no line breaks is not read whole.
MAX_LINE_CHARS = 65536


@dataclass(frozen=True)
class Problem:
    row: int
    field: str
    value: str
    message: str

    def __post_init__(self):
        # A value is shown to name the cell; a garbled file's cells can be a line's length.
        if len(self.value) > 80:
            object.__setattr__(self, "value", self.value[:79] + "…")

    def __str__(self) -> str:
        return _("row %(row)s, %(field)s %(value)r: %(message)s") % {
            "row": self.row,
            "field": self.field,
            "value": self.value,
            "message": self.message,
        }


@dataclass(frozen=True)
class Reading:
    row: int
    time_text: str  # as written in the file, to name it in a problem
    taken_at: datetime
    temperature: Decimal | None
    humidity: Decimal | None


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


def iter_readings(stream, max_rows: int | None = None) -> Iterator[Reading | Problem]:
    """Readings and problems of a data-logger CSV text stream, in file order, one row at a time.

    Stops with a problem after max_rows readings (default MAX_ROWS). Times repeated in the file are
    not looked for here: the import finds them in the database, which holds the rows already read.
    """
    max_rows = MAX_ROWS if max_rows is None else max_rows
    sample = stream.read(SNIFF_CHARS)
    if len(sample) == SNIFF_CHARS:
        # The sniffer and the reader then start on whole lines.
        sample += stream.readline(MAX_LINE_CHARS)
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    lines = itertools.chain(
        io.StringIO(sample, newline=""),
        iter(functools.partial(stream.readline, MAX_LINE_CHARS), ""),
    )
    rows = enumerate(csv.reader(lines, dialect))
    try:
        yield from _rows_to_readings(rows, max_rows)
    except csv.Error as exc:
        yield Problem(1, "file", "", _("not a CSV file: %(error)s") % {"error": exc})


def _rows_to_readings(rows: Iterable[tuple[int, list[str]]], max_rows: int):
    # Some loggers write a title line before the header: take the first row naming a time column.
    found = next(((i, row) for i, row in rows if _column(row, *TIME_KEYS) is not None), None)
    if found is None:
        yield Problem(1, "time", "", _("No time or date column in the header."))
        return
    start, headers = found
    time_col = _column(headers, *TIME_KEYS)
    temp_col = _column(headers, *TEMPERATURE_KEYS)
    rh_col = _column(headers, *HUMIDITY_KEYS)
    if temp_col is None and rh_col is None:
        yield Problem(
            start + 1, "header", ",".join(headers), _("No temperature or humidity column.")
        )
        return
    count = 0
    for index, row in rows:
        number = index + 1
        if not any(cell.strip() for cell in row):
            continue
        count += 1
        if count > max_rows:
            yield Problem(
                number,
                "file",
                "",
                _("more than %(max)s readings in one file: split it into smaller files")
                % {"max": number_format(max_rows, use_l10n=True, force_grouping=True)},
            )
            return
        cells = row + [""] * (len(headers) - len(row))
        try:
            moment = parse_time(cells[time_col])
        except ValueError:
            yield Problem(number, "time", cells[time_col], _("not a date and time"))
            continue
        values, bad = [], False
        for column, name in ((temp_col, "temperature"), (rh_col, "humidity")):
            if column is None:
                values.append(None)
                continue
            try:
                values.append(parse_number(cells[column]))
            except (InvalidOperation, ValueError):
                yield Problem(number, name, cells[column], _("not a number"))
                values.append(None)
                bad = True
        temperature, humidity = values
        low, high = TEMPERATURE_RANGE
        if temperature is not None and not (low <= temperature <= high):
            yield Problem(
                number,
                "temperature",
                str(temperature),
                _("not between %(low)s and %(high)s °C") % {"low": low, "high": high},
            )
            bad = True
        if humidity is not None and not (0 <= humidity <= 100):
            yield Problem(number, "humidity", str(humidity), _("not between 0 and 100"))
            bad = True
        if not bad:
            yield Reading(number, cells[time_col], moment, temperature, humidity)


def read_readings(text: str) -> tuple[list[tuple[datetime, Decimal | None, Decimal | None]], list]:
    """(readings, problems) of the text of a small data-logger CSV file (for tests and previews)."""
    readings, problems = [], []
    for item in iter_readings(io.StringIO(text, newline="")):
        if isinstance(item, Problem):
            problems.append(item)
        else:
            readings.append((item.taken_at, item.temperature, item.humidity))
    return readings, problems


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
