"""What every command that names a seed lot shares: finding the lot a user typed."""

from __future__ import annotations

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from genebank.inventory.models import SeedLot

# The exit status of a wrong call (a lot that does not exist, an ambiguous number), as argparse's.
WRONG_CALL = 2


def lot_named(number: str, institute_code: str | None) -> SeedLot:
    """The lot with this number (at this institute when given), or a CommandError that says why not."""
    lots = SeedLot.objects.filter(number=number).select_related("institute", "accession")
    if institute_code:
        lots = lots.filter(institute__code=institute_code)
    found = list(lots[:2])
    if not found:
        raise CommandError(_("No lot %(lot)s.") % {"lot": number}, returncode=WRONG_CALL)
    if len(found) > 1:
        raise CommandError(
            _("Lot number %(lot)s exists at several institutes: add --institute.")
            % {"lot": number},
            returncode=WRONG_CALL,
        )
    return found[0]
