"""The PDCI on the accession page, in the accession list, and for each collection."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from genebank.accessions.models import Accession
from genebank.exchange.mcpd_import import import_mcpd
from genebank.exchange.pdci_store import refresh_pdci
from tests.exchange.conftest import mcpd_row
from tests.factories import AccessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(genebank, other_genebank, mcpd_file, curator):
    rows = [
        mcpd_row(),  # 8.60
        mcpd_row(ACCENUMB="JO-000002", SAMPSTAT="100", ACCENAME=""),  # 8.65
        {"INSTCODE": "JOR015", "ACCENUMB": "JO-000003", "GENUS": "Lens"},  # 1.20
        {"INSTCODE": "SYR002", "ACCENUMB": "IG 1", "GENUS": "Vicia", "SPECIES": "faba"},  # 2.00
    ]
    import_mcpd(mcpd_file(rows), user=curator)
    return {a.number: a for a in Accession.objects.all()}


def test_accession_page_shows_the_score_and_what_would_raise_it(client_for, viewer, imported):
    response = client_for(viewer).get(reverse("accessions:detail", args=[imported["JO-000003"].pk]))
    html = response.content.decode()
    assert re.search(r'id="pdci-score">1\.20<', html)
    missing = html[html.index('id="pdci-missing"') :]
    # The most valuable gaps first: SPECIES +0.80 and SAMPSTAT +0.80 before ACQDATE +0.10.
    assert missing.index(">SPECIES<") < missing.index(">ACQDATE<")
    assert "+0.80" in missing
    assert reverse("exchange:pdci_summary") in html


def test_list_has_a_pdci_column_sortable(client_for, viewer, imported):
    c = client_for(viewer)
    html = c.get(reverse("accessions:list"), {"sort": "pdci"}).content.decode()
    order = [html.index(number) for number in ("JO-000003", "JO-000001", "JO-000002")]
    assert order == sorted(order)
    assert ">8.65<" in html and ">1.20<" in html
    assert "IG 1" not in html  # another institute's accession


def test_collection_page_mean_range_and_histogram(client_for, viewer, imported, genebank):
    AccessionFactory(institute=genebank, number="JO-900000")  # not computed yet
    html = client_for(viewer).get(reverse("exchange:pdci_summary")).content.decode()
    section = html[html.index('id="pdci-JOR015"') :]
    assert "SYR002" not in html  # the viewer sees only their institute
    # (8.60 + 8.65 + 1.20) / 3 = 6.15
    assert re.search(r'pdci-mean">6\.15<', section)
    assert "1.20 – 8.65" in section
    counts = [int(n) for n in re.findall(r'class="pdci-bar" data-count="(\d+)"', section)]
    assert counts == [0, 1, 0, 0, 0, 0, 0, 0, 2, 0]
    assert "1 accession has no PDCI yet" in section


def test_collection_page_for_a_superuser_lists_every_institute(client, imported, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.org", "x")
    client.force_login(admin)
    html = client.get(reverse("exchange:pdci_summary")).content.decode()
    assert 'id="pdci-JOR015"' in html and 'id="pdci-SYR002"' in html
    assert re.search(r'id="pdci-SYR002".*?pdci-mean">2\.00<', html, re.S)


def test_a_perfect_score_falls_in_the_last_bar(genebank, client_for, viewer):
    accession = AccessionFactory(institute=genebank)
    Accession.objects.filter(pk=accession.pk).update(pdci=Decimal("10.00"))
    html = client_for(viewer).get(reverse("exchange:pdci_summary")).content.decode()
    counts = [int(n) for n in re.findall(r'class="pdci-bar" data-count="(\d+)"', html)]
    assert counts == [0] * 9 + [1]
    refresh_pdci()
    accession.refresh_from_db()
    assert accession.pdci < Decimal("10")
