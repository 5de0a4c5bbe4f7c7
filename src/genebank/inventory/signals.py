"""lots_changed: the signal the inventory sends when what its lots say of accessions may change.

lots_changed(accessions): the seed lots of these accessions (a queryset) changed in a way that can
change what is derived from them, MCPD STORAGE (genebank.inventory.mcpd). Sent inside the
transaction that changed them. The exchange refreshes their PDCI, which counts STORAGE
(ExchangeConfig.ready).

A lot is saved whenever STORAGE can change (received, split, moved, emptied, withdrawn,
refilled; a quantity-only ledger entry does not save the lot and cannot change it), and a storage
place whenever its kind or place in the tree changes: the post_save receivers below, connected in
InventoryConfig.ready(), send it for the accessions concerned. The demo, which writes lots in
bulk without post_save, sends it itself.
"""

from __future__ import annotations

from django.db.models import Q
from django.dispatch import Signal

lots_changed = Signal()


def lot_saved(sender, instance, raw: bool = False, **kwargs) -> None:
    if raw:  # loading a fixture
        return
    _changed([instance.accession_id])


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
    _changed(list(accessions))


def _changed(accession_ids: list[int]) -> None:
    if not accession_ids:
        return
    from genebank.accessions.models import Accession
    from genebank.inventory.models import SeedLot

    lots_changed.send(SeedLot, accessions=Accession.objects.filter(pk__in=accession_ids))
