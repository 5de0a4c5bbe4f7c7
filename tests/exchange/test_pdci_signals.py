"""The lower apps announce their changes with signals of their own (accessions_changed,
lots_changed); the exchange, which owns the PDCI, listens and refreshes it."""

import pytest

from genebank.accessions import services as accession_services
from genebank.accessions.models import Accession
from genebank.accessions.signals import accessions_changed
from genebank.inventory.models import SeedLot
from genebank.inventory.signals import lots_changed
from tests.accessions.test_services import passport
from tests.factories import AccessionFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "signal, sender", [(accessions_changed, Accession), (lots_changed, SeedLot)]
)
def test_the_exchange_refreshes_the_pdci_of_the_announced_accessions(genebank, signal, sender):
    told, untold = AccessionFactory(institute=genebank), AccessionFactory(institute=genebank)
    Accession.objects.update(pdci=None)
    signal.send(sender, accessions=Accession.objects.filter(pk=told.pk))
    assert Accession.objects.get(pk=told.pk).pdci is not None
    assert Accession.objects.get(pk=untold.pk).pdci is None


def test_registering_an_accession_announces_it(genebank, technician):
    heard = []

    def listen(sender, accessions, **kwargs):
        heard.append(list(accessions.values_list("pk", flat=True)))

    accessions_changed.connect(listen)
    try:
        outcome = accession_services.register_accession(passport(genebank), user=technician)
    finally:
        accessions_changed.disconnect(listen)
    assert heard == [[outcome.accession.pk]]
    assert outcome.accession.pdci is not None
