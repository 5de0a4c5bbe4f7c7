"""The seed lot work lists (lot list, alerts): table, sort, filters, paging, count, CSV with
neutralised cells, bulk label printing, institute scoping and a bounded query count."""

import csv
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from genebank.core.models import Crop, Taxon
from genebank.inventory import services
from tests.factories import AccessionFactory, member
from tests.inventory.test_labels import both, read_pdf

ALERTS = "/inventory/alerts/"


def lot_numbers(response) -> list[str]:
    """The lot numbers of the table's rows, in their order."""
    return re.findall(r'href="/inventory/lots/\d+/">([^<]+)</a>', response.content.decode())


def count_shown(response) -> str:
    found = re.search(r'id="worklist-count">([^<]+)<', response.content.decode())
    return found.group(1).strip()


def csv_rows(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


@pytest.fixture
def below(make_accession, technician, storage):
    """Three lots under the 1,500-seed reserve: base in the box, active in the cool room."""
    return {
        "base": services.receive(
            make_accession(), 300, "seeds", "base", technician, location=storage["box"]
        ),
        "active": services.receive(
            make_accession(), 100, "seeds", "active", technician, location=storage["active"]
        ),
        "weighed": services.receive(
            make_accession(), 10, "g", "active", technician, thousand_seed_weight=50
        ),  # 200 seeds
    }


def test_the_alerts_are_a_table_with_a_count(client_for, viewer, below, make_accession, technician):
    services.receive(make_accession(), 5000, "seeds", "base", technician)  # above its reserve
    response = client_for(viewer).get(ALERTS)
    page = response.content.decode()
    assert "<table" in page and 'name="selected"' in page
    assert count_shown(response) == "3 rows"
    assert sorted(lot_numbers(response)) == sorted(lot.number for lot in below.values())
    assert "HQ/Cold room 1/Shelf A/Box 1" in page and ">1500<" in page
    assert 'href="/inventory/alerts/moisture/"' in page  # the other alert lists are tabs
    assert 'name="status"' not in page  # alerts are of lots in store


def test_sorting(client_for, viewer, below):
    client = client_for(viewer)
    by_seeds = lot_numbers(client.get(ALERTS, {"sort": "seeds_held"}))
    assert by_seeds == [below[k].number for k in ("active", "weighed", "base")]
    assert lot_numbers(client.get(ALERTS, {"sort": "-seeds_held"})) == by_seeds[::-1]
    by_location = lot_numbers(client.get(ALERTS, {"sort": "location"}))
    # Cold room 1 before Cool room; a lot without a place last, on SQLite as on PostgreSQL.
    assert by_location == [below[k].number for k in ("base", "active", "weighed")]
    by_location = lot_numbers(client.get(ALERTS, {"sort": "-location"}))
    assert by_location == [below[k].number for k in ("active", "base", "weighed")]


def test_filters(client_for, viewer, below, storage, genebank):
    client = client_for(viewer)
    numbers = lambda params: set(lot_numbers(client.get(ALERTS, params)))  # noqa: E731
    assert numbers({"collection": "active"}) == {below["active"].number, below["weighed"].number}
    # A place selects the lots in it and in every place inside it.
    assert numbers({"location": storage["base_room"].pk}) == {below["base"].number}
    assert numbers({"location": storage["active"].pk}) == {below["active"].number}
    assert len(numbers({"institute": genebank.pk})) == 3
    assert numbers({"q": below["base"].accession.number}) == {below["base"].number}
    lentil = Taxon.objects.create(
        genus="Lens", species="culinaris", crop=Crop.objects.create(name="Lentil")
    )
    assert numbers({"crop": lentil.crop.pk}) == set()
    # A refused choice (no such place) shows its error and no rows, not every row.
    response = client.get(ALERTS, {"location": 999999})
    assert lot_numbers(response) == [] and "Select a valid choice" in response.content.decode()
    assert numbers({"crop": below["base"].accession.taxon.crop_id}) == numbers({})


def test_paging_keeps_the_filters(client_for, viewer, make_accession, technician):
    for _ in range(55):
        services.receive(make_accession(), 10, "seeds", "active", technician)
    client = client_for(viewer)
    first = client.get("/inventory/", {"collection": "active"})
    assert count_shown(first) == "55 rows"
    assert len(lot_numbers(first)) == 50
    assert "page=2" in first.content.decode() and "collection=active" in first.content.decode()
    second = client.get("/inventory/", {"collection": "active", "page": 2})
    assert len(lot_numbers(second)) == 5
    assert not set(lot_numbers(first)) & set(lot_numbers(second))
    # A page out of range shows the last one, a page that is no number the first.
    assert lot_numbers(client.get("/inventory/", {"page": 99})) == lot_numbers(second)
    assert lot_numbers(client.get("/inventory/", {"page": "x"})) == lot_numbers(first)


def test_csv_has_every_filtered_row_and_neutralised_cells(
    client_for, viewer, genebank, wheat, technician, below
):
    formula = AccessionFactory(institute=genebank, taxon=wheat, number="=HYPERLINK(1)")
    trap = services.receive(formula, 20, "seeds", "active", technician)
    rows = csv_rows(
        client_for(viewer).get(
            ALERTS, {"collection": "active", "sort": "-seeds_held", "export": "csv"}
        )
    )
    header, body = rows[0], rows[1:]
    assert header[:3] == ["Lot", "Accession", "Taxon"] and "Threshold (seeds)" in header
    assert "" not in header  # no tick box column
    assert [row[0] for row in body] == [
        below["weighed"].number,
        below["active"].number,
        trap.number,
    ]
    assert body[-1][1] == "'=HYPERLINK(1)"
    seeds = header.index("Seeds")
    assert [row[seeds] for row in body] == ["200", "100", "20"]


def test_print_labels_of_the_ticked_lots(client_for, viewer, below):
    response = client_for(viewer).post(
        ALERTS,
        {
            "action": "print_labels",
            "selected": [below["base"].pk, below["active"].pk],
            "print_labels-size": "a4-70x37",
            "print_labels-language": "en",
        },
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    codes = set().union(*(page["codes"] for page in read_pdf(response.content)))
    assert both(below["base"].number) | both(below["active"].number) <= codes
    assert not both(below["weighed"].number) & codes


def test_bulk_action_needs_ticked_rows_and_a_known_action(client_for, viewer, below):
    client = client_for(viewer)
    response = client.post(ALERTS, {"action": "print_labels", "print_labels-size": "a4-70x37"})
    assert response.status_code == 302
    response = client.post(ALERTS, {"action": "burn", "selected": [below["base"].pk]}, follow=True)
    assert "Choose an action." in response.content.decode()


def test_a_user_of_institute_b_sees_no_lots_of_a(client_for, other_genebank, below):
    stranger = member("sami", other_genebank, "curator")
    client = client_for(stranger)
    for url in (ALERTS, "/inventory/", "/inventory/alerts/moisture/"):
        response = client.get(url)
        assert lot_numbers(response) == [] and count_shown(response) == "0 rows", url
    assert csv_rows(client.get(ALERTS, {"export": "csv"}))[1:] == []
    # Another institute's lot among the choices of a filter is refused, not shown.
    response = client.get(ALERTS, {"institute": below["base"].institute_id})
    assert lot_numbers(response) == []
    # Ticking another institute's lots by their keys prints nothing.
    response = client.post(
        ALERTS,
        {"action": "print_labels", "selected": [below["base"].pk], "print_labels-size": "62x29"},
    )
    assert response.status_code == 302
    assert response.get("Content-Type") != "application/pdf"


def page_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("url", [ALERTS, "/inventory/", "/inventory/alerts/moisture/"])
def test_a_page_of_50_rows_costs_the_queries_of_a_page_of_2(
    client_for, viewer, make_accession, technician, url
):
    client = client_for(viewer)
    for _ in range(2):
        services.receive(make_accession(), 10, "seeds", "base", technician)
    few = page_queries(client, url)
    for _ in range(58):
        services.receive(make_accession(), 10, "seeds", "active", technician)
    assert page_queries(client, url) == few <= 20


def test_the_other_alert_lists(client_for, viewer, below):
    response = client_for(viewer).get("/inventory/alerts/moisture/")
    assert set(lot_numbers(response)) == {lot.number for lot in below.values()}
    assert "Moisture measured on" in response.content.decode()
    response = client_for(viewer).get("/inventory/alerts/processing/")
    assert count_shown(response) == "0 rows"


def test_labels_are_offered_in_the_page_language(client_for, viewer, below):
    client = client_for(viewer)
    client.cookies["django_language"] = "fr"
    page = client.get(ALERTS, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert re.search(r'<option value="fr" selected>', page)
