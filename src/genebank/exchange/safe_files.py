"""Untrusted workbooks: checks before any parser opens them, and reading them in a child process.

A workbook is a ZIP of XML files, and a few kilobytes of it can ask a parser for gigabytes: a
member that unpacks to a thousand times its size (a "zip bomb"), or one cell at XFD1048576, for
which calamine allocates the whole grid at once (512 GiB: the process aborts). So, before a parser
sees the file: every member's declared size and compression ratio are checked, and the sheet's
real extent (the cells it holds, not the <dimension> it claims) is measured by scanning its XML
as a stream. The grid calamine would build is read with it only when it is small; a larger or
sparse one is streamed with openpyxl, whose memory does not grow with the sheet.

And because a parser written in another language can still fail in ways Python cannot catch,
workbooks are read in a child process under a memory limit (RLIMIT_AS): a crash or a MemoryError
there becomes a ReadError here, never a dead server. Where there is no `resource` module (Windows)
the checks above are the only guard.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

# Bounds a real MCPD workbook stays far inside: 200,000 rows of 41 columns (bench/import_mcpd.py's
# rows, written by openpyxl with inline strings) unpack to a 374 MB sheet, 11 times its packed
# size; written with shared strings, these would be at most the 44 MB of the same rows as CSV.
MAX_MEMBER_BYTES = 1024 * 1024 * 1024
MAX_TOTAL_BYTES = 2 * MAX_MEMBER_BYTES
# Shared strings are held whole in memory by both parsers (several bytes of Python or Rust per
# byte of XML), unlike a sheet, which openpyxl streams.
MAX_SHARED_STRINGS_BYTES = 200 * 1024 * 1024
MAX_RATIO = 100
RATIO_FROM_BYTES = 4 * 1024 * 1024  # smaller members may compress as well as they like
MAX_MEMBERS = 10_000
# MCPD has 41 fields; a layout mapped to it has a few more. A sheet wider than this is not one.
MAX_COLUMNS = 300
# calamine holds every cell of the grid from A1 to the last cell, empty or not, at about 32 bytes:
# a larger grid, or one whose last row is far past its rows, is streamed with openpyxl instead.
MAX_DENSE_CELLS = 8_000_000
# Address space a reading child may add to what it has when it starts.
READ_MEMORY_BYTES = 512 * 1024 * 1024
SCAN_CHUNK = 1 << 20

_CELL_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s>/]")
_CELL_REF = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?c r="([A-Z]{1,3})[0-9]')
_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s>/]")
_ROW_REF = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?row r="([0-9]{1,9})"')


class UnsafeFile(Exception):
    """Raised by the checks; readers.py turns it into its ReadError."""


@dataclass
class Extent:
    """What a sheet's XML holds: its last column and row, and how many row elements it has."""

    columns: int = 0
    last_row: int = 0
    rows: int = 0
    regular: bool = True  # every cell and row says where it is (r="..."), as Excel writes them
    widest_cell: str = ""  # a cell in the last column, e.g. XFD1048576

    @property
    def dense_cells(self) -> int:
        return self.columns * self.last_row

    @property
    def sparse(self) -> bool:
        """The last row is far past the rows the sheet holds: a grid of mostly empty cells."""
        return self.last_row > 2 * self.rows + 1000


def column_number(letters: bytes | str) -> int:
    """'A' -> 1, 'XFD' -> 16384."""
    number = 0
    for char in letters if isinstance(letters, str) else letters.decode("ascii"):
        number = number * 26 + ord(char) - 64
    return number


def check_zip(path: Path) -> None:
    """Refuse a ZIP whose members unpack to more than any workbook needs (a zip bomb)."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UnsafeFile(
            _("%(file)s is not a readable workbook: %(error)s") % {"file": path.name, "error": exc}
        ) from exc
    if len(members) > MAX_MEMBERS:
        raise UnsafeFile(
            _("%(file)s holds %(n)s files: not a workbook.")
            % {"file": path.name, "n": len(members)}
        )
    total = 0
    for member in members:
        size = member.file_size
        total += size
        ratio = size / max(member.compress_size, 1)
        name = member.filename
        too_large = size > MAX_MEMBER_BYTES or (
            name.endswith("sharedStrings.xml") and size > MAX_SHARED_STRINGS_BYTES
        )
        if too_large or (size > RATIO_FROM_BYTES and ratio > MAX_RATIO):
            raise UnsafeFile(
                _(
                    "%(file)s is refused: its part %(member)s unpacks to %(mb)s MB (%(ratio)s times "
                    "its packed size), more than any passport workbook."
                )
                % {"file": path.name, "member": name, "mb": size // 2**20, "ratio": int(ratio)}
            )
    if total > MAX_TOTAL_BYTES:
        raise UnsafeFile(
            _("%(file)s is refused: it unpacks to %(mb)s MB, more than any passport workbook.")
            % {"file": path.name, "mb": total // 2**20}
        )


def sheet_extent(archive: zipfile.ZipFile, member: str) -> Extent:
    """The sheet's last column and row from the cells it holds, scanning its XML in chunks.

    Memory stays at a chunk. Cells or rows without an r="..." reference (allowed, rare) make
    the extent irregular: the caller then streams the sheet rather than trust a count.
    """
    extent = Extent()
    widest = b""
    tail = b""
    with archive.open(member) as xml:
        while True:
            chunk = xml.read(SCAN_CHUNK)
            data = tail + chunk
            if chunk:
                # A tag cut at the end of the chunk is scanned with the next one.
                cut = data.rfind(b"<")
                data, tail = data[:cut], data[cut:]
            before = widest
            for found in set(_CELL_REF.findall(data)):
                if (len(found), found) > (len(widest), widest):
                    widest = found
            if widest != before:
                cell = re.search(rb'c r="(' + widest + rb'[0-9]+)"', data)
                extent.widest_cell = cell.group(1).decode("ascii") if cell else ""
            cells = len(_CELL_TAG.findall(data))
            if cells != len(_CELL_REF.findall(data)):
                extent.regular = False
            rows = _ROW_REF.findall(data)
            if len(_ROW_TAG.findall(data)) != len(rows):
                extent.regular = False
            extent.rows += len(rows)
            if rows:
                extent.last_row = max(extent.last_row, *map(int, rows))
            if not chunk:
                break
    extent.columns = column_number(widest) if widest else 0
    return extent


def check_sheet(path: Path, archive: zipfile.ZipFile, member: str, sheet: str) -> Extent:
    """The sheet's extent; UnsafeFile when it is wider than any passport sheet."""
    extent = sheet_extent(archive, member)
    if extent.columns > MAX_COLUMNS:
        raise UnsafeFile(
            _(
                "%(file)s is refused: sheet %(sheet)s has a cell at %(cell)s (column "
                "%(number)s); a passport sheet has at most %(max)s columns. Delete the cells "
                "beyond the data and save the file again."
            )
            % {
                "file": path.name,
                "sheet": sheet,
                "cell": extent.widest_cell or column_letters(extent.columns),
                "number": extent.columns,
                "max": MAX_COLUMNS,
            }
        )
    return extent


