"""Exporting MCPD: 41 columns in order, values as stored, public output withholds what it must."""

import csv

import pytest
from python_calamine import CalamineWorkbook

from genebank.accessions.models import Accession
from genebank.exchange.mcpd import FIELDS
from genebank.exchange.mcpd_export import export_mcpd
from genebank.exchange.mcpd_import import import_mcpd
from tests.exchange.conftest import mcpd_row
from tests.factories import AccessionFactory, AccessionNameFactory, CollectingEventFactory

pytestmark = pytest.mark.django_db


def read_csv(path, delimiter=","):
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh, delimiter=delimiter))


def test_export_of_records_made_without_an_import(genebank):
    accession = AccessionFactory(institute=genebank)
    AccessionNameFactory(accession=accession, name="Hourani", position=0)
    AccessionNameFactory(accession=accession, name="Haurani", position=1)
    CollectingEventFactory(accession=accession, latitude="32.600000", longitude="35.850000")
    rows = []
    from genebank.exchange.mcpd_export import iter_mcpd_rows

    rows = list(iter_mcpd_rows(Accession.objects.all()))
    assert len(rows) == 1
    row = dict(zip(FIELDS, rows[0], strict=True))
    assert row["INSTCODE"] == "JOR015" and row["ACCENUMB"] == accession.number
    assert row["ACCENAME"] == "Hourani;Haurani"
    assert row["ACQDATE"] == "19950600" or row["ACQDATE"] == accession.acquisition_date
    assert (row["DECLATITUDE"], row["DECLONGITUDE"]) == ("32.6", "35.85")
    assert row["SAMPSTAT"] == "300" and row["ORIGCTY"] == "JOR"


@pytest.mark.parametrize("fmt", ["csv", "tsv", "xlsx"])
def test_formats_round_trip(genebank, mcpd_file, tmp_path, fmt):
    import_mcpd(mcpd_file([mcpd_row(ACCENUMB=f"JO-{i:06d}") for i in range(1, 4)]))
    first = tmp_path / f"first.{fmt}"
    assert export_mcpd(first).rows == 3
    if fmt == "xlsx":
        sheet = CalamineWorkbook.from_path(str(first)).get_sheet_by_index(0).to_python()
        assert sheet[0] == FIELDS
        assert all(isinstance(cell, str) for row in sheet for cell in row)
    else:
        rows = read_csv(first, "\t" if fmt == "tsv" else ",")
        assert rows[0] == FIELDS and len(rows) == 4
    Accession.objects.all().delete()
    result = import_mcpd(first)
    assert result.created == 3 and result.warnings == 0, result.problems
    second = tmp_path / f"second.{fmt}"
    export_mcpd(second)
    if fmt == "xlsx":
        read = [
            CalamineWorkbook.from_path(str(p)).get_sheet_by_index(0).to_python()
            for p in (first, second)
        ]
        assert read[0] == read[1]
    else:
        assert first.read_bytes() == second.read_bytes()


def test_public_only_leaves_out_private_accessions_and_sensitive_coordinates(
    genebank, mcpd_file, tmp_path
):
    import_mcpd(
        mcpd_file([mcpd_row(ACCENUMB="A1"), mcpd_row(ACCENUMB="A2"), mcpd_row(ACCENUMB="A3")])
    )
    Accession.objects.filter(number="A2").update(is_public=False)
    Accession.objects.filter(number="A3").update(sensitive_location=True)
    path = tmp_path / "public.csv"
    export_mcpd(path, public_only=True)
    rows = {row[2]: dict(zip(FIELDS, row, strict=True)) for row in read_csv(path)[1:]}
    assert set(rows) == {"A1", "A3"}
    assert rows["A1"]["DECLATITUDE"] == "32.6" and rows["A1"]["LATITUDE"] == "323600N"
    for name in ("DECLATITUDE", "LATITUDE", "DECLONGITUDE", "LONGITUDE", "ELEVATION"):
        assert rows["A3"][name] == ""
    # The site's description locates it as well as its coordinates.
    assert rows["A3"]["COLLSITE"] == "withheld: sensitive location"
    everything = tmp_path / "all.csv"
    export_mcpd(everything)
    assert len(read_csv(everything)) == 4


def test_export_of_one_institute(genebank, other_genebank, mcpd_file, tmp_path):
    import_mcpd(mcpd_file([mcpd_row(ACCENUMB="A1"), mcpd_row(ACCENUMB="B1", INSTCODE="SYR002")]))
    path = tmp_path / "syr.csv"
    assert export_mcpd(path, institute="syr002").rows == 1
    assert read_csv(path)[1][1] == "SYR002"


def test_round_trip_keeps_the_order_whatever_the_number_pattern(db, tmp_path, mcpd_file):
    from genebank.core.models import Institute

    Institute.objects.create(code="JOR015", name="NARC", accession_prefix="JO-", is_holding=True)
    rows = [mcpd_row(ACCENUMB=number) for number in ("JO-9", "JO-10", "JO-100", "X-1")]
    import_mcpd(mcpd_file(rows))
    first = tmp_path / "first.csv"
    export_mcpd(first)
    Accession.objects.all().delete()
    Institute.objects.filter(code="JOR015").update(accession_prefix="")  # another database
    import_mcpd(first)
    second = tmp_path / "second.csv"
    export_mcpd(second)
    assert [row[2] for row in read_csv(first)[1:]] == ["JO-9", "JO-10", "JO-100", "X-1"]
    assert first.read_bytes() == second.read_bytes()


def test_storage_comes_from_seed_lots_and_a_second_import_still_changes_nothing(
    genebank, curator, mcpd_file, tmp_path
):
    from genebank.inventory.services import receive

    path = mcpd_file([mcpd_row(STORAGE="12;20")])
    import_mcpd(path)
    accession = Accession.objects.get()
    receive(accession, 500, "g", "base", curator)
    exported = tmp_path / "out.csv"
    export_mcpd(exported)
    row = dict(zip(FIELDS, read_csv(exported)[1], strict=True))
    assert row["STORAGE"] == "13"
    again = import_mcpd(path)
    assert (again.unchanged, again.exit_status) == (1, 0)
    assert Accession.objects.get().storage_codes == "12;20"
