"""Labels rendered to PDF and read back: the text (pypdf), the QR code and the Code 128 barcode
(zxing-cpp on the page rendered by pdfium) give back the lot's or the location's code."""

import io
import unicodedata

import pypdf
import pypdfium2
import pytest
import zxingcpp
from django.utils import translation

from genebank.inventory import labels, services
from genebank.inventory.labels import LABEL_SIZES, Label, render_labels


def read_pdf(pdf: bytes) -> list[dict]:
    """Per page: its text and the codes zxing finds in it, as {(format, text)}."""
    pages = []
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    document = pypdfium2.PdfDocument(pdf)
    try:
        for number, page in enumerate(reader.pages):
            image = document[number].render(scale=300 / 72).to_pil()
            codes = {(r.format.name, r.text) for r in zxingcpp.read_barcodes(image)}
            pages.append({"text": page.extract_text(), "codes": codes})
    finally:
        document.close()
    return pages


def both(code: str) -> set:
    return {("QRCode", code), ("Code128", code)}


@pytest.fixture
def lot(accession, technician, storage):
    return services.receive(
        accession, 2500, "seeds", "base", technician, location=storage["box"], harvest_year=2021
    )


@pytest.mark.parametrize("size", list(LABEL_SIZES))
def test_a_lot_label_reads_back_on_every_stock(lot, size):
    with translation.override("en"):
        pdf = render_labels(labels.lot_labels(lot), size, "en")
    [page] = read_pdf(pdf)
    assert both(lot.number) <= page["codes"]
    assert lot.number in page["text"]
    assert f"Accession {lot.accession.number}" in page["text"]
    assert "Triticum durum" in page["text"]


def test_a4_sheet_holds_24_labels_then_a_new_page(lot):
    many = [Label(f"JOR015-L{n:06d}", f"JOR015-L{n:06d}") for n in range(1, 27)]
    pages = read_pdf(render_labels(many, "a4-70x37", "en"))
    assert len(pages) == 2
    assert both("JOR015-L000001") | both("JOR015-L000024") <= pages[0]["codes"]
    assert pages[1]["codes"] == both("JOR015-L000025") | both("JOR015-L000026")


def test_a_label_printer_prints_one_label_per_page(lot):
    pages = read_pdf(render_labels(labels.lot_labels(lot, copies=3), "62x29", "en"))
    assert len(pages) == 3
    assert [p["codes"] for p in pages] == [both(lot.number)] * 3
    assert "Container 2 of 3" in pages[1]["text"]


def test_french_labels(lot):
    with translation.override("fr"):
        pdf = render_labels(labels.lot_labels(lot), "102x51", "fr")
    [page] = read_pdf(pdf)
    assert "Collection de base" in page["text"]
    assert both(lot.number) <= page["codes"]


def test_arabic_text_is_shaped_and_read_right_to_left(lot):
    text = "مجموعة أساسية"
    pdf = render_labels([Label(lot.number, lot.number, [text])], "102x51", "ar")
    [page] = read_pdf(pdf)
    assert both(lot.number) <= page["codes"]
    # Shaped: the PDF holds the joined presentation forms (U+FE70...), not the bare letters...
    assert any(0xFE70 <= ord(ch) <= 0xFEFF for ch in page["text"])
    # ...which fold back to the words in reading order.
    assert text in unicodedata.normalize("NFKC", page["text"])


def test_visual_order_reverses_arabic_only():
    assert labels.visual("JOR015-L000001") == "JOR015-L000001"
    shown = labels.visual("قمح")
    assert unicodedata.normalize("NFKC", shown) == "حمق"  # drawn right to left, joined


def test_location_labels_carry_the_location_code(storage):
    box = storage["box"]
    [page] = read_pdf(render_labels([labels.location_label(box)], "62x29", "en"))
    assert both("CR1-A-1") <= page["codes"]
    assert "HQ/Cold room 1/Shelf A/Box 1" in page["text"]


def test_no_labels_is_a_page_that_says_so():
    [page] = read_pdf(render_labels([], "a4-70x37", "en"))
    assert "No labels." in page["text"]


