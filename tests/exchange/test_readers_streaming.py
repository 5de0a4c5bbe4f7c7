"""A sheet too large to load whole is streamed with openpyxl: it reads exactly as calamine does."""

import datetime as dt

import pytest
from openpyxl import Workbook

from genebank.exchange import readers
from genebank.exchange.readers import ReadError, read_table


def workbook(path, sheets):
    """sheets: name -> list of rows, each a dict of cell ('B3') -> value or a list from A."""
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            if isinstance(row, dict):
                for cell, value in row.items():
                    sheet[cell] = value
            else:
                sheet.append(row)
    book.save(path)
    return path


def trimmed(cells):
    cells = list(cells)
    while cells and cells[-1] == "":
        cells.pop()
    return cells


def both_ways(monkeypatch, path, **options):
    """(columns, rows, estimate) read by calamine, then streamed."""
    results = []
    original = readers._stream_xlsx
    for limit in (10**12, 0):
        monkeypatch.setattr(readers, "STREAM_XLSX_BYTES", limit)
        streams = []
        monkeypatch.setattr(
            readers, "_stream_xlsx", lambda *a, s=streams, **k: s.append(1) or original(*a, **k)
        )
        table = read_table(path, **options)
        # calamine pads every row to the sheet's width, openpyxl stops at a row's last cell:
        # a cell beyond the end of a row is empty either way.
        rows = [(number, trimmed(cells)) for number, cells in table.rows]
        results.append((table.columns, rows, table.sheet))
        assert bool(streams) == (limit == 0)
    return results


CASES = {
    "types": {
        "MCPD": [
            ["INSTCODE", "ACCENUMB", "ACQDATE", "ELEVATION", "DECLATITUDE", "REMARKS", ""],
            ["JOR015", 300, 19851002, 1200.0, 31.9123, "text with\nnewline", None],
            ["JOR015", "A-2", dt.datetime(1999, 3, 4), -12, 0.5, True, None],
        ]
    },
    "gaps": {
        "Data": [
            {"A1": "INSTCODE", "B1": "ACCENUMB", "C1": "GENUS"},
            {"A2": "JOR015", "B2": "A1", "C2": "Lens"},
            # row 3 left blank, row 4 with a cell far to the right only
            {"A5": "JOR015", "B5": "A5", "E5": "beyond the header"},
            {"B7": "A7"},
        ]
    },
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_streamed_sheet_reads_as_loaded_sheet(tmp_path, monkeypatch, case):
    path = workbook(tmp_path / f"{case}.xlsx", CASES[case])
    loaded, streamed = both_ways(monkeypatch, path)
    assert streamed == loaded
    columns, rows, _sheet = streamed
    assert columns[:2] == ["INSTCODE", "ACCENUMB"]
    if case == "types":
        assert rows[0][1][:5] == ["JOR015", "300", "19851002", "1200", "31.9123"]
        assert rows[1][1][2] == "19990304"
    else:
        assert [number for number, _cells in rows] == [2, 5, 7]


def test_header_further_down_and_sheet_by_name(tmp_path, monkeypatch):
    path = workbook(
        tmp_path / "book.xlsx",
        {
            "Notes": [["read me"]],
            "Passport": [["Genebank passport data"], [], ["ACCENUMB", "GENUS"], ["A1", "Vicia"]],
        },
    )
    loaded, streamed = both_ways(monkeypatch, path, sheet="passport", header_row=3)
    assert streamed == loaded == (["ACCENUMB", "GENUS"], [(4, ["A1", "Vicia"])], "Passport")


def test_streamed_sheet_without_header_is_a_read_error(tmp_path, monkeypatch):
    path = workbook(tmp_path / "empty.xlsx", {"Sheet": [[None, None]]})
    monkeypatch.setattr(readers, "STREAM_XLSX_BYTES", 0)
    with pytest.raises(ReadError, match="no header row"):
        read_table(path)


def test_estimate_comes_from_the_dimension(tmp_path, monkeypatch):
    rows = [["INSTCODE", "ACCENUMB"]] + [["JOR015", f"A{i}"] for i in range(250)]
    path = workbook(tmp_path / "book.xlsx", {"MCPD": rows})
    monkeypatch.setattr(readers, "STREAM_XLSX_BYTES", 0)
    table = read_table(path)
    assert table.estimate == 250
    assert sum(1 for _ in table.rows) == 250