def column_letters(number: int) -> str:
    """16384 -> 'XFD'."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# --- reading in a child process ------------------------------------------------------------------


def can_limit_memory() -> bool:
    try:
        import resource  # noqa: F401 - POSIX only
    except ImportError:
        return False
    return True


def limit_memory(extra: int = READ_MEMORY_BYTES) -> None:
    """Let this process (a child that reads a file) grow by at most `extra` bytes of address space.

    Beyond it an allocation fails: Python raises MemoryError, a native parser aborts; either way
    only this process is lost. Called in the child, never in the server.
    """
    import resource

    try:
        with open("/proc/self/statm") as fh:
            current = int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        current = 2 * READ_MEMORY_BYTES  # not Linux: a rough allowance for the interpreter
    limit = current + extra
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def stopped_message(name: str, returncode: int | None) -> str:
    """What to tell when the process reading a file died."""
    if returncode is not None and returncode < 0:
        return _(
            "%(file)s cannot be read: reading it stopped the reading process (signal %(signal)s). "
            "The file is damaged or needs more memory than an import may use."
        ) % {"file": name, "signal": -returncode}
    return _(
        "%(file)s cannot be read: reading it stopped the reading process. The file is damaged or "
        "needs more memory than an import may use."
    ) % {"file": name}


def memory_message(name: str) -> str:
    return _("%(file)s cannot be read: it needs more memory than an import may use.") % {
        "file": name
    }


@dataclass
class Probe:
    """What reading a workbook in a child process found: its header, sheet and size."""

    columns: list[str]
    sheet: str | None
    estimate: int


def probe_workbook(path: str | Path, sheet: str | None = None, header_row: int = 1) -> Probe:
    """Read the workbook in a fresh child process under a memory limit; ReadError if it fails.

    A fresh interpreter rather than a fork: this runs in the threaded web server, where a fork
    could copy a lock another thread holds. The child reads what read_table reads here (the
    whole sheet when calamine loads it), so the same reading in this process afterwards fits.
    """
    from django.utils import translation

    from genebank.exchange.readers import ReadError

    path = Path(path)
    command = [
        sys.executable,
        "-m",
        "genebank.exchange.safe_files",
        str(path),
        sheet or "",
        str(header_row),
        translation.get_language() or "",
    ]
    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "genebank.settings")
    # The child imports this package wherever this process found it.
    env["PYTHONPATH"] = os.pathsep.join(p for p in (*sys.path, env.get("PYTHONPATH", "")) if p)
    done = subprocess.run(command, capture_output=True, env=env, check=False)
    try:
        answer = json.loads(done.stdout.decode("utf-8").strip().splitlines()[-1])
    except (IndexError, ValueError):
        raise ReadError(stopped_message(path.name, done.returncode)) from None
    if "error" in answer:
        raise ReadError(answer["error"])
    return Probe(answer["columns"], answer["sheet"], answer["estimate"])


def _probe_main(argv: list[str]) -> int:
    """The child of probe_workbook: prints one JSON line, {columns, sheet, estimate} or {error}."""
    path, sheet, header_row, language = argv
    if can_limit_memory():
        limit_memory()
    import django

    django.setup()
    from django.utils import translation

    from genebank.exchange.readers import ReadError, read_table

    if language:
        translation.activate(language)
    try:
        table = read_table(path, sheet=sheet or None, header_row=int(header_row))
        if not table.streamed:
            # calamine has loaded the sheet already; its rows are what remains to try.
            for _row in table.rows:
                pass
        answer = {"columns": table.columns, "sheet": table.sheet, "estimate": table.estimate}
    except ReadError as exc:
        answer = {"error": str(exc)}
    except MemoryError:
        answer = {"error": memory_message(Path(path).name)}
    except BaseException:  # noqa: BLE001 - a parser's panic (pyo3's PanicException) or a bug
        answer = {"error": stopped_message(Path(path).name, None)}
    print(json.dumps(answer))
    return 0


if __name__ == "__main__":
    sys.exit(_probe_main(sys.argv[1:]))
