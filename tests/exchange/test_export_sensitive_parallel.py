"""A CSV export written by two processes withholds sensitive sites in both halves alike."""

import csv

import pytest

from genebank.accessions.models import Accession
from genebank.exchange.mcpd_export import export_mcpd
from genebank.exchange.mcpd_import import import_mcpd
from tests.exchange.conftest import fork_always, mcpd_row

# Outside a transaction: each process opens its own connection (as test_export_parallel).
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def sensitive_everywhere(genebank, other_genebank, mcpd_file):
    rows = [mcpd_row(ACCENUMB=f"JO-{i:06d}", ELEVATION="850") for i in range(6)]
    rows += [mcpd_row(INSTCODE=other_genebank.code, ACCENUMB=f"SY-{i:04d}") for i in range(4)]
    assert import_mcpd(mcpd_file(rows)).created == 10
    # Every other accession sensitive: some in each half, at each institute.
    for i, pk in enumerate(Accession.objects.order_by("pk").values_list("pk", flat=True)):
        if i % 2:
            Accession.objects.filter(pk=pk).update(sensitive_location=True)


def exported(path) -> dict[str, dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return {row["ACCENUMB"]: row for row in csv.DictReader(fh)}


@pytest.mark.parametrize("who", ["public", "viewer", "curator", "operator"])
def test_both_halves_follow_the_rule(
    sensitive_everywhere, tmp_path, monkeypatch, viewer, curator, who
):
    forked = fork_always(monkeypatch, 2, PARALLEL_EXPORT_ROWS=0)
    path = tmp_path / "out.csv"
    options = {
        "public": {"public_only": True},
        "viewer": {"user": viewer},
        "curator": {"user": curator},  # curator at JOR015 only
        "operator": {},
    }[who]
    assert export_mcpd(path, **options).rows == 10
    assert forked  # written by two processes
    sensitive = set(
        Accession.objects.filter(sensitive_location=True).values_list("number", flat=True)
    )
    assert len(sensitive) == 5
    for number, row in exported(path).items():
        exact = number not in sensitive or who == "operator"
        if who == "curator":
            exact = exact or number.startswith("JO-")
        if exact:
            assert (row["COLLSITE"], row["DECLATITUDE"]) == ("5 km north of Irbid", "32.6")
        else:
            assert row["COLLSITE"] == "withheld: sensitive location", (who, number)
            assert row["DECLATITUDE"] == row["LATITUDE"] == row["ELEVATION"] == "", (who, number)
