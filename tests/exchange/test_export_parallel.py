"""A large CSV/TSV export is written by two processes: the same file as one process writes."""

import csv

import pytest

from genebank.accessions.models import Accession
from genebank.exchange import mcpd_export as services
from genebank.exchange.mcpd_export import export_mcpd
from genebank.exchange.mcpd_import import import_mcpd
from tests.exchange.conftest import fork_always, mcpd_row

# Outside a transaction: each process opens its own connection, which a test's transaction
# would not let the other see.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def two_institutes(genebank, other_genebank, mcpd_file):
    rows = [mcpd_row(ACCENUMB=f"JO-{i:06d}", ACCENAME=f"Name {i};Other {i}") for i in range(9)]
    rows += [
        mcpd_row(INSTCODE=other_genebank.code, ACCENUMB=f"SY-{i:04d}", OTHERNUMB=f"JOR015:X{i}")
        for i in range(5)
    ]
    result = import_mcpd(mcpd_file(rows))
    assert result.created == 14, result.problems
    return rows


@pytest.fixture
def forked(monkeypatch):
    return fork_always(monkeypatch, 2, PARALLEL_EXPORT_ROWS=0)


def read(path, delimiter=","):
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh, delimiter=delimiter))


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_two_processes_write_what_one_writes(two_institutes, tmp_path, forked, fmt):
    together = tmp_path / f"together.{fmt}"
    result = export_mcpd(together)
    assert forked == [services._write_part] and result.rows == 14
    services.PARALLEL_EXPORT_ROWS = 10**9
    alone = tmp_path / f"alone.{fmt}"
    assert export_mcpd(alone).rows == 14
    assert len(forked) == 1
    assert together.read_bytes() == alone.read_bytes()
    rows = read(together, "\t" if fmt == "tsv" else ",")
    assert len(rows) == 15 and rows[0][:3] == ["PUID", "INSTCODE", "ACCENUMB"]
    # By institute code, each in the order of the file; no row lost or repeated at the split.
    assert [r[2] for r in rows[1:]] == [f"JO-{i:06d}" for i in range(9)] + [
        f"SY-{i:04d}" for i in range(5)
    ]
    assert not list(tmp_path.glob(".genebank-export-*"))


@pytest.mark.parametrize("size", [1, 2, 3])
def test_every_split_point_keeps_every_row_once(genebank, mcpd_file, tmp_path, forked, size):
    import_mcpd(mcpd_file([mcpd_row(ACCENUMB=f"JO-{i:06d}") for i in range(size)]))
    first, second, total = services._export_halves(Accession.objects.all())
    assert total == size
    path = tmp_path / "out.csv"
    assert export_mcpd(path).rows == size
    assert [r[2] for r in read(path)[1:]] == [f"JO-{i:06d}" for i in range(size)]


def test_the_filters_apply_in_both_halves(two_institutes, tmp_path, forked):
    Accession.objects.filter(number__in=["JO-000007", "SY-0001"]).update(is_public=False)
    path = tmp_path / "public.csv"
    assert export_mcpd(path, public_only=True).rows == 12
    numbers = [r[2] for r in read(path)[1:]]
    assert "JO-000007" not in numbers and "SY-0001" not in numbers and len(numbers) == 12
    assert forked


def test_a_failing_child_fails_the_export(two_institutes, tmp_path, forked, monkeypatch):
    def broken(*args):
        raise OSError("disk full")
        yield 0

    monkeypatch.setattr(services, "_write_part", broken)
    with pytest.raises(OSError, match="disk full"):
        export_mcpd(tmp_path / "out.csv")
    assert not list(tmp_path.glob(".genebank-export-*"))
