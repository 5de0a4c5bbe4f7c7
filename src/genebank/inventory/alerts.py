"""What needs a curator's attention: lots below reserve, stale moisture data, processing overdue,
storage out of range. Each function takes "today" or "now" when called, never at start-up."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Case, F, FloatField, IntegerField, Q, When
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from genebank.core.models import Institute
from genebank.core.permissions import VIEW, institutes_where
from genebank.inventory.environment import excursions
from genebank.inventory.models import CollectionKind, ReserveLevel, SeedLot, StorageLocation
from genebank.inventory.services import processing_overdue
from genebank.inventory.standards import MOISTURE_STALE_DAYS
from genebank.inventory.units import Unit


def _lots(institute=None):
    """Lots that hold seed, of one institute, of a list of institutes, or of all (None)."""
    lots = SeedLot.objects.exclude(status__in=SeedLot.GONE)
    if institute is not None:
        lots = lots.filter(**_of(institute))
    return lots


def _of(institute, prefix="") -> dict:
    if isinstance(institute, Institute | int):
        return {f"{prefix}institute": institute}
    return {f"{prefix}institute__in": list(institute)}


def _ids(institute) -> set[int]:
    if isinstance(institute, Institute):
        return {institute.pk}
    if isinstance(institute, int):
        return {institute}
    return {i if isinstance(i, int) else i.pk for i in institute}


def below_reserve(institute=None):
    """Base lots under their crop's regeneration threshold, active lots under its distribution
    reserve (FAO defaults for a crop without levels), as a query the work list sorts and pages.

    Each lot carries `seeds_held` (its seeds before rounding) and `threshold`. A weighed lot
    counts quantity x 1000 / thousand-seed weight seeds, rounded half up as units.convert does,
    so "rounded seeds < threshold" is "seeds_held < threshold - 0.5". Weighed lots without a
    thousand-seed weight cannot be compared and are left out.
    """
    default = ReserveLevel.for_crop(None)
    level = "accession__taxon__crop__reserve_level__"
    threshold = Case(
        When(
            collection=CollectionKind.BASE,
            then=Coalesce(F(level + "regeneration_threshold"), default.regeneration_threshold),
        ),
        default=Coalesce(F(level + "distribution_reserve"), default.distribution_reserve),
        output_field=IntegerField(),
    )
    # Floats, not decimals: SQLite would divide two whole-valued decimals as integers.
    quantity = Cast("quantity", FloatField())
    seeds = Case(
        When(unit=Unit.SEEDS, then=quantity),
        When(
            thousand_seed_weight__gt=0,
            then=quantity * 1000.0 / Cast("thousand_seed_weight", FloatField()),
        ),
        default=None,
        output_field=FloatField(),
    )
    return (
        _lots(institute)
        .filter(collection__in=[CollectionKind.BASE, CollectionKind.ACTIVE])
        .annotate(seeds_held=seeds, threshold=threshold)
        .filter(seeds_held__lt=F("threshold") - 0.5)
    )


def lots_below_reserve(institute=None) -> list[tuple[SeedLot, int, int]]:
    """(lot, seeds, level) of every lot below_reserve, for the command line."""
    lots = below_reserve(institute).select_related("accession").order_by("institute", "sequence")
    return [(lot, int(lot.seeds() or 0), lot.threshold) for lot in lots]


def lots_with_stale_moisture(institute=None, today=None):
    """Stored lots whose moisture content was never measured or not for MOISTURE_STALE_DAYS."""
    today = today or timezone.localdate()
    limit = today - timedelta(days=MOISTURE_STALE_DAYS)
    return (
        _lots(institute)
        .filter(status=SeedLot.Status.AVAILABLE)
        .filter(Q(moisture_date__isnull=True) | Q(moisture_date__lt=limit))
        .select_related("accession")
    )


def storage_out_of_range(institute=None, now=None, days: int = 7):
    """Excursions longer than each unit's alert time in the last `days` days."""
    now = now or timezone.now()
    units = StorageLocation.objects.filter(readings__taken_at__gte=now - timedelta(days=days))
    if institute is not None:
        units = units.filter(**_of(institute))
    found = []
    for unit in units.distinct():
        found += excursions(unit, since=now - timedelta(days=days))
    return found


def alert_counts(institute=None, today=None) -> dict[str, int]:
    """How many of each alert, for the home page: of one institute, a list of them, or all."""
    overdue = processing_overdue(today)
    if institute is not None:
        ids = _ids(institute)
        overdue = [(lot, why) for lot, why in overdue if lot.institute_id in ids]
    return {
        "below_reserve": below_reserve(institute).count(),
        "stale_moisture": lots_with_stale_moisture(institute, today).count(),
        "processing_overdue": len(overdue),
        "storage_out_of_range": len(storage_out_of_range(institute)),
    }


def alert_counts_for(user, today=None) -> dict[str, int] | None:
    """Alert counts of the institutes this user sees; None when the user sees none."""
    institutes = list(institutes_where(user, VIEW).values_list("pk", flat=True))
    if not institutes:
        return None
    return alert_counts(institutes, today)
