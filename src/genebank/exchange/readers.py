"""Reading passport spreadsheets (CSV, TSV, XLSX, XLS) as rows of text, whatever their encoding."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}
SNIFF_BYTES = 64 * 1024
ENCODING_SAMPLE_BYTES = 4 * 1024 * 1024
# Single-byte encodings seen in genebank spreadsheets; charset-normalizer picks among them.
SINGLE_BYTE_ENCODINGS = ["cp1252", "cp1251", "cp1253", "cp1256"]
OTHER_SCRIPTS = {"cp1251", "cp1253", "cp1256"}

# The longest value a CSV field may have: above any MCPD text (the longest column holds 10,000
# characters), far below what would cost memory. A longer one is an error, often a quote that was
# never closed and swallowed the rest of the file.
MAX_FIELD_CHARS = 1_000_000
csv.field_size_limit(MAX_FIELD_CHARS)


class ReadError(Exception):
    """The file cannot be read at all (wrong format, unknown sheet, no header)."""


@dataclass
class Table:
    """A sheet of text cells: a header and rows numbered as a spreadsheet program shows them."""

    columns: list[str]
    rows: Iterator[tuple[int, list[str]]]
    header_row: int = 1
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    estimate: int = 0  # rows after the header, roughly (for progress bars)
    streamed: bool = False  # read as a stream (openpyxl, CSV), not loaded whole (calamine)
    # Rows with a value holding a line break -> the line of the file where the row starts (CSV),
    # or None (a workbook cell); filled in as the rows are read.
    line_breaks: dict[int, int | None] = field(default_factory=dict)


def cell_text(value: object) -> str:
    """The text a spreadsheet cell stands for: 300.0 -> '300', a date cell -> 'YYYYMMDD'."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%Y%m%d")
    if isinstance(value, dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    return str(value)


def normalise_header(name: str) -> str:
    """Header as matched against MCPD names: trimmed, upper case, without BOM or inner blanks."""
    cleaned = name.replace("\ufeff", "").replace("\u00a0", " ").replace("\u200b", "").strip()
    return re.sub(r"\s+", " ", cleaned).upper()


def detect_encoding(path: Path) -> str:
    """UTF-8 (with or without BOM), UTF-16 (with or without BOM), else a single-byte encoding."""
    with open(path, "rb") as fh:
        head = fh.read(SNIFF_BYTES)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith(codecs.BOM_UTF16_LE) or head.startswith(codecs.BOM_UTF16_BE):
        return "utf-16"
    if head:
        # UTF-16 without a BOM: ASCII text has a NUL in every other byte.
        even_nuls = head[0::2].count(0)
        odd_nuls = head[1::2].count(0)
        half = len(head) / 2
        if odd_nuls > 0.3 * half and even_nuls < 0.05 * half:
            return "utf-16-le"
        if even_nuls > 0.3 * half and odd_nuls < 0.05 * half:
            return "utf-16-be"
        if b"\x00" in head:
            raise ReadError(_("This is not a text file (CSV or TSV)."))
    if _is_utf8(path):
        return "utf-8"
    return _single_byte_encoding(path)


def _is_utf8(path: Path) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with open(path, "rb") as fh:
            while chunk := fh.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _single_byte_encoding(path: Path) -> str:
    """Windows-1252 (or Latin-1) unless the text is clearly Cyrillic, Greek or Arabic.

    charset-normalizer tells the scripts apart well, but between Latin code pages it guesses
    from too little (a file of Spanish names came out as Central European), and the spreadsheet
    programs genebanks use write Windows-1252.
    """
    from charset_normalizer import from_bytes

    # charset-normalizer takes the whole file into memory; its first megabytes tell the script.
    with open(path, "rb") as fh:
        sample = fh.read(ENCODING_SAMPLE_BYTES)
    best = from_bytes(sample, cp_isolation=SINGLE_BYTE_ENCODINGS).best()
    if best is not None and best.encoding in OTHER_SCRIPTS:
        return best.encoding
    try:
        with open(path, encoding="cp1252") as fh:
            while fh.read(1 << 20):
                pass
    except UnicodeDecodeError:
        return "latin_1"
    return "cp1252"


def sniff_delimiter(header_line: str) -> str:
    """Comma, semicolon or tab: whichever the header line uses most outside quotes."""
    counts = {",": 0, ";": 0, "\t": 0}
    quoted = False
    for char in header_line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


def read_table(path: str | Path, sheet: str | None = None, header_row: int = 1) -> Table:
    """Open a CSV/TSV/XLSX/XLS file; rows stream, so any size fits in memory."""
    path = Path(path)
    if not path.exists():
        raise ReadError(_("File not found: %(path)s") % {"path": path})
    if not path.is_file():
        raise ReadError(_("Not a file: %(path)s") % {"path": path})
    if path.suffix.lower() in EXCEL_SUFFIXES or _looks_like_excel(path):
        return _read_excel(path, sheet, header_row)
    if sheet:
        raise ReadError(_("--sheet applies to spreadsheet workbooks, not to CSV files."))
    return _read_csv(path, header_row)


def is_workbook(path: str | Path) -> bool:
    """Whether read_table reads the file as a workbook (with a parser that needs guarding)."""
    path = Path(path)
    if not path.is_file():
        return False
    return path.suffix.lower() in EXCEL_SUFFIXES or _looks_like_excel(path)


def _looks_like_excel(path: Path) -> bool:
    with open(path, "rb") as fh:
        magic = fh.read(8)
    # XLSX is a ZIP file; XLS an OLE2 compound document.
    return magic.startswith(b"PK\x03\x04") or magic.startswith(b"\xd0\xcf\x11\xe0")


def _read_csv(path: Path, header_row: int) -> Table:
    encoding = detect_encoding(path)
    try:
        with open(path, encoding=encoding, newline="") as fh:
            # Bounded: a file without line breaks must not be read whole as its "header".
            first_lines = [fh.readline(MAX_FIELD_CHARS) for _i in range(header_row)]
    except UnicodeDecodeError as exc:
        raise ReadError(_("Cannot decode the file: %(error)s") % {"error": exc}) from exc
    header_line = first_lines[-1] if first_lines else ""
    if len(header_line) >= MAX_FIELD_CHARS:
        raise ReadError(
            _("The header row is longer than %(n)s characters: this is not a passport file.")
            % {"n": MAX_FIELD_CHARS}
        )
    if not header_line.strip():
        raise ReadError(_("The file is empty or has no header row."))
    if path.suffix.lower() in (".tsv", ".tab"):
        delimiter = "\t"
    else:
        delimiter = sniff_delimiter(header_line)
    columns = next(csv.reader(io.StringIO(header_line), delimiter=delimiter))
    columns = [c.replace("\ufeff", "").strip() for c in columns]

    def rows() -> Iterator[tuple[int, list[str]]]:
        number = 0
        line = 0  # the last line of the file read so far
        try:
            with open(path, encoding=encoding, newline="") as fh:
                reader = csv.reader(fh, delimiter=delimiter)
                for record in reader:
                    number += 1
                    first, line = line + 1, reader.line_num
                    if number <= header_row:
                        continue
                    if not any(cell.strip() for cell in record):
                        continue
                    if line > first:
                        # A quoted value ran over several lines: legitimate in CSV, but in an
                        # MCPD field it is mostly a quote that was not closed (mcpd.py says).
                        table.line_breaks[number] = first
                    yield number, record
        except UnicodeDecodeError as exc:
            raise ReadError(
                _("Cannot read the file after row %(row)s: %(error)s")
                % {"row": number, "error": exc}
            ) from exc
        except csv.Error as exc:
            if "field larger than field limit" in str(exc):
                raise ReadError(
                    _(
                        "A value starting on line %(line)s of the file is longer than %(n)s "
                        "characters: a quote opened there may never be closed."
                    )
                    % {"line": line + 1, "n": MAX_FIELD_CHARS}
                ) from exc
            raise ReadError(
                _("Cannot read the file after row %(row)s: %(error)s")
                % {"row": number, "error": exc}
            ) from exc

    size = path.stat().st_size
    with open(path, "rb") as fh:
        head = fh.read(SNIFF_BYTES)
    lines = head.count(b"\n") or 1
    estimate = lines if size <= len(head) else int(size / len(head) * lines)
    table = Table(
        columns,
        rows(),
        header_row,
        encoding=encoding,
        delimiter=delimiter,
        estimate=max(estimate - header_row, 0),
        streamed=True,
    )
    return table


def _read_excel(path: Path, sheet: str | None, header_row: int) -> Table:
    """A workbook's sheet; checked first (safe_files) so that no parser is asked for more memory
    than the file's data need."""
    import zipfile

    from python_calamine import CalamineWorkbook

    from genebank.exchange import safe_files

    is_zip = zipfile.is_zipfile(path)
    if is_zip:
        try:
            safe_files.check_zip(path)
        except safe_files.UnsafeFile as exc:
            raise ReadError(str(exc)) from exc
    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types for every broken file
        raise ReadError(_("Cannot read the workbook: %(error)s") % {"error": exc}) from exc
    names = workbook.sheet_names
    if sheet:
        matches = [n for n in names if n == sheet] or [
            n for n in names if n.strip().lower() == sheet.strip().lower()
        ]
        if not matches:
            raise ReadError(
                _("The workbook has no sheet %(sheet)s; it has: %(names)s")
                % {"sheet": sheet, "names": ", ".join(names)}
            )
        chosen = matches[0]
    elif names:
        chosen = names[0]
    else:
        raise ReadError(_("The workbook has no sheets."))
    streamed = _xlsx_streamed(path, chosen, header_row) if is_zip else None
    if streamed is not None:
        workbook.close()
        return _stream_xlsx(path, chosen, header_row, estimate=streamed)
    try:
        data = workbook.get_sheet_by_name(chosen)
        iterator = data.iter_rows()
    except Exception as exc:
        raise ReadError(
            _("Cannot read sheet %(sheet)s: %(error)s") % {"sheet": chosen, "error": exc}
        ) from exc
    # calamine starts at the first used cell; row numbers must be those the user sees.
    start_row = (data.start[0] if data.start else 0) + 1
    estimate = max((data.height or 0) + start_row - 1 - header_row, 0)
    return _sheet_table(iterator, start_row - 1, header_row, chosen, estimate)


def _sheet_table(
    iterator, number: int, header_row: int, sheet: str, estimate: int, streamed: bool = False
) -> Table:
    """The header and rows of a sheet's row iterator; number: the row before its first."""
    columns: list[str] | None = None
    for cells in iterator:
        number += 1
        if number == header_row:
            columns = [cell_text(c).replace("\ufeff", "").strip() for c in cells]
            break
    if columns is None:
        raise ReadError(_("The sheet %(sheet)s has no header row.") % {"sheet": sheet})
    while columns and not columns[-1]:
        columns.pop()
    if not any(columns):
        raise ReadError(_("The sheet %(sheet)s has no header row.") % {"sheet": sheet})

    def rows() -> Iterator[tuple[int, list[str]]]:
        current = number
        line_breaks = table.line_breaks
        for cells in iterator:
            current += 1
            texts = [cell_text(c) for c in cells]
            if any(t.strip() for t in texts):
                joined = "".join(texts)
                if "\n" in joined or "\r" in joined:
                    line_breaks[current] = None
                yield current, texts

    table = Table(columns, rows(), header_row, sheet=sheet, estimate=estimate, streamed=streamed)
    return table


# calamine reads a whole sheet into memory, about 32 bytes a cell, empty cells included, plus
# the text; a sheet whose XML is larger than this is streamed with openpyxl instead: slower
# (about 4,000 rows of 41 columns a second), but its memory does not grow with the sheet.
STREAM_XLSX_BYTES = 48 * 1024 * 1024
DIMENSION_RE = re.compile(rb'<dimension ref="[A-Z]+([0-9]+)(?::[A-Z]+([0-9]+))?"')


def _xlsx_streamed(path: Path, sheet: str, header_row: int) -> int | None:
    """For an XLSX sheet to stream rather than load whole: its rows after the header, roughly.

    Streamed: a sheet whose XML is large, and one whose grid (from A1 to its last cell) is far
    larger than its rows, such as a single cell at AO1000001. A sheet wider than any passport
    sheet is refused (safe_files.check_sheet). None: load it with calamine.
    """
    import zipfile
    import zlib

    from genebank.exchange import safe_files

    try:
        with zipfile.ZipFile(path) as archive:
            member = _sheet_member(archive, sheet)
            if member is None:
                return None  # ODS, or a workbook calamine reads otherwise: it says what is wrong
            size = archive.getinfo(member).file_size
            if size > STREAM_XLSX_BYTES:
                with archive.open(member) as xml:
                    found = DIMENSION_RE.search(xml.read(4096))
                if found and found.group(2):
                    return max(int(found.group(2)) - header_row, 0)
                return size // 500  # no dimension: about 500 bytes of XML a row
            extent = safe_files.check_sheet(path, archive, member, sheet)
    except safe_files.UnsafeFile as exc:
        raise ReadError(str(exc)) from exc
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        # Met while scanning the sheet: its data do not match what the archive declares (a
        # bad CRC), and a parser trusting the data could read far more than was checked.
        raise ReadError(
            _("%(file)s is damaged: %(error)s") % {"file": path.name, "error": exc}
        ) from exc
    except (KeyError, OSError):
        return None  # calamine says what is wrong
    if not extent.regular or extent.sparse or extent.dense_cells > safe_files.MAX_DENSE_CELLS:
        return max(extent.rows - header_row, 0)
    return None


def _sheet_member(archive, sheet: str) -> str | None:
    """The path in an XLSX archive of the named sheet's XML (xl/worksheets/sheetN.xml)."""
    from xml.etree import ElementTree

    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    relationships = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
    try:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError):
        return None
    ids = {
        element.get(f"{relationships}id")
        for element in workbook.iter(f"{main}sheet")
        if element.get("name") == sheet
    }
    for rel in rels:
        if rel.get("Id") in ids:
            target = rel.get("Target", "")
            member = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            member = posixpath.normpath(member)  # "xl/../xl/worksheets/sheet1.xml" too
            return member if member in archive.namelist() else None
    return None


