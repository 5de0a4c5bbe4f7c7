"""The accessions REST API: authentication, visibility per institute, filters, MCPD."""

import pytest

from tests.factories import AccessionFactory, AccessionNameFactory, CollectingEventFactory

pytestmark = pytest.mark.django_db


def test_anonymous_is_refused_without_redirect(client):
    response = client.get("/api/v1/accessions/")
    assert response.status_code in (401, 403)


def test_lists_visible_accessions_with_mcpd(client_for, viewer, genebank, other_genebank):
    mine = AccessionFactory(institute=genebank)
    AccessionNameFactory(accession=mine, name="Baladi")
    CollectingEventFactory(accession=mine, collector_number="AB-12")
    AccessionFactory(institute=other_genebank)
    data = client_for(viewer).get("/api/v1/accessions/").json()
    assert data["count"] == 1
    row = data["results"][0]
    assert row["number"] == mine.number and row["names"] == ["Baladi"]
    assert row["mcpd"]["COLLNUMB"] == "AB-12" and row["mcpd"]["INSTCODE"] == "JOR015"


def test_filters_match_the_list_page(client_for, viewer, genebank):
    a = AccessionFactory(institute=genebank)
    AccessionNameFactory(accession=a, name="Hourani")
    AccessionFactory(institute=genebank)
    c = client_for(viewer)
    assert c.get("/api/v1/accessions/", {"q": "hourani"}).json()["count"] == 1
    assert c.get(f"/api/v1/accessions/{a.pk}/").json()["number"] == a.number


def test_read_only(client_for, curator, genebank):
    a = AccessionFactory(institute=genebank)
    c = client_for(curator)
    assert c.delete(f"/api/v1/accessions/{a.pk}/").status_code == 405
    assert c.post("/api/v1/accessions/", {}).status_code == 405
