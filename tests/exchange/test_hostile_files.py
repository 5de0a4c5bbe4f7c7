"""Workbooks made to exhaust memory or crash a parser: refused with a message, never a dead process.

Items 1 and 2 of the review: a 1.6 KB workbook with a cell at XFD1048576 made calamine ask for
512 GiB and abort the server; a 2.2 MB one whose shared strings unpack to 1 GB took 2.3 GB.
"""

import os
import signal
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from genebank.exchange import mcpd_checking as services
from genebank.exchange import safe_files
from genebank.exchange.mcpd_import import import_mcpd
from genebank.exchange.models import ImportSession
from genebank.exchange.readers import ReadError, read_table
from tests.exchange import hostile
from tests.exchange.conftest import fork_always, mcpd_row, write_csv
from tests.test_settings import subprocess_env

GENEBANK = Path(sys.executable).with_name("genebank")
MAX_RSS_MB = 600

# Runs a command and prints the peak memory of it and its children (kB on Linux) and its status.
MEASURE = (
    "import resource, subprocess, sys; "
    "done = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
    "print(done.stdout, done.stderr, file=sys.stderr); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, done.returncode)"
)


@pytest.fixture(scope="module")
def bomb(tmp_path_factory) -> Path:
    return hostile.shared_strings_bomb(tmp_path_factory.mktemp("bomb") / "strings.xlsx")


def measured_import(path: Path, data_dir: Path) -> tuple[int, int, str]:
    """(peak RSS in MB, exit status, output) of `genebank import mcpd PATH` in a fresh process."""
    env = subprocess_env(data_dir)
    env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, str(GENEBANK), "import", "mcpd", str(path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    peak_kb, status = map(int, done.stdout.split())
    return peak_kb // 1024, status, done.stderr


def test_the_files_are_small_on_disk(tmp_path, bomb):
    far = hostile.far_cell_workbook(tmp_path / "far.xlsx")
    assert far.stat().st_size < 2000
    assert bomb.stat().st_size < 8 * 2**20
    with zipfile.ZipFile(bomb) as archive:
        assert archive.getinfo("xl/sharedStrings.xml").file_size > 2**30 - 2**20


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("XFD1048576", "cell at XFD1048576"),
        ("bomb", "xl/sharedStrings.xml unpacks to"),
    ],
)
def test_the_command_refuses_them_within_bounded_memory(tmp_path, bomb, name, message):
    path = bomb if name == "bomb" else hostile.far_cell_workbook(tmp_path / "far.xlsx", name)
    peak, status, output = measured_import(path, tmp_path / "data")
    # Exit status 2 (the file cannot be read), not a signal; the message says why.
    assert status == 2, output
    assert message in output and path.name in output
    assert peak < MAX_RSS_MB, output


def test_a_far_cell_with_few_rows_is_streamed_not_loaded(tmp_path):
    # AO1000001: 41 columns a million rows down; calamine's grid would take 1.5 GB.
    path = hostile.far_cell_workbook(tmp_path / "far-rows.xlsx", "AO1000001")
    peak, status, output = measured_import(path, tmp_path / "data")
    assert status == 1, output  # read: its one row far down has no ACCENUMB (rejected)
    assert "row 1000001" in output
    assert peak < MAX_RSS_MB, output
    table = read_table(path)
    assert table.streamed and table.columns == hostile.HEADER


def test_the_checks_come_before_any_parser(tmp_path, bomb):
    with pytest.raises(ReadError, match="XFD1048576"):
        read_table(hostile.far_cell_workbook(tmp_path / "far.xlsx"))
    with pytest.raises(ReadError, match="sharedStrings"):
        read_table(bomb)