def _stream_xlsx(path: Path, sheet: str, header_row: int, estimate: int) -> Table:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    worksheet = workbook[sheet]
    # A dimension written wrongly by another program would cut rows or columns off.
    worksheet.reset_dimensions()
    # Rows from the first, gaps filled with empty rows: numbered as the user sees them.
    iterator = worksheet.iter_rows(values_only=True)
    return _sheet_table(iterator, 0, header_row, sheet, estimate, streamed=True)


@dataclass
class Mapping:
    """How a non-MCPD spreadsheet maps to MCPD: columns to fields, values to codes (a YAML file).

    Keys: sheet, header_row, columns (file column -> MCPD field, or TAXON for a scientific name
    to split), ignore (columns left out knowingly), constants (MCPD field -> value when empty),
    values (MCPD field -> {file value: MCPD value}), skip_rows (column -> regex of rows to leave out).
    """

    columns: dict[str, str] = field(default_factory=dict)
    ignore: list[str] = field(default_factory=list)
    constants: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    skip_rows: dict[str, str] = field(default_factory=dict)
    sheet: str | None = None
    header_row: int = 1
    description: str = ""

    def column_map(self) -> dict[str, str]:
        return {normalise_header(k): v for k, v in self.columns.items()}

    def ignored(self) -> set[str]:
        return {normalise_header(c) for c in self.ignore}

    def multi_column_fields(self) -> set[str]:
        targets = list(self.columns.values())
        return {t for t in targets if targets.count(t) > 1}

    def value_maps(self) -> dict[str, dict[str, str]]:
        return {
            name: {str(k).strip().lower(): cell_text(v) for k, v in table.items()}
            for name, table in self.values.items()
        }


