"""The PDCI follows the seed lots.

An accession's PDCI counts MCPD STORAGE, which the inventory derives from the lots that still
hold seed (genebank.inventory.mcpd). A lot is saved whenever that can change (received, split,
moved, emptied, withdrawn, refilled; a quantity-only ledger entry does not save the lot and
cannot change it), and a storage place whenever its kind or place in the tree changes. Either
refreshes the PDCI of the accessions concerned, in the same transaction.
"""

from __future__ import annotations

from django.db.models import Q


def lot_saved(sender, instance, raw: bool = False, **kwargs) -> None:
    if raw:  # loading a fixture
        return
    _refresh([instance.accession_id])


def location_saved(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    if raw or created:  # a new place holds no lots yet
        return
    from genebank.inventory.models import PATH_SEPARATOR, SeedLot

    inside = Q(location=instance) | Q(location__path__startswith=instance.path + PATH_SEPARATOR)
    accessions = (
        SeedLot.objects.filter(inside)
        .exclude(status__in=SeedLot.GONE)
        .values_list("accession_id", flat=True)
        .distinct()
    )
    _refresh(list(accessions))


def _refresh(accession_ids: list[int]) -> None:
    if not accession_ids:
        return
    from genebank.accessions.models import Accession
    from genebank.exchange.services import refresh_pdci

    refresh_pdci(Accession.objects.filter(pk__in=accession_ids))
