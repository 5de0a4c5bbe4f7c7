"""MCPD fields the inventory owns: STORAGE (type of germplasm storage) derived from seed lots."""

from __future__ import annotations

from genebank.accessions.models import Accession, StorageType
from genebank.inventory.models import CollectionKind, SeedLot, StorageKind

# MCPD v2.1 STORAGE codes (reference/mcpd_code_lists.csv): 10 seed collection, 11 short term,
# 12 medium term, 13 long term. A base collection is long-term storage and an active collection
# medium-term (FAO Genebank Standards 4.2.3 and 4.2.4); other seed is short term when it sits in
# working storage and plain "seed collection" otherwise.
_BY_COLLECTION = {
    CollectionKind.BASE: StorageType.LONG_TERM,
    CollectionKind.ACTIVE: StorageType.MEDIUM_TERM,
}
_BY_STORAGE_KIND = {
    StorageKind.BASE: StorageType.LONG_TERM,
    StorageKind.ACTIVE: StorageType.MEDIUM_TERM,
    StorageKind.WORKING: StorageType.SHORT_TERM,
}


def storage_code_for_lot(lot: SeedLot) -> int:
    if lot.collection in _BY_COLLECTION:
        return int(_BY_COLLECTION[lot.collection])
    if lot.location_id:
        code = _BY_STORAGE_KIND.get(lot.location.effective_storage_kind)
        if code is not None:
            return int(code)
    return int(StorageType.SEED)


def storage_codes_for(accession: Accession) -> list[int]:
    """MCPD STORAGE codes of the accession, from the lots that still hold seed, ascending."""
    lots = (
        SeedLot.objects.filter(accession=accession)
        .exclude(status__in=SeedLot.GONE)
        .select_related("location")
    )
    return sorted({storage_code_for_lot(lot) for lot in lots})


def storage_field(accession: Accession) -> str:
    """STORAGE as MCPD writes it: codes separated by semicolons."""
    return ";".join(str(code) for code in storage_codes_for(accession))
