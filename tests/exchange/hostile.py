"""Hostile workbooks, made by hand with zipfile: small on disk, enormous to a careless parser."""

from __future__ import annotations

import zipfile
from pathlib import Path

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "{shared_type}</Types>"
)
SHARED_TYPE = (
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sharedStrings+xml"/>'
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="MCPD" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/>{shared}</Relationships>'
)
SHARED_REL = (
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/sharedStrings" Target="sharedStrings.xml"/>'
)
HEADER = ["INSTCODE", "ACCENUMB", "GENUS"]


def inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def sheet_xml(rows: dict[int, list[str]], dimension: str = "A1:C2") -> str:
    """rows: row number -> cells (already XML)."""
    body = "".join(f'<row r="{n}">{"".join(cells)}</row>' for n, cells in sorted(rows.items()))
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="{dimension}"/><sheetData>{body}</sheetData></worksheet>'
    )


def header_cells() -> list[str]:
    return [inline(f"{col}1", name) for col, name in zip("ABC", HEADER, strict=True)]


def write_workbook(path: Path, sheet: str, shared: str | None = None, rel: bool = False) -> Path:
    """A one-sheet XLSX; rel: it has shared strings (written later when not given here)."""
    rel = rel or shared is not None
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml", CONTENT_TYPES.format(shared_type=SHARED_TYPE if rel else "")
        )
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr(
            "xl/_rels/workbook.xml.rels", WORKBOOK_RELS.format(shared=SHARED_REL if rel else "")
        )
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
        if shared:
            archive.writestr("xl/sharedStrings.xml", shared)
    return path


def far_cell_workbook(path: Path, ref: str = "XFD1048576") -> Path:
    """A header row and a data row, and one cell far away: calamine would allocate the grid."""
    row = int("".join(c for c in ref if c.isdigit()))
    rows = {
        1: header_cells(),
        2: [inline("A2", "JOR015"), inline("B2", "A1"), inline("C2", "Lens")],
        row: [inline(ref, "x")],
    }
    return write_workbook(path, sheet_xml(rows, dimension=f"A1:{ref}"))


def shared_strings_bomb(path: Path, unpacked: int = 1024**3) -> Path:
    """Shared strings of one string repeated until they unpack to `unpacked` bytes (1 GB)."""
    item = "<si><t>" + "A" * 1000 + "</t></si>"
    count = unpacked // len(item)
    rows = {1: header_cells(), 2: ['<c r="A2" t="s"><v>0</v></c>', inline("B2", "A1")]}
    write_workbook(path, sheet_xml(rows), rel=True)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as xml:
            xml.write(
                b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="http://'
                b'schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">'
                % (count, count)
            )
            block = item.encode() * 1000
            for _i in range(count // 1000):
                xml.write(block)
            xml.write(b"</sst>")
    return path