def load_mapping(path: str | Path) -> Mapping:
    """Read and check a mapping YAML file; ReadError says what is wrong with it."""
    import yaml

    from genebank.exchange.mcpd import FIELD_SET

    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ReadError(
            _("Cannot read the mapping %(path)s: %(error)s") % {"path": path, "error": exc}
        ) from exc
    except yaml.YAMLError as exc:
        raise ReadError(
            _("The mapping %(path)s is not valid YAML: %(error)s") % {"path": path, "error": exc}
        ) from exc
    if not isinstance(data, dict):
        raise ReadError(_("The mapping %(path)s must be a YAML mapping.") % {"path": path})
    known = {
        "columns",
        "ignore",
        "constants",
        "values",
        "skip_rows",
        "sheet",
        "header_row",
        "description",
    }
    unknown = set(data) - known
    if unknown:
        raise ReadError(
            _("Unknown keys in the mapping: %(keys)s")
            % {"keys": ", ".join(sorted(map(str, unknown)))}
        )
    columns = {str(k): str(v).strip().upper() for k, v in (data.get("columns") or {}).items()}
    targets = set(columns.values()) | {str(k).upper() for k in (data.get("constants") or {})}
    targets |= {str(k).upper() for k in (data.get("values") or {})}
    bad = sorted(t for t in targets if t not in FIELD_SET and t != "TAXON")
    if bad:
        raise ReadError(
            _("Not MCPD fields in the mapping: %(fields)s") % {"fields": ", ".join(bad)}
        )
    header_row = data.get("header_row", 1)
    if not isinstance(header_row, int) or header_row < 1:
        raise ReadError(_("header_row must be a row number (1 or more)."))
    return Mapping(
        columns=columns,
        ignore=[str(c) for c in data.get("ignore") or []],
        constants={str(k).upper(): cell_text(v) for k, v in (data.get("constants") or {}).items()},
        values={
            str(k).upper(): {str(a): b for a, b in (v or {}).items()}
            for k, v in (data.get("values") or {}).items()
        },
        skip_rows={str(k): str(v) for k, v in (data.get("skip_rows") or {}).items()},
        sheet=data.get("sheet"),
        header_row=header_row,
        description=str(data.get("description") or ""),
    )
