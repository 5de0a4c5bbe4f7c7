"""The write path of viability records: species constants (and, to come, germination tests)."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from genebank.core import permissions
from genebank.core.services import audited_save, mark_change
from genebank.inventory import services as inventory
from genebank.inventory.models import LotTransaction, SeedLot
from genebank.inventory.units import Unit
from genebank.viability.fit import Observation
from genebank.viability.models import GerminationReplicate, GerminationTest, SpeciesConstants
from genebank.viability.permissions import RECORD_GERMINATION_TESTS


def save_species_constants(record: SpeciesConstants, user, reason: str) -> SpeciesConstants:
    """Add or correct a set of constants. They are a list every institute uses, so only the
    data stewards change them (as taxa and crops)."""
    permissions.require(user, permissions.MANAGE_SHARED_LISTS)
    with transaction.atomic():
        audited_save(record, user, reason or _("Viability constants edited"))
    return record


def prefer_species_constants(record: SpeciesConstants, user, reason: str) -> SpeciesConstants:
    """Make this set the one used when a prediction names only its species."""
    permissions.require(user, permissions.MANAGE_SHARED_LISTS)
    reason = reason or _("Preferred viability constants chosen")
    with transaction.atomic():
        others = SpeciesConstants.objects.select_for_update().filter(
            species=record.species, preferred=True
        )
        for other in others.exclude(pk=record.pk):
            other.preferred = False
            mark_change(other, user, reason)
            other.save(update_fields=["preferred"])
        record.preferred = True
        audited_save(record, user, reason)
    return record


# --- germination tests -------------------------------------------------------------------------


def _count_label(name: str) -> str:
    field = GerminationReplicate._meta.get_field(name)
    return str(getattr(field, "verbose_name", name))


def _check_replicates(
    replicates: Sequence[Mapping[str, int]], seeds_per_replicate: int
) -> list[dict[str, int]]:
    """The replicates' counts as whole numbers, or every reason they are not (one message each)."""
    errors: list[str] = []
    checked: list[dict[str, int]] = []
    if not replicates:
        errors.append(_("A germination test needs at least one replicate."))
    for number, counts in enumerate(replicates, start=1):
        row: dict[str, int] = {}
        for name in GerminationReplicate.COUNTS:
            value = counts.get(name, 0)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                errors.append(
                    _(
                        "Replicate %(n)d: %(count)s must be a whole number, 0 or more, not %(value)s."
                    )
                    % {"n": number, "count": _count_label(name), "value": value}
                )
                continue
            if value > seeds_per_replicate:
                errors.append(
                    _(
                        "Replicate %(n)d: %(value)d %(count)s is more than the %(seeds)d seeds "
                        "on test."
                    )
                    % {
                        "n": number,
                        "value": value,
                        "count": _count_label(name),
                        "seeds": seeds_per_replicate,
                    }
                )
            row[name] = value
        unknown = set(counts) - set(GerminationReplicate.COUNTS)
        if unknown:
            errors.append(
                _("Replicate %(n)d: unknown counts %(names)s.")
                % {"n": number, "names": ", ".join(sorted(unknown))}
            )
        if (
            len(row) == len(GerminationReplicate.COUNTS)
            and sum(row.values()) != seeds_per_replicate
        ):
            errors.append(
                _(
                    "Replicate %(n)d: the counts add up to %(total)d, not to the %(seeds)d seeds "
                    "on test."
                )
                % {"n": number, "total": sum(row.values()), "seeds": seeds_per_replicate}
            )
        checked.append(row)
    if errors:
        raise ValidationError(errors, code="counts")
    return checked


def _lot_start(lot: SeedLot) -> datetime.date:
    """The day the lot came into being (its receipt): its storage period counts from there."""
    return timezone.localdate(lot.created_at)


def record_germination_test(
    lot: SeedLot,
    user,
    *,
    tested_on: datetime.date,
    seeds_per_replicate: int,
    replicates: Sequence[Mapping[str, int]],
    substrate: str,
    temperature_regime: str,
    light: str,
    duration_days: int,
    dormancy_breaking: str = "",
    tested_by=None,
    notes: str = "",
) -> GerminationTest:
    """Record a germination test of a lot and withdraw the seeds it used through the ledger
    (reason "viability test"), in one transaction: a refusal writes nothing.

    `replicates` holds one mapping per replicate with the counts normal, abnormal, dead,
    fresh_ungerminated and hard, which add up to `seeds_per_replicate`.
    """
    lot = SeedLot.objects.select_related("institute").get(pk=lot.pk)
    permissions.require(user, RECORD_GERMINATION_TESTS, lot.institute)
    if lot.status in SeedLot.GONE:
        raise ValidationError(
            _("Lot %(lot)s is %(status)s: it has no seed to test.")
            % {"lot": lot.number, "status": lot.get_status_display().lower()},
            code="depleted",
        )
    if (
        isinstance(seeds_per_replicate, bool)
        or not isinstance(seeds_per_replicate, int)
        or seeds_per_replicate < 1
    ):
        raise ValidationError(
            _("The seeds per replicate must be a whole number above 0, not %(value)s.")
            % {"value": seeds_per_replicate},
            code="seeds",
        )
    counts = _check_replicates(replicates, seeds_per_replicate)
    start = _lot_start(lot)
    if tested_on < start:
        raise ValidationError(
            _("The test date %(date)s is before lot %(lot)s existed (%(start)s).")
            % {"date": tested_on.isoformat(), "lot": lot.number, "start": start.isoformat()},
            code="before_lot",
        )
    if tested_on > timezone.localdate():
        raise ValidationError(
            _("The test date %(date)s is in the future.") % {"date": tested_on.isoformat()},
            code="future",
        )
    seeds = seeds_per_replicate * len(counts)
    with transaction.atomic():
        withdrawal = inventory.withdraw(
            lot,
            seeds,
            Unit.SEEDS,
            LotTransaction.Reason.VIABILITY_TEST,
            user,
            note=_("Germination test of %(date)s") % {"date": tested_on.isoformat()},
        )
        test = GerminationTest(
            lot=lot,
            tested_on=tested_on,
            tested_by=tested_by or user,
            substrate=substrate,
            temperature_regime=temperature_regime,
            light=light,
            dormancy_breaking=dormancy_breaking,
            duration_days=duration_days,
            replicates=len(counts),
            seeds_per_replicate=seeds_per_replicate,
            withdrawal=withdrawal,
            notes=notes,
        )
        reason = _("Germination test recorded")
        audited_save(test, user, reason)
        for number, row in enumerate(counts, start=1):
            audited_save(GerminationReplicate(test=test, number=number, **row), user, reason)
    return test


def lot_observations(lot: SeedLot) -> list[Observation]:
    """A lot's germination tests for the fit: one observation per replicate, its period counted
    in days from the lot's receipt, normal seedlings as germinated."""
    start = _lot_start(lot)
    rows = GerminationReplicate.objects.filter(test__lot=lot).select_related("test")
    return [
        Observation(
            period_days=float((row.test.tested_on - start).days),
            tested=row.seeds,
            germinated=row.normal,
        )
        for row in rows.order_by("test__tested_on", "test__pk", "number")
    ]
