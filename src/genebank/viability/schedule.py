"""When each seed lot is next due for a germination test: the one rule every door uses.

- A lot without a test yet: its first test is due within FIRST_TEST_DAYS (365) of its receipt
  (the day the lot was recorded, as services._lot_start counts the storage period).
- A lot with tests: the date of its last test plus the FAO interval (FAO Genebank Standards
  4.1.4): a third of the predicted time for viability to fall to 85 % of the lot's initial
  viability, where the preferred species constants of the accession's taxon ("Genus species")
  are known, at most MAX_INTERVAL_DAYS (40 years); otherwise the default interval of its
  collection: 10 years for base, 5 for active (and other) collections.

Assumptions of the prediction, stated here because the models hold no better value:
- initial viability: the normal seedlings of the lot's first test as a percentage of its seeds
  (0 % and 100 % moved a quarter of a seed in, equation.percent_adjust, so Ki is finite);
- temperature: the upper set point (temperature_max) of the lot's own storage location where
  it is recorded, else -18 °C for a base collection and 5 °C for any other;
- moisture content: the lot's recorded moisture content (% fresh weight), else 6 %.

Settings (optional, in days): GENEBANK_VIABILITY_FIRST_TEST_DAYS,
GENEBANK_VIABILITY_BASE_INTERVAL_DAYS, GENEBANK_VIABILITY_ACTIVE_INTERVAL_DAYS.

All lots are scheduled at once: a bounded number of queries (lots, tests, constants) and one
numpy pass (equation.project) for the predictions, not one Python prediction per lot.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.db.models import F, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from genebank.inventory.models import CollectionKind, SeedLot
from genebank.viability import equation
from genebank.viability.models import GerminationTest, SpeciesConstants

DAYS_PER_YEAR = 365.25
FIRST_TEST_DAYS = 365
MAX_INTERVAL_DAYS = int(40 * DAYS_PER_YEAR)
BASE_INTERVAL_DAYS = int(10 * DAYS_PER_YEAR)
ACTIVE_INTERVAL_DAYS = int(5 * DAYS_PER_YEAR)
BASE_TEMPERATURE = -18.0
ACTIVE_TEMPERATURE = 5.0
DEFAULT_MOISTURE = 6.0
FAO_FRACTION = 0.85  # of the initial viability

FIRST_TEST = "first_test"
CONSTANTS = "constants"
DEFAULT = "default"
REASONS = {
    FIRST_TEST: _("First test (within a year of receipt)"),
    CONSTANTS: _("Interval from the species constants"),
    DEFAULT: _("Default interval"),
}


def first_test_days() -> int:
    return int(getattr(settings, "GENEBANK_VIABILITY_FIRST_TEST_DAYS", FIRST_TEST_DAYS))


def default_interval_days(collection: str) -> int:
    if collection == CollectionKind.BASE:
        return int(getattr(settings, "GENEBANK_VIABILITY_BASE_INTERVAL_DAYS", BASE_INTERVAL_DAYS))
    return int(getattr(settings, "GENEBANK_VIABILITY_ACTIVE_INTERVAL_DAYS", ACTIVE_INTERVAL_DAYS))


def fao_interval_days(
    ke: np.typing.ArrayLike,
    cw: np.typing.ArrayLike,
    ch: np.typing.ArrayLike,
    cq: np.typing.ArrayLike,
    moisture: np.typing.ArrayLike,
    temperature: np.typing.ArrayLike,
    initial_pct: np.typing.ArrayLike,
    seeds: np.typing.ArrayLike,
) -> equation.FloatArray:
    """Whole days, at least 1 and at most MAX_INTERVAL_DAYS: a third of the time to fall from
    the initial viability to 85 % of it, for arrays of lots (a 1-d array, numbers too)."""
    # project works in place: every input a 1-d array, so a single lot is an array too.
    ke, cw, ch, cq, moisture, temperature, initial_pct, seeds = (
        np.atleast_1d(np.asarray(v, dtype=np.float64))
        for v in (ke, cw, ch, cq, moisture, temperature, initial_pct, seeds)
    )
    initial = equation.percent_adjust(initial_pct, np.maximum(seeds, 1.0))
    with np.errstate(invalid="ignore"):
        days = equation.project(
            ke, cw, ch, cq, moisture, temperature, initial, initial * FAO_FRACTION
        )
    # NaN only where both viabilities round to 0 % (no viability left): the shortest interval.
    days = np.nan_to_num(days / 3.0, nan=1.0, posinf=MAX_INTERVAL_DAYS)
    return np.floor(np.clip(days, 1.0, MAX_INTERVAL_DAYS))


@dataclass(frozen=True)
class Due:
    """When one lot is next due for a test, and why."""

    lot_id: int
    lot: str
    institute: str
    accession: str
    due: datetime.date
    reason: str  # FIRST_TEST, CONSTANTS or DEFAULT
    interval_days: int | None  # None for a first test
    last_test: datetime.date | None

    def overdue_days(self, today: datetime.date) -> int:
        """Days past the due date (negative: days still to go)."""
        return (today - self.due).days

    @property
    def reason_label(self) -> str:
        return str(REASONS[self.reason])


def _species_key(name: str) -> str:
    return " ".join(name.split(" (")[0].split()).lower()


def _constants_by_species() -> dict[str, tuple[float, float, float, float]]:
    """The preferred set per species name; a set named with a qualifier in brackets serves the
    bare name only where no set has exactly that name."""
    found: dict[str, tuple[float, float, float, float]] = {}
    exact: set[str] = set()
    for row in SpeciesConstants.objects.filter(preferred=True).values_list(
        "species", "ke", "cw", "ch", "cq"
    ):
        key = _species_key(row[0])
        is_exact = row[0].strip().lower() == key
        if key in exact or (key in found and not is_exact):
            continue
        found[key] = row[1:]
        if is_exact:
            exact.add(key)
    return found


def schedule(lots: QuerySet[SeedLot] | None = None) -> list[Due]:
    """The next test of every lot in `lots` (default: every lot that still holds seed)."""
    if lots is None:
        lots = SeedLot.objects.exclude(status__in=SeedLot.GONE)
    rows = list(
        lots.values_list(
            "pk",
            "number",
            "institute__code",
            "accession__number",
            "collection",
            "moisture_content",
            "created_at",
            "location__temperature_max",
            "accession__taxon__genus",
            "accession__taxon__species",
        ).order_by()
    )
    if not rows:
        return []
    # One query: each test with its normal seedlings and seeds, in date order per lot.
    first: dict[int, tuple[int, int]] = {}
    last: dict[int, datetime.date] = {}
    tests = (
        GerminationTest.objects.filter(lot__in=lots.values("pk"))
        .annotate(
            normal=Sum("replicate_counts__normal"),
            seeds=Sum(
                F("replicate_counts__normal")
                + F("replicate_counts__abnormal")
                + F("replicate_counts__dead")
                + F("replicate_counts__fresh_ungerminated")
                + F("replicate_counts__hard")
            ),
        )
        .order_by("lot_id", "tested_on", "pk")
        .values_list("lot_id", "tested_on", "normal", "seeds")
    )
    for lot_id, tested_on, normal, seeds in tests.iterator(chunk_size=10_000):
        if not seeds:  # a test without counts decides nothing
            continue
        first.setdefault(lot_id, (normal, seeds))
        last[lot_id] = tested_on
    constants = _constants_by_species()

    # The lots whose interval the equation gives, as arrays.
    predicted: list[int] = []
    values: list[tuple[float, ...]] = []
    for i, row in enumerate(rows):
        pk, collection, moisture, temperature = row[0], row[4], row[5], row[7]
        found = constants.get(_species_key(f"{row[8]} {row[9]}"))
        if pk not in last or found is None:
            continue
        if temperature is not None:
            celsius = float(temperature)
        elif collection == CollectionKind.BASE:
            celsius = BASE_TEMPERATURE
        else:
            celsius = ACTIVE_TEMPERATURE
        normal, seeds = first[pk]
        predicted.append(i)
        values.append(
            (
                *found,
                float(moisture) if moisture else DEFAULT_MOISTURE,
                celsius,
                100.0 * normal / seeds,
                float(seeds),
            )
        )
    intervals: dict[int, int] = {}
    if values:
        columns = np.array(values, dtype=np.float64).T
        days = fao_interval_days(*columns)
        intervals = dict(zip(predicted, days.astype(int).tolist(), strict=True))

    out: list[Due] = []
    first_days = first_test_days()
    for i, row in enumerate(rows):
        pk = row[0]
        last_test = last.get(pk)
        if last_test is None:
            received = timezone.localdate(row[6])
            due, reason, interval = (
                received + datetime.timedelta(days=first_days),
                FIRST_TEST,
                None,
            )
        elif i in intervals:
            interval, reason = intervals[i], CONSTANTS
            due = last_test + datetime.timedelta(days=interval)
        else:
            interval, reason = default_interval_days(row[4]), DEFAULT
            due = last_test + datetime.timedelta(days=interval)
        out.append(
            Due(
                lot_id=pk,
                lot=row[1],
                institute=row[2],
                accession=row[3],
                due=due,
                reason=reason,
                interval_days=interval,
                last_test=last_test,
            )
        )
    return out


def next_test(lot: SeedLot) -> Due:
    """One lot's next test, by the same rule as the lists."""
    return schedule(SeedLot.objects.filter(pk=lot.pk))[0]


def due_tests(
    *,
    today: datetime.date | None = None,
    within: int = 0,
    institute: str | None = None,
    lots: QuerySet[SeedLot] | None = None,
) -> list[Due]:
    """Lots due for a test on or before today + `within` days, overdue first (earliest due)."""
    today = today or timezone.localdate()
    if lots is None:
        lots = SeedLot.objects.exclude(status__in=SeedLot.GONE)
    if institute:
        lots = lots.filter(institute__code__iexact=institute)
    limit = today + datetime.timedelta(days=within)
    return sorted(
        (d for d in schedule(lots) if d.due <= limit), key=lambda d: (d.due, d.institute, d.lot)
    )


def as_json(items: Iterable[Due], today: datetime.date) -> list[dict]:
    return [
        {
            "lot": d.lot,
            "institute": d.institute,
            "accession": d.accession,
            "due": d.due.isoformat(),
            "overdue_days": d.overdue_days(today),
            "reason": d.reason,
            "interval_days": d.interval_days,
            "last_test": d.last_test.isoformat() if d.last_test else None,
        }
        for d in items
    ]
