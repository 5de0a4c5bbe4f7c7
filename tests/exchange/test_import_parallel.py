"""Large imports check rows in a forked process: the same result, problems, atomicity, errors."""

import gc

import pytest
from django.conf import settings
from django.db import connection

from genebank.accessions.models import Accession
from genebank.exchange import mcpd_checking as services
from genebank.exchange.mcpd_import import ImportInterrupted, import_mcpd
from genebank.exchange.readers import ReadError
from tests.exchange.conftest import fork_always, mcpd_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def forked(monkeypatch):
    """Every import in the test checks its rows in a child process; counts how many did."""
    return fork_always(monkeypatch, 3, PARALLEL_ROWS=0)


def rows_with_problems():
    rows = [mcpd_row(ACCENUMB=f"A{i}") for i in range(8)]
    rows[2]["SAMPSTAT"] = "301"  # not a code
    rows[5]["ACCENUMB"] = "A1"  # the same accession twice
    rows[6]["COLLDATE"] = "1995  "  # stray blanks: a warning
    return rows


def outcome(result):
    return (
        result.rows,
        result.created,
        result.rejected,
        result.written,
        [(p.row, p.field, p.severity, p.message) for p in result.problems],
    )


def test_the_child_finds_what_checking_here_finds(genebank, other_genebank, mcpd_file, forked):
    path = mcpd_file(rows_with_problems())
    in_child = import_mcpd(path, dry_run=True)
    assert len(forked) == 1
    services.PARALLEL_ROWS = 10**9
    here = import_mcpd(path, dry_run=True)
    assert len(forked) == 1
    assert outcome(in_child) == outcome(here)
    assert in_child.rejected == 2 and in_child.warnings >= 1


def test_a_rejected_row_leaves_nothing_written(genebank, other_genebank, mcpd_file, forked):
    result = import_mcpd(mcpd_file(rows_with_problems()))
    assert forked and result.rejected == 2 and not result.written
    assert Accession.objects.count() == 0


def test_skip_invalid_writes_every_valid_row(genebank, other_genebank, mcpd_file, forked):
    result = import_mcpd(mcpd_file(rows_with_problems()), skip_invalid=True)
    assert forked and result.written and result.created == 6
    assert sorted(Accession.objects.values_list("number", flat=True)) == [
        f"A{i}" for i in (0, 1, 3, 4, 6, 7)
    ]
    assert all(a.pdci is not None for a in Accession.objects.all())


def test_an_exception_while_writing_stops_the_child(genebank, other_genebank, mcpd_file, forked):
    path = mcpd_file([mcpd_row(ACCENUMB=f"A{i}") for i in range(12)])

    def stop(done):
        raise ImportInterrupted

    with pytest.raises(ImportInterrupted):
        import_mcpd(path, on_batch=stop)
    assert forked and Accession.objects.count() == 0


def test_a_file_that_breaks_half_way_is_a_read_error(genebank, tmp_path, forked):
    # UTF-16 with a dangling odd byte at the end: readable until the last row.
    text = "INSTCODE,ACCENUMB,GENUS\n" + "".join(f"JOR015,A{i},Lens\n" for i in range(10))
    path = tmp_path / "broken.csv"
    path.write_bytes(text.encode("utf-16") + b"\x00")
    with pytest.raises(ReadError):
        import_mcpd(path)
    assert forked and Accession.objects.count() == 0


def test_no_fork_from_a_threaded_process(monkeypatch):
    import threading

    monkeypatch.setattr(threading, "active_count", lambda: 1)
    assert services._may_fork()
    monkeypatch.setattr(threading, "active_count", lambda: 3)  # a web server's threads
    assert not services._may_fork()


def _cache_size() -> int:
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        return cursor.fetchone()[0]


@pytest.mark.parametrize("reject", [False, True])
def test_the_write_cache_and_the_collector_are_given_back(
    genebank, other_genebank, mcpd_file, forked, reject
):
    """The import's larger page cache and frozen objects last only while it runs, whether it
    writes its rows or rolls them back."""
    if connection.vendor != "sqlite":
        pytest.skip("an SQLite pragma")
    before, frozen = _cache_size(), gc.get_freeze_count()
    while_writing = []
    rows = rows_with_problems() if reject else [mcpd_row(ACCENUMB=f"A{i}") for i in range(8)]
    result = import_mcpd(
        mcpd_file(rows),
        on_progress=lambda stage, n: (
            while_writing.append(_cache_size()) if stage == "written" else None
        ),
    )
    assert result.written is not reject
    if not reject:
        assert while_writing and all(
            size == -settings.IMPORT_CACHE_MB * 1024 for size in while_writing
        )
    assert _cache_size() == before != -settings.IMPORT_CACHE_MB * 1024
    assert gc.get_freeze_count() == frozen
