"""Reading CSV, TSV, XLSX in the encodings and layouts genebanks actually send."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from genebank.exchange.readers import (
    ReadError,
    cell_text,
    detect_encoding,
    load_mapping,
    normalise_header,
    read_table,
    sniff_delimiter,
)
from tests.exchange.conftest import write_xlsx

TEXT = "INSTCODE;ACCENUMB;GENUS;ACCENAME\r\nJOR015;JO-1;Triticum;Ḥourānī Çé\r\n"


@pytest.mark.parametrize(
    "encoding,expected",
    [
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8-sig"),
        ("utf-16", "utf-16"),
        ("utf-16-le", "utf-16-le"),
        ("utf-16-be", "utf-16-be"),
    ],
)
def test_unicode_encodings_are_detected_and_read(tmp_path, encoding, expected):
    path = tmp_path / "f.csv"
    path.write_bytes(TEXT.encode(encoding))
    assert detect_encoding(path) == expected
    table = read_table(path)
    assert table.columns == ["INSTCODE", "ACCENUMB", "GENUS", "ACCENAME"]
    assert list(table.rows) == [(2, ["JOR015", "JO-1", "Triticum", "Ḥourānī Çé"])]


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1"])
def test_single_byte_encodings_read_accented_names(tmp_path, encoding):
    path = tmp_path / "f.csv"
    names = ["Blé dur de Montpellier", "Épeautre", "Trigo Candeal Señorío", "Čtyřka"[:0] + "Weiß"]
    lines = ["INSTCODE,ACCENUMB,GENUS,ACCENAME"] + [
        f"FRA040,N{i},Triticum,{name}" for i, name in enumerate(names)
    ]
    path.write_bytes("\r\n".join(lines).encode(encoding))
    table = read_table(path)
    assert [cells[3] for _n, cells in table.rows] == names


def test_cp1252_quotes_and_euro_read_as_windows_writes_them(tmp_path):
    path = tmp_path / "f.csv"
    path.write_bytes("ACCENUMB,REMARKS\r\nA1,“Tête” – 5 €\r\n".encode("cp1252"))
    assert detect_encoding(path) == "cp1252"
    assert list(read_table(path).rows) == [(2, ["A1", "“Tête” – 5 €"])]


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_delimiter_is_sniffed_from_the_header(tmp_path, delimiter):
    path = tmp_path / "f.csv"
    path.write_text(
        delimiter.join(["ACCENUMB", "ACCENAME", "REMARKS"])
        + "\n"
        + delimiter.join(["A1", '"Name, with; both"', "x"])
        + "\n",
        encoding="utf-8",
    )
    table = read_table(path)
    assert table.delimiter == delimiter
    assert list(table.rows) == [(2, ["A1", "Name, with; both", "x"])]


def test_tsv_extension_means_tab_even_with_commas_in_header(tmp_path):
    path = tmp_path / "f.tsv"
    path.write_text("ACCENUMB\tCOLLSITE, text\nA1\tNear Irbid, north\n", encoding="utf-8")
    table = read_table(path)
    assert table.delimiter == "\t"
    assert list(table.rows) == [(2, ["A1", "Near Irbid, north"])]


def test_sniff_ignores_delimiters_inside_quotes():
    assert sniff_delimiter('"a;b;c;d",x,y\n') == ","
    assert sniff_delimiter("a b c\n") == ","


def test_row_numbers_are_those_a_spreadsheet_shows_even_with_multiline_cells(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text('ACCENUMB,COLLINSTADDRESS\nA1,"line one\nline two"\n\nA2,x\n', encoding="utf-8")
    assert [n for n, _cells in read_table(path).rows] == [2, 4]


def test_headers_are_trimmed_and_matched_case_insensitively():
    assert normalise_header("\ufeff  accenumb ") == "ACCENUMB"
    assert normalise_header("Entity\u00a0 type") == "ENTITY TYPE"


def test_excel_numbers_are_read_as_the_text_they_stand_for(tmp_path):
    path = write_xlsx(
        tmp_path / "f.xlsx",
        [
            ["INSTCODE", "ACCENUMB", "ACQDATE", "SAMPSTAT", "DECLATITUDE", "COLLDATE", "MLSSTAT"],
            ["JOR015", 1234, 19851002, 300.0, 32.25, dt.datetime(1984, 6, 12), 0],
        ],
    )
    table = read_table(path)
    assert list(table.rows) == [
        (2, ["JOR015", "1234", "19851002", "300", "32.25", "19840612", "0"])
    ]


def test_cell_text():
    assert cell_text(300.0) == "300"
    assert cell_text(-0.6416667) == "-0.6416667"
    assert cell_text(None) == ""
    assert cell_text(True) == "1"
    assert cell_text(dt.date(2001, 2, 3)) == "20010203"


def test_sheet_is_chosen_by_name_and_first_sheet_is_default(tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.title = "METADATA"
    workbook.active.append(["Title"])
    data = workbook.create_sheet("DATA")
    data.append(["ACCENUMB"])
    data.append(["A1"])
    path = tmp_path / "f.xlsx"
    workbook.save(path)
    assert read_table(path).columns == ["Title"]
    assert read_table(path, sheet="data").sheet == "DATA"
    with pytest.raises(ReadError, match="METADATA, DATA"):
        read_table(path, sheet="nope")


def test_files_that_cannot_be_read(tmp_path):
    with pytest.raises(ReadError):
        read_table(tmp_path / "missing.csv")
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(ReadError):
        read_table(empty)
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(ReadError):
        read_table(broken)
    binary = tmp_path / "image.csv"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
    with pytest.raises(ReadError):
        read_table(binary)


def test_mapping_is_checked_when_loaded(tmp_path):
    good = tmp_path / "good.yaml"
    good.write_text(
        "header_row: 2\ncolumns:\n  ID: accenumb\n  BotanicalName: TAXON\n"
        "values:\n  SAMPSTAT:\n    Landrace: 300\nconstants:\n  INSTCODE: IND001\n",
        encoding="utf-8",
    )
    mapping = load_mapping(good)
    assert mapping.header_row == 2
    assert mapping.column_map() == {"ID": "ACCENUMB", "BOTANICALNAME": "TAXON"}
    assert mapping.value_maps() == {"SAMPSTAT": {"landrace": "300"}}
    bad = tmp_path / "bad.yaml"
    bad.write_text("columns:\n  ID: ACCNUMBER\n", encoding="utf-8")
    with pytest.raises(ReadError, match="ACCNUMBER"):
        load_mapping(bad)
    unknown = tmp_path / "unknown.yaml"
    unknown.write_text("colums: {}\n", encoding="utf-8")
    with pytest.raises(ReadError, match="colums"):
        load_mapping(unknown)
    broken = tmp_path / "broken.yaml"
    broken.write_text("columns: [\n", encoding="utf-8")
    with pytest.raises(ReadError):
        load_mapping(broken)


def test_cyrillic_single_byte_file_is_not_read_as_latin(tmp_path):
    path = tmp_path / "f.csv"
    lines = ["ACCENUMB,ACCENAME,COLLSITE"] + [
        f"K-{i},Безостая {i},Краснодарский край, станица Полтавская" for i in range(20)
    ]
    path.write_bytes("\n".join(lines).encode("cp1251"))
    assert detect_encoding(path) == "cp1251"


CELL = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufeff"),
    max_size=12,
).map(str.strip)


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(st.lists(CELL, min_size=3, max_size=3), min_size=1, max_size=5),
    delimiter=st.sampled_from([",", ";", "\t"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]),
)
def test_any_csv_reads_back_cell_for_cell(tmp_path_factory, rows, delimiter, encoding):
    import csv
    import io

    path = tmp_path_factory.mktemp("csv") / "f.csv"
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(["ACCENUMB", "GENUS", "REMARKS"])
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    table = read_table(path)
    assert table.columns == ["ACCENUMB", "GENUS", "REMARKS"]
    expected = [(number, row) for number, row in enumerate(rows, start=2) if any(row)]
    assert list(table.rows) == expected


@settings(max_examples=80, deadline=None)
@given(content=st.binary(max_size=300), suffix=st.sampled_from([".csv", ".tsv", ".xlsx"]))
def test_any_bytes_read_or_fail_with_a_read_error(tmp_path_factory, content, suffix):
    path = tmp_path_factory.mktemp("bytes") / f"f{suffix}"
    path.write_bytes(b"ACCENUMB,GENUS\n" + content)
    try:
        table = read_table(path)
        rows = list(table.rows)
    except ReadError:
        return
    assert all(isinstance(cell, str) for _number, cells in rows for cell in cells)


def test_a_file_broken_half_way_is_a_read_error(tmp_path):
    path = tmp_path / "f.csv"
    path.write_bytes(("ACCENUMB,GENUS\n" + "A1,Lens\n" * 10).encode("utf-16") + b"\x00")
    table = read_table(path)
    with pytest.raises(ReadError):
        list(table.rows)
