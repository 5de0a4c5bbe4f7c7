"""The write path of viability records: species constants (and, to come, germination tests)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from genebank.core import permissions
from genebank.core.services import audited_save, mark_change
from genebank.viability.models import SpeciesConstants


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