# --- bulk printing from the pages --------------------------------------------------------------


def get_pdf(client, params):
    response = client.get("/inventory/labels/", params)
    assert response.status_code == 200, response.content[:200]
    assert response["Content-Type"] == "application/pdf"
    return read_pdf(response.content)


def test_print_the_filtered_lot_list(client_for, viewer, technician, make_accession, storage):
    base = services.receive(make_accession(), 100, "seeds", "base", technician)
    active = services.receive(make_accession(), 100, "seeds", "active", technician)
    client = client_for(viewer)  # reading is enough to print
    pages = get_pdf(client, {"source": "lots", "collection": "active", "size": "a4-70x37"})
    codes = set().union(*(p["codes"] for p in pages))
    assert both(active.number) <= codes
    assert not both(base.number) & codes


def test_print_an_accessions_lots_in_arabic(client_for, viewer, accession, technician):
    first = services.receive(accession, 100, "seeds", "base", technician)
    second = services.receive(accession, 100, "seeds", "active", technician)
    pages = get_pdf(
        client_for(viewer),
        {"source": "accession", "pk": accession.pk, "size": "102x51", "language": "ar"},
    )
    assert [p["codes"] for p in pages] == [both(first.number), both(second.number)]
    assert accession.number in pages[0]["text"]
    # The collection in Arabic, shaped in the PDF and back in reading order once folded.
    assert "المجموعة الأساسية" in unicodedata.normalize("NFKC", pages[0]["text"])


def test_print_a_storage_subtree(client_for, viewer, storage, lot):
    client = client_for(viewer)
    pages = get_pdf(
        client, {"source": "location", "pk": storage["base_room"].pk, "size": "a4-70x37"}
    )
    codes = pages[0]["codes"]
    assert both("CR1") | both("CR1-A") | both("CR1-A-1") <= codes
    assert not both("CR2") & codes
    pages = get_pdf(
        client, {"source": "location-lots", "pk": storage["base_room"].pk, "size": "62x29"}
    )
    assert [p["codes"] for p in pages] == [both(lot.number)]


def test_labels_of_another_institutes_lot_are_not_found(client_for, other_genebank, lot):
    from genebank.core.models import Role
    from tests.factories import member

    stranger = member("omar", other_genebank, Role.CURATOR)
    response = client_for(stranger).get(
        "/inventory/labels/", {"source": "lot", "pk": lot.pk, "size": "62x29"}
    )
    assert response.status_code == 404


@pytest.mark.parametrize(
    "params", [{"source": "nothing", "size": "62x29"}, {"source": "lot", "size": "A0"}]
)
def test_bad_label_requests_are_refused(client_for, viewer, params):
    assert client_for(viewer).get("/inventory/labels/", params).status_code == 400


def test_the_lot_page_offers_labels(client_for, viewer, lot):
    page = client_for(viewer).get(f"/inventory/lots/{lot.pk}/").content.decode()
    assert 'action="/inventory/labels/"' in page
    assert 'name="copies"' in page


def test_too_many_labels_are_refused_and_queries_stay_bounded(
    client_for, viewer, technician, make_accession, monkeypatch
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(4):
        services.receive(make_accession(), 100, "seeds", "base", technician)
    client = client_for(viewer)
    params = {"source": "lots", "size": "a4-70x37"}
    with CaptureQueriesContext(connection) as few:
        client.get("/inventory/labels/", params)
    for _ in range(4):
        services.receive(make_accession(), 100, "seeds", "base", technician)
    with CaptureQueriesContext(connection) as many:
        client.get("/inventory/labels/", params)
    assert len(many) == len(few)
    monkeypatch.setattr(labels, "MAX_LABELS", 5)
    response = client.get("/inventory/labels/", params)
    assert response.status_code == 400
    assert "too many" in response.content.decode()


def test_mixed_lines_start_from_the_right_on_arabic_labels():
    line = "Triticum durum · قمح"
    assert labels.visual(line).startswith("Triticum")  # left to right: Latin first, on the left
    shown = labels.visual(line, rtl=True)
    assert shown.endswith("Triticum durum")  # right to left: read first, drawn rightmost
