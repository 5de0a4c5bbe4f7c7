"""The PDCI counts STORAGE, derived from the lots: it follows them without `genebank pdci`."""

from decimal import Decimal

import pytest

from genebank.accessions.models import Accession
from genebank.exchange.mcpd_export import iter_mcpd_rows
from genebank.exchange.pdci import pdci_points, score_of
from genebank.inventory import services
from genebank.inventory.models import CollectionKind, SeedLot

pytestmark = pytest.mark.django_db


def stored(accession) -> Decimal:
    return Accession.objects.get(pk=accession.pk).pdci


def expected(accession) -> Decimal:
    (values,) = iter_mcpd_rows(Accession.objects.filter(pk=accession.pk))
    return score_of(pdci_points(values))


def test_first_lot_and_last_seed_move_the_pdci(make_accession, storage, curator):
    accession = make_accession(storage_codes="")
    without = expected(accession)
    Accession.objects.filter(pk=accession.pk).update(pdci=without)

    lot = services.receive(
        accession, 500, "seeds", CollectionKind.BASE, curator, location=storage["box"]
    )
    assert stored(accession) == expected(accession) > without

    services.withdraw(lot, 500, "seeds", "regeneration", curator)
    lot.refresh_from_db()
    assert lot.status == SeedLot.Status.DEPLETED
    assert stored(accession) == expected(accession) == without


def test_moving_a_storage_place_refreshes_its_lots(make_accession, storage, curator):
    accession = make_accession(storage_codes="")
    services.receive(
        accession, 500, "seeds", CollectionKind.OTHER, curator, location=storage["box"]
    )
    Accession.objects.filter(pk=accession.pk).update(pdci=None)
    services.move_location(storage["shelf"], storage["active"], curator, "Cold room 1 emptied")
    assert stored(accession) == expected(accession) is not None
