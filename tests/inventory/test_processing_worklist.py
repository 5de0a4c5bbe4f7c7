"""The processing page as a work list: the lots in processing with their last step and days
since receipt, sorting, filters (overdue), paging, count, CSV, label printing of ticked lots,
institute scoping and a bounded query count."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from genebank.inventory import services
from genebank.inventory.models import ProcessingStep
from tests.factories import member
from tests.inventory.test_labels import both, read_pdf
from tests.inventory.test_worklists import count_shown, csv_rows, lot_numbers

PROCESSING = "/inventory/processing/"


def received_days_ago(lot, days: int) -> None:
    ProcessingStep.objects.filter(lot=lot).update(
        date=timezone.localdate() - datetime.timedelta(days)
    )


@pytest.fixture
def arrivals(make_accession, technician):
    """Three lots in processing, received 2, 9 and 70 days ago; one lot in store."""
    lots = {}
    for name, days in (("fresh", 2), ("late", 9), ("later", 70)):
        lot = services.receive(
            make_accession(), 800, "seeds", "base", technician, status="processing"
        )
        received_days_ago(lot, days)
        lots[name] = lot
    lots["stored"] = services.receive(make_accession(), 800, "seeds", "base", technician)
    return lots


def test_the_lots_in_processing_with_their_step_and_days(client_for, viewer, arrivals):
    response = client_for(viewer).get(PROCESSING)
    page = response.content.decode()
    assert count_shown(response) == "3 rows"
    assert set(lot_numbers(response)) == {arrivals[n].number for n in ("fresh", "late", "later")}
    assert "Received" in page and "tariq" in page  # the last step, and who did it
    assert "not in the drying room 9 days after receipt" in page and "overdue" in page
    assert page.count("table-warning") == 2
    assert 'id="worklist-actions"' in page and 'value="print_labels"' in page


def test_sorting_by_days_and_the_overdue_filter(client_for, viewer, arrivals):
    client = client_for(viewer)
    longest = lot_numbers(client.get(PROCESSING, {"sort": "-days"}))
    assert longest == [arrivals[n].number for n in ("later", "late", "fresh")]
    shortest = lot_numbers(client.get(PROCESSING, {"sort": "days"}))
    assert shortest == longest[::-1]
    late = client.get(PROCESSING, {"overdue": "true"})
    assert set(lot_numbers(late)) == {arrivals["late"].number, arrivals["later"].number}
    on_time = client.get(PROCESSING, {"overdue": "false"})
    assert lot_numbers(on_time) == [arrivals["fresh"].number]


def test_csv_of_the_filtered_rows(client_for, viewer, arrivals):
    rows = csv_rows(client_for(viewer).get(PROCESSING, {"sort": "-days", "export": "csv"}))
    header, body = rows[0], rows[1:]
    assert header[0] == "Lot" and "Days since receipt" in header and "Overdue" in header
    days, why, step = (header.index(n) for n in ("Days since receipt", "Overdue", "Last step"))
    assert [row[days] for row in body] == ["70", "9", "2"]
    assert body[1][why] == "not in the drying room 9 days after receipt"
    assert body[2][why] == "" and body[0][step] == "Received"


def test_print_labels_of_ticked_lots_in_processing(client_for, viewer, arrivals):
    response = client_for(viewer).post(
        PROCESSING,
        {
            "action": "print_labels",
            "selected": [arrivals["late"].pk, arrivals["stored"].pk],
            "print_labels-size": "62x29",
        },
    )
    assert response["Content-Type"] == "application/pdf"
    codes = set().union(*(page["codes"] for page in read_pdf(response.content)))
    assert both(arrivals["late"].number) <= codes
    assert not both(arrivals["stored"].number) & codes  # not in this list


def test_another_institute_sees_none_of_them(client_for, other_genebank, arrivals):
    response = client_for(member("sami", other_genebank, "curator")).get(PROCESSING)
    assert lot_numbers(response) == [] and count_shown(response) == "0 rows"


def test_a_page_of_many_lots_costs_the_queries_of_a_few(
    client_for, viewer, make_accession, technician
):
    client = client_for(viewer)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(PROCESSING).status_code == 200
        return len(captured)

    for _ in range(2):
        services.receive(make_accession(), 10, "seeds", "base", technician, status="processing")
    few = queries()
    for _ in range(30):
        services.receive(make_accession(), 10, "seeds", "base", technician, status="processing")
    # The overdue rule reads every lot in processing once (a prefetch), whatever their number.
    assert queries() == few <= 20
