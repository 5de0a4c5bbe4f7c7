"""Small MCPD files written by the tests themselves: rows as dicts, any encoding or format."""

import csv
import io
from pathlib import Path

import pytest

from genebank.exchange.mcpd import FIELDS

BASE_ROW = {
    "INSTCODE": "JOR015",
    "ACCENUMB": "JO-000001",
    "GENUS": "Triticum",
    "SPECIES": "durum",
    "SPAUTHOR": "Desf.",
    "CROPNAME": "durum wheat",
    "ACCENAME": "Hourani;Haurani",
    "ACQDATE": "19950600",
    "ORIGCTY": "JOR",
    "COLLSITE": "5 km north of Irbid",
    "DECLATITUDE": "32.6",
    "LATITUDE": "323600N",
    "DECLONGITUDE": "35.85",
    "LONGITUDE": "0355100E",
    "COLLDATE": "19950512",
    "COLLNUMB": "AB0001",
    "COLLCODE": "JOR015",
    "SAMPSTAT": "300",
    "COLLSRC": "26",
    "DONORCODE": "SYR002",
    "DONORNUMB": "IG 1234",
    "OTHERNUMB": "SYR002:IG 1234;:X-77",
    "STORAGE": "12;13",
    "MLSSTAT": "1",
    "REMARKS": "COLLSRC:farm store",
}


def mcpd_row(**changes) -> dict[str, str]:
    row = dict(BASE_ROW)
    row.update(changes)
    return row


def write_csv(
    path: Path,
    rows: list[dict[str, str]],
    *,
    columns: list[str] | None = None,
    delimiter: str = ",",
    encoding: str = "utf-8",
) -> Path:
    columns = columns or FIELDS
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(c, "") for c in columns])
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, rows: list[list], sheet: str = "Sheet1", extra_sheets=()) -> Path:
    """rows: header first; cells keep their Python type (numbers stay numbers in Excel)."""
    from openpyxl import Workbook

    workbook = Workbook()
    for name in extra_sheets:
        workbook.create_sheet(name).append(["nothing"])
    data = workbook.active
    data.title = sheet
    for row in rows:
        data.append(row)
    workbook.save(path)
    return path


@pytest.fixture
def mcpd_file(tmp_path):
    """mcpd_file(rows, **options) writes a CSV file and returns its path."""
    counter = iter(range(1000))

    def make(rows, name=None, **options):
        return write_csv(tmp_path / (name or f"passport{next(counter)}.csv"), rows, **options)

    return make


# The modules of the import and export that bind each shared name with `from ... import`.
EXCHANGE_MODULES = (
    "genebank.exchange.mcpd_checking",
    "genebank.exchange.mcpd_writer",
    "genebank.exchange.mcpd_import",
    "genebank.exchange.mcpd_export",
    "genebank.exchange.pdci_store",
    "genebank.exchange.import_sessions",
)


def patch_everywhere(monkeypatch, name: str, value) -> None:
    """Set name to value in every exchange module that has it (each binds its own copy)."""
    import importlib

    found = False
    for module_name in EXCHANGE_MODULES:
        module = importlib.import_module(module_name)
        if hasattr(module, name):
            monkeypatch.setattr(module, name, value)
            found = True
    assert found, name


def fork_always(monkeypatch, batch: int, **thresholds) -> list:
    """Large-file work forks whatever the size (thresholds set to 0); returns the forked works.

    Other tests may leave idle threads behind (background imports); none holds a lock here, so
    forking is allowed too.
    """
    from genebank.exchange import mcpd_checking

    for name in thresholds:
        patch_everywhere(monkeypatch, name, 0)
    patch_everywhere(monkeypatch, "_may_fork", lambda: True)
    patch_everywhere(monkeypatch, "BATCH", batch)
    calls = []
    original = mcpd_checking._from_child

    def spy(work, *args):
        calls.append(work)
        return original(work, *args)

    patch_everywhere(monkeypatch, "_from_child", spy)
    return calls
