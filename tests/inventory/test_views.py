"""Inventory pages: lot list and lot page with a bounded number of queries, withdraw and adjust."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from genebank.inventory import services
from genebank.inventory.models import SeedLot


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured), response


def test_the_lot_list_costs_the_same_for_2_or_20_lots(
    client_for, make_accession, technician, storage
):
    client = client_for(technician)
    for _ in range(2):
        services.receive(make_accession(), 100, "seeds", "base", technician)
    few, _ = queries(client, "/inventory/")
    for _ in range(18):
        services.receive(make_accession(), 100, "seeds", "active", technician)
    many, response = queries(client, "/inventory/")
    assert many == few
    assert response.content.decode().count("JOR015-L0000") == 20


def test_the_lot_page_costs_the_same_for_a_short_or_long_ledger(client_for, lot, technician):
    client = client_for(technician)
    few, _ = queries(client, f"/inventory/lots/{lot.pk}/")
    for _ in range(15):
        services.withdraw(lot, 1, "seeds", "viability_test", technician)
    many, response = queries(client, f"/inventory/lots/{lot.pk}/")
    assert many == few
    assert "985" in response.content.decode()


@pytest.fixture
def lot(accession, technician):
    return services.receive(accession, 1000, "seeds", "active", technician)


def test_withdraw_from_the_lot_page(client_for, lot, technician):
    client = client_for(technician)
    url = f"/inventory/lots/{lot.pk}/withdraw/"
    response = client.post(url, {"quantity": "30", "unit": "seeds", "reason": "distribution"})
    assert response.status_code == 302
    lot.refresh_from_db()
    assert lot.quantity == 970
    response = client.post(url, {"quantity": "5000", "unit": "seeds", "reason": "distribution"})
    assert response.status_code == 400
    assert "more than there is" in response.content.decode()
    lot.refresh_from_db()
    assert lot.quantity == 970


def test_adjust_needs_the_right_role(client_for, lot, technician, distribution_officer):
    url = f"/inventory/lots/{lot.pk}/adjust/"
    data = {"quantity": "-10", "unit": "seeds", "reason_text": "recount"}
    assert client_for(distribution_officer).post(url, data).status_code == 403
    assert client_for(technician).post(url, data).status_code == 302
    assert SeedLot.objects.get(pk=lot.pk).quantity == 990


def test_viewers_see_but_cannot_withdraw(client_for, lot, viewer):
    client = client_for(viewer)
    page = client.get(f"/inventory/lots/{lot.pk}/").content.decode()
    assert "Withdraw seed" not in page
    response = client.post(
        f"/inventory/lots/{lot.pk}/withdraw/",
        {"quantity": "1", "unit": "seeds", "reason": "loss"},
    )
    assert response.status_code == 403


def test_lots_of_other_institutes_are_not_shown(client_for, lot, other_genebank):
    from tests.factories import member

    stranger = member("sami", other_genebank, "curator")
    assert client_for(stranger).get(f"/inventory/lots/{lot.pk}/").status_code == 404


def test_storage_and_alert_pages(client_for, storage, technician, accession):
    services.receive(accession, 100, "seeds", "base", technician, location=storage["box"])
    client = client_for(technician)
    page = client.get("/inventory/locations/").content.decode()
    assert "HQ/Cold room 1/Shelf A/Box 1" in page
    page = client.get(f"/inventory/locations/{storage['shelf'].pk}/").content.decode()
    assert "JOR015-L000001" in page  # lots in the places inside count too
    page = client.get("/inventory/alerts/").content.decode()
    assert "JOR015-L000001" in page  # 100 seeds is below the reserve
