"""The "viability tests due" work list: status and permissions, count, overdue filter, sorting,
paging, CSV, the menu link and a query count that does not grow with the lots."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from genebank.inventory import services as inventory
from genebank.inventory.models import SeedLot
from tests.factories import AccessionFactory
from tests.inventory.test_worklists import count_shown, csv_rows, lot_numbers

DUE = "/viability/due/"


def received_days_ago(lot, days):
    when = timezone.now() - datetime.timedelta(days=days)
    SeedLot.objects.filter(pk=lot.pk).update(created_at=when)


@pytest.fixture
def lots(genebank, other_genebank, curator):
    """First tests overdue by 100 and 10 days, one due in 30 days, one in 200 days; one of
    another institute overdue."""
    made = {}
    for name, days in (("late", 465), ("later", 375), ("soon", 335), ("far", 165)):
        lot = inventory.receive(AccessionFactory(institute=genebank), 100, "seeds", "base", curator)
        received_days_ago(lot, days)
        made[name] = lot
    made["other"] = SeedLot.objects.get(
        pk=inventory.receive(
            AccessionFactory(institute=other_genebank),
            100,
            "seeds",
            "base",
            curator_of(other_genebank),
        ).pk
    )
    received_days_ago(made["other"], 500)
    return made


def curator_of(institute):
    from genebank.core.models import Role
    from tests.factories import member

    return member("olga", institute, Role.CURATOR)


def test_the_lots_due_overdue_first(client_for, curator, lots):
    response = client_for(curator).get(DUE)
    assert response.status_code == 200
    page = response.content.decode()
    # Within 90 days by default; only the user's institute.
    assert count_shown(response) == "3 rows"
    assert lot_numbers(response) == [lots[n].number for n in ("late", "later", "soon")]
    assert page.count("table-warning") == 2
    assert "First test (within a year of receipt)" in page
    assert 'href="/viability/due/"' in page  # the Inventory menu


def test_technicians_see_it_viewers_do_not(client_for, technician, viewer, lots):
    assert client_for(technician).get(DUE).status_code == 200
    assert client_for(viewer).get(DUE).status_code == 403


def test_overdue_filter_within_and_sorting(client_for, curator, lots):
    client = client_for(curator)
    late = client.get(DUE, {"overdue": "true"})
    assert lot_numbers(late) == [lots["late"].number, lots["later"].number]
    on_time = client.get(DUE, {"overdue": "false", "within": "365"})
    assert lot_numbers(on_time) == [lots["soon"].number, lots["far"].number]
    latest_first = client.get(DUE, {"within": "365", "sort": "-due"})
    assert lot_numbers(latest_first) == [lots[n].number for n in ("far", "soon", "later", "late")]
    refused = client.get(DUE, {"within": "-3"})
    assert refused.status_code == 200 and count_shown(refused) == "0 rows"


def test_csv(client_for, curator, lots):
    rows = csv_rows(client_for(curator).get(DUE, {"export": "csv"}))
    header, body = rows[0], rows[1:]
    assert header[:6] == ["Lot", "Institute", "Accession", "Due", "Days overdue", "Why"]
    assert [row[0] for row in body] == [lots[n].number for n in ("late", "later", "soon")]
    assert [row[4] for row in body] == ["100", "10", "-30"]
    today = timezone.localdate()
    assert body[0][3] == (today - datetime.timedelta(days=100)).isoformat()


def test_paging(client_for, curator, genebank, settings):
    for _ in range(55):
        inventory.receive(AccessionFactory(institute=genebank), 100, "seeds", "base", curator)
    SeedLot.objects.update(created_at=timezone.now() - datetime.timedelta(days=400))
    client = client_for(curator)
    first, second = client.get(DUE), client.get(DUE, {"page": 2})
    assert count_shown(first) == "55 rows"
    assert len(lot_numbers(first)) == 50 and len(lot_numbers(second)) == 5


def test_query_count_does_not_grow(client_for, curator, genebank, lots):
    client = client_for(curator)
    with CaptureQueriesContext(connection) as few:
        client.get(DUE, {"within": "365"})
    for _ in range(30):
        inventory.receive(AccessionFactory(institute=genebank), 100, "seeds", "base", curator)
    with CaptureQueriesContext(connection) as many:
        response = client.get(DUE, {"within": "365"})
    assert count_shown(response) == "34 rows"
    assert len(many) == len(few) < 20