def test_a_workbook_of_200000_rows_passes_the_checks(tmp_path):
    # As bench/import_mcpd.py's file would be in a workbook: the sheet XML of 200,000 rows of 41
    # short cells, 11 times its packed size, well inside MAX_RATIO and MAX_MEMBER_BYTES.
    row = "".join(hostile.inline(f"{c}{{n}}", "JO-000001") for c in ("A", "B", "C"))
    with zipfile.ZipFile(tmp_path / "real.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("xl/worksheets/sheet1.xml", "w") as xml:
            for n in range(1, 200_001):
                xml.write(f'<row r="{n}">{row.format(n=n)}</row>'.encode())
    safe_files.check_zip(tmp_path / "real.zip")
    with zipfile.ZipFile(tmp_path / "real.zip") as archive:
        extent = safe_files.sheet_extent(archive, "xl/worksheets/sheet1.xml")
    assert (extent.columns, extent.last_row, extent.rows, extent.regular) == (
        3,
        200_000,
        200_000,
        True,
    )
    assert not extent.sparse and extent.dense_cells < safe_files.MAX_DENSE_CELLS


@settings(max_examples=60, deadline=None)
@given(
    cells=st.lists(st.tuples(st.integers(1, 16384), st.integers(1, 2000)), min_size=1, max_size=30),
    chunk=st.integers(5, 200),
)
def test_the_extent_is_that_of_the_cells_wherever_the_chunks_cut(cells, chunk, tmp_path_factory):
    rows: dict[int, list[str]] = {}
    for column, row in cells:
        rows.setdefault(row, []).append(
            hostile.inline(f"{safe_files.column_letters(column)}{row}", "v")
        )
    path = tmp_path_factory.mktemp("extent") / "s.xlsx"
    # The dimension lies (A1:A1): the scan must not trust it.
    hostile.write_workbook(path, hostile.sheet_xml(rows, dimension="A1:A1"))
    original = safe_files.SCAN_CHUNK
    safe_files.SCAN_CHUNK = chunk
    try:
        with zipfile.ZipFile(path) as archive:
            extent = safe_files.sheet_extent(archive, "xl/worksheets/sheet1.xml")
    finally:
        safe_files.SCAN_CHUNK = original
    widest = max(column for column, _row in cells)
    assert extent.columns == widest
    assert extent.last_row == max(row for _column, row in cells)
    assert extent.rows == len(rows) and extent.regular
    assert extent.widest_cell.startswith(safe_files.column_letters(widest))


def test_cells_without_references_are_streamed(tmp_path):
    # Allowed by the standard, and a count of them cannot be trusted: openpyxl streams the sheet.
    rows = {1: hostile.header_cells(), 2: ['<c t="inlineStr"><is><t>JOR015</t></is></c>'] * 3}
    path = hostile.write_workbook(tmp_path / "norefs.xlsx", hostile.sheet_xml(rows))
    table = read_table(path)
    assert table.streamed and table.columns == hostile.HEADER


def test_a_crash_of_the_reading_child_is_a_read_error(genebank, tmp_path, monkeypatch):
    """What calamine did with XFD1048576 (abort, signal 6) happens in the child, not here."""
    fork_always(monkeypatch, 3)
    path = hostile.write_workbook(
        tmp_path / "fine.xlsx",
        hostile.sheet_xml({1: hostile.header_cells(), 2: [hostile.inline("B2", "A1")]}),
    )

    def crash(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGABRT)

    monkeypatch.setattr(services, "read_table", crash)
    with pytest.raises(ReadError, match=f"signal {int(signal.SIGABRT)}"):
        import_mcpd(path, dry_run=True)


def test_the_child_has_a_memory_limit():
    def greedy():
        yield bytearray(safe_files.READ_MEMORY_BYTES + 2**30)

    with pytest.raises(ReadError, match="more memory"):
        list(services._from_child(greedy))


@pytest.mark.django_db
def test_the_web_upload_answers_with_the_error(client_for, curator, genebank, tmp_path, bomb):
    from django.test import override_settings

    client = client_for(curator)
    with override_settings(MEDIA_ROOT=tmp_path / "media"):
        for path, message in (
            (hostile.far_cell_workbook(tmp_path / "far.xlsx"), "XFD1048576"),
            (bomb, "sharedStrings.xml"),
        ):
            with open(path, "rb") as fh:
                response = client.post(
                    reverse("exchange:import_start"),
                    {"file": SimpleUploadedFile(path.name, fh.read()), "institute": genebank.pk},
                )
            assert response.status_code == 200
            assert message in response.content.decode()
    assert not ImportSession.objects.exists()


def test_the_probe_reads_in_a_child_and_says_what_it_found(tmp_path):
    path = hostile.write_workbook(
        tmp_path / "fine.xlsx",
        hostile.sheet_xml({1: hostile.header_cells(), 2: [hostile.inline("B2", "A1")]}),
    )
    found = safe_files.probe_workbook(path)
    assert (found.columns, found.sheet) == (hostile.HEADER, "MCPD")
    with pytest.raises(ReadError, match="XFD1048576"):
        safe_files.probe_workbook(hostile.far_cell_workbook(tmp_path / "far.xlsx"))


def test_a_probe_that_dies_is_a_read_error(tmp_path, monkeypatch):
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"PK\x03\x04")
    # A child that is killed answers nothing: the message says the reading process stopped.
    real_run = subprocess.run

    def killed(command, **kwargs):
        return real_run([sys.executable, "-c", "import os; os.abort()"], **kwargs)

    monkeypatch.setattr(safe_files.subprocess, "run", killed)
    with pytest.raises(ReadError, match="stopped the reading process"):
        safe_files.probe_workbook(path)


