"""Acceptance: the real passport files in ../shared/samples import (skipped when they are absent)."""

from pathlib import Path

import pytest

from genebank.accessions.models import Accession
from genebank.exchange.mcpd_export import export_mcpd
from genebank.exchange.mcpd_import import import_mcpd
from genebank.exchange.readers import load_mapping

SAMPLES = Path(__file__).resolve().parents[2] / ".." / "shared" / "samples"
MAPPINGS = Path(__file__).resolve().parents[2] / "src" / "genebank" / "exchange" / "mappings"

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not SAMPLES.is_dir(), reason="../shared/samples is not here"),
]


def errors(result):
    return [p for p in result.problems if p.severity == "error"]


def test_germinate_workbook_imports_every_accession_and_exports_back(tmp_path):
    path = SAMPLES / "germinate" / "example-germplasm-mcpd.xlsx"
    result = import_mcpd(path, sheet="DATA")
    assert not errors(result)
    assert (result.created, result.left_out, result.exit_status) == (2000, 10, 0)
    assert Accession.objects.count() == 2000
    accession = Accession.objects.get(number="CACTUAR-2001")
    assert accession.taxon.subtaxa == "subsp. spontaneum"
    assert accession.collecting_event.latitude_dms == "261100N"
    assert accession.collecting_event.elevation == 44

    first = tmp_path / "first.csv"
    export_mcpd(first)
    Accession.objects.all().delete()
    again = import_mcpd(first)
    assert again.created == 2000 and not errors(again)
    second = tmp_path / "second.csv"
    export_mcpd(second)
    assert first.read_bytes() == second.read_bytes()


def test_nbpgr_groundnut_through_its_mapping():
    mapping = load_mapping(MAPPINGS / "nbpgr_groundnut.yaml")
    result = import_mcpd(SAMPLES / "nbpgr_groundnut" / "GN1000.csv", mapping=mapping)
    assert not errors(result)
    assert (result.created, result.exit_status) == (1000, 0)
    accession = Accession.objects.get(number="EC100280")
    assert accession.institute.code == "IND001"
    assert accession.sample_status == 300 and accession.origin_country_id == "USA"
    assert accession.acquisition_date == "2004----"


def test_grin_arachis_through_its_mapping():
    mapping = load_mapping(MAPPINGS / "grin_arachis.yaml")
    result = import_mcpd(
        SAMPLES / "grin_arachis" / "Arachis_germplasm.xls", mapping=mapping, skip_invalid=True
    )
    # Rows whose origin is no ISO country (the USSR's SUN, numbers) are rejected, and say so.
    assert {p.field for p in errors(result)} == {"ORIGCTY"}
    assert result.rejected == len({p.row for p in errors(result)}) < 50
    assert result.created == result.rows - result.rejected > 12_000
    assert result.left_out == 9  # IDs commented out with '#'
    accession = Accession.objects.get(number="Grif 101")
    assert accession.names == ["Grif 101", "E85-2"]
    assert accession.taxon.species == "hybr."
