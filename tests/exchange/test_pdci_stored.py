"""The PDCI stored on each accession follows its passport, whichever door the change came in."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from genebank.accessions import services as accession_services
from genebank.accessions.models import Accession
from genebank.accessions.passport import mcpd_row
from genebank.accessions.queries import detail_queryset
from genebank.exchange.mcpd_import import import_mcpd
from genebank.exchange.pdci import pdci
from genebank.exchange.pdci_store import refresh_pdci
from tests.accessions.test_services import passport
from tests.exchange.conftest import mcpd_row as file_row
from tests.factories import AccessionFactory

pytestmark = pytest.mark.django_db


def live_pdci(accession, user) -> Decimal:
    return pdci(mcpd_row(detail_queryset(user).get(pk=accession.pk)))


def test_import_stores_the_index_of_each_row(genebank, other_genebank, mcpd_file, curator):
    import_mcpd(
        mcpd_file([file_row(), file_row(ACCENUMB="JO-000002", SAMPSTAT="100", ACCENAME="")]),
        user=curator,
    )
    first = Accession.objects.get(number="JO-000001")
    second = Accession.objects.get(number="JO-000002")
    assert first.pdci == Decimal("8.60")  # the worked example of test_pdci
    # Wild: 485 points whatever the status (test_pdci), then ORIGCTY 80, COLLSITE 20 (there are
    # coordinates), coordinates 120, COLLDATE 30, COLLSRC 30, COLLNUMB 60, COLLCODE 40.
    assert second.pdci == Decimal("8.65")
    for accession in (first, second):
        assert accession.pdci == live_pdci(accession, curator)
        # Derived, not audited: one history row, the import's.
        assert accession.history.count() == 1


def test_import_update_recomputes(genebank, other_genebank, mcpd_file, curator):
    import_mcpd(mcpd_file([file_row()]), user=curator)
    result = import_mcpd(
        mcpd_file([file_row(SUBTAXA="subsp. durum", ELEVATION="850")]), user=curator, update=True
    )
    assert result.updated == 1
    accession = Accession.objects.get(number="JO-000001")
    assert accession.pdci == Decimal("8.60") + Decimal("0.40") + Decimal("0.15")
    assert accession.pdci == live_pdci(accession, curator)


def test_registering_and_editing_keep_it(genebank, curator):
    outcome = accession_services.register_accession(passport(genebank), user=curator)
    accession = outcome.accession
    assert accession.pdci is not None
    assert accession.pdci == live_pdci(accession, curator)
    before = accession.pdci
    data = accession_services.PassportData.from_accession(
        detail_queryset(curator).get(pk=accession.pk)
    )
    data.crop_name = "barley"
    data.elevation = 900
    accession_services.update_accession(accession, data, user=curator, reason="Completed")
    accession.refresh_from_db()
    assert accession.pdci == before + Decimal("0.45") + Decimal("0.15")
    assert accession.pdci == live_pdci(accession, curator)


def test_the_command_computes_what_is_missing(genebank, curator):
    accessions = [AccessionFactory(institute=genebank) for _ in range(3)]
    assert all(a.pdci is None for a in accessions)
    out = StringIO()
    call_command("pdci", stdout=out)
    assert "3" in out.getvalue()
    for accession in accessions:
        accession.refresh_from_db()
        assert accession.pdci == live_pdci(accession, curator)
        assert accession.history.count() == 1


def test_refresh_of_nothing(genebank):
    assert refresh_pdci(Accession.objects.none()) == 0
