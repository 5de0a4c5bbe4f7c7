"""MCPD fields the inventory owns: STORAGE (type of germplasm storage) derived from seed lots.

InventoryConfig.ready() registers `storage_fields` in accessions.registries.mcpd_fields, so that
the accession page, the exports and the PDCI all take STORAGE from here.
"""

from __future__ import annotations

from collections.abc import Iterable

from genebank.accessions.models import Accession, StorageType
from genebank.inventory.models import CollectionKind, SeedLot, StorageKind, StorageLocation

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


def _code(collection: str, storage_kind: str) -> int:
    if collection in _BY_COLLECTION:
        return int(_BY_COLLECTION[collection])
    code = _BY_STORAGE_KIND.get(storage_kind)
    return int(code) if code is not None else int(StorageType.SEED)


def storage_code_for_lot(lot: SeedLot) -> int:
    kind = lot.location.effective_storage_kind if lot.location_id else ""
    return _code(lot.collection, kind)


def storage_codes_by_accession(accession_ids: Iterable[int]) -> dict[int, list[int]]:
    """MCPD STORAGE codes per accession, ascending, from the lots that still hold seed.

    Accessions without such lots are absent. Two queries whatever the number of accessions: the
    lots, and (only when some lot of "other" seed has a place) the storage tree's kinds.
    """
    ids = list(accession_ids)
    if not ids:
        return {}
    lots = list(
        SeedLot.objects.filter(accession_id__in=ids)
        .exclude(status__in=SeedLot.GONE)
        .values_list("accession_id", "collection", "location_id")
    )
    places: dict[int, tuple[int | None, str]] = {}
    if any(c not in _BY_COLLECTION and loc for _a, c, loc in lots):
        places = {
            pk: (parent, kind)
            for pk, parent, kind in StorageLocation.objects.values_list(
                "pk", "parent_id", "storage_kind"
            )
        }

    def effective_kind(location_id: int | None) -> str:
        while location_id is not None and location_id in places:
            parent, kind = places[location_id]
            if kind:
                return kind
            location_id = parent
        return ""

    found: dict[int, set[int]] = {}
    for accession_id, collection, location_id in lots:
        kind = "" if collection in _BY_COLLECTION else effective_kind(location_id)
        found.setdefault(accession_id, set()).add(_code(collection, kind))
    return {pk: sorted(codes) for pk, codes in found.items()}


def storage_fields(accession_ids: Iterable[int]) -> dict[int, str]:
    """STORAGE as MCPD writes it (codes separated by semicolons) per accession that has lots."""
    return {
        pk: ";".join(str(code) for code in codes)
        for pk, codes in storage_codes_by_accession(accession_ids).items()
    }


def storage_codes_for(accession: Accession) -> list[int]:
    """MCPD STORAGE codes of the accession, from the lots that still hold seed, ascending."""
    return storage_codes_by_accession([accession.pk]).get(accession.pk, [])


def storage_field(accession: Accession) -> str:
    """STORAGE as MCPD writes it: codes separated by semicolons."""
    return ";".join(str(code) for code in storage_codes_for(accession))


def any_lots() -> bool:
    """Can STORAGE be derived at all? Without lots, exports skip the lot query per chunk."""
    return SeedLot.objects.exists()