@pytest.mark.django_db
def test_uploads_above_the_limit_are_refused(client_for, curator, genebank, tmp_path):
    from django.test import override_settings

    client = client_for(curator)
    path = write_csv(tmp_path / "big.csv", [mcpd_row(ACCENUMB=f"A{i}") for i in range(6000)])
    assert path.stat().st_size > 2**20
    with override_settings(MEDIA_ROOT=tmp_path / "media", MAX_UPLOAD_BYTES=2**20):
        # Dropped while it arrives (uploads.SizeLimitUploadHandler): the form says why.
        response = client.post(
            reverse("exchange:import_start"),
            {"file": SimpleUploadedFile(path.name, path.read_bytes()), "institute": genebank.pk},
        )
        html = response.content.decode()
        assert response.status_code == 200 and "larger than 1.0\xa0MB" in html and "big.csv" in html
        # The form checks the size too (an upload that reached it another way).
        from genebank.exchange.forms import UploadForm

        form = UploadForm(
            {"institute": genebank.pk},
            {"file": SimpleUploadedFile("big.csv", path.read_bytes())},
            user=curator,
        )
        assert not form.is_valid() and "larger than 1.0\xa0MB" in str(form.errors)
    assert not ImportSession.objects.exists()


def test_reading_a_csv_never_takes_the_whole_file(tmp_path):
    # One 5 MB line without a line break: the header is bounded, the value too.
    path = tmp_path / "one-line.csv"
    path.write_text("ACCENUMB," + "x" * 5_000_000, encoding="utf-8")
    with pytest.raises(ReadError, match="header row is longer"):
        read_table(path)
    path.write_text('ACCENUMB,REMARKS\nA1,"' + "x" * 5_000_000 + "\n", encoding="utf-8")
    with pytest.raises(ReadError, match="line 2"):
        list(read_table(path).rows)


def test_a_sheet_whose_data_do_not_match_its_archive_is_damaged(tmp_path):
    # What the checks read must be what a parser reads: a bad CRC is refused, not passed on.
    sheet = hostile.sheet_xml({1: hostile.header_cells(), 2: [hostile.inline("B2", "JOR015")]})
    path = tmp_path / "crc.xlsx"
    hostile.write_workbook(path, sheet)
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(tmp_path / "stored.xlsx", "w") as copy:
        for info in source.infolist():
            copy.writestr(info.filename, source.read(info), zipfile.ZIP_STORED)
    data = (tmp_path / "stored.xlsx").read_bytes().replace(b"JOR015", b"JOR016")
    path.write_bytes(data)
    with pytest.raises(ReadError, match="damaged"):
        read_table(path)
