"""Importing MCPD files: what is stored, every problem reported, atomic, idempotent, --update."""

import csv

import pytest

from genebank.accessions.models import (
    Accession,
    AccessionIdentifier,
    AccessionName,
    Acquisition,
    CollectingEvent,
)
from genebank.core.models import Institute, Taxon
from genebank.exchange.mcpd_import import ErrorsCsv, ImportInterrupted, import_mcpd
from genebank.exchange.readers import load_mapping
from tests.exchange.conftest import mcpd_row, patch_everywhere, write_xlsx

pytestmark = pytest.mark.django_db


def test_a_row_is_stored_in_the_normalized_models(genebank, other_genebank, mcpd_file, curator):
    path = mcpd_file([mcpd_row()])
    result = import_mcpd(path, user=curator)
    assert (result.created, result.rejected, result.exit_status) == (1, 0, 0)
    accession = Accession.objects.get(institute=genebank, number="JO-000001")
    assert accession.sequence == 1
    assert accession.taxon.name == "Triticum durum"
    assert accession.taxon.species_author == "Desf."
    assert accession.acquisition_date == "199506--"
    assert accession.origin_country_id == "JOR"
    assert accession.sample_status == 300
    assert accession.mls_status == 1
    assert accession.storage_codes == "12;13"
    assert accession.names == ["Hourani", "Haurani"]
    assert [str(i) for i in accession.other_numbers.all()] == ["SYR002:IG 1234", ":X-77"]
    event = accession.collecting_event
    assert (event.collector_number, event.site, event.date, event.source) == (
        "AB0001",
        "5 km north of Irbid",
        "19950512",
        26,
    )
    assert str(event.latitude) == "32.600000" and event.latitude_dms == "323600N"
    assert list(event.collecting_institutes.all()) == [genebank]
    acquisition = accession.acquisition
    assert acquisition.kind == Acquisition.Kind.DONATION
    assert acquisition.donor_institute == other_genebank
    assert acquisition.donor_number == "IG 1234"
    # Who, when and why for every record written.
    for record in (accession, accession.accession_names.first(), event, acquisition):
        history = record.history.get()
        assert history.history_user == curator
        assert history.history_change_reason == f"MCPD import {path.name}"


def test_no_collecting_event_or_acquisition_without_their_fields(genebank, mcpd_file):
    row = {"INSTCODE": "JOR015", "ACCENUMB": "A1", "GENUS": "Lens"}
    import_mcpd(mcpd_file([row]))
    accession = Accession.objects.get(number="A1")
    assert not CollectingEvent.objects.filter(accession=accession).exists()
    assert not Acquisition.objects.filter(accession=accession).exists()
    assert accession.taxon.genus == "Lens"


def test_unknown_institutes_are_created_with_a_warning(db, mcpd_file):
    result = import_mcpd(mcpd_file([mcpd_row(INSTCODE="LBN020", BREDCODE="SYR002;ITA406")]))
    assert result.exit_status == 0
    assert set(result.new_institutes) == {"LBN020", "JOR015", "SYR002", "ITA406"}
    institute = Institute.objects.get(code="LBN020")
    assert institute.is_holding and institute.country_id == "LBN"
    assert not Institute.objects.get(code="ITA406").is_holding
    warnings = [p for p in result.problems if "LBN020" in p.message]
    assert warnings and warnings[0].severity == "warning"
    accession = Accession.objects.get(number="JO-000001")
    assert [i.code for i in accession.breeding_institutes.all()] == ["SYR002", "ITA406"] or {
        i.code for i in accession.breeding_institutes.all()
    } == {"SYR002", "ITA406"}


def test_every_problem_is_reported_with_spreadsheet_rows(genebank, mcpd_file, tmp_path):
    rows = [
        mcpd_row(ACCENUMB="A1"),
        mcpd_row(ACCENUMB="A2", SAMPSTAT="301", ACQDATE="19840231"),
        mcpd_row(ACCENUMB="A3", GENUS=""),
        mcpd_row(ACCENUMB="A1"),
        mcpd_row(ACCENUMB="A5", ELEVATION="812.6"),
    ]
    report = tmp_path / "errors.csv"
    sink = ErrorsCsv(report)
    result = import_mcpd(mcpd_file(rows), on_problem=sink)
    sink.close()
    assert result.rejected == 3 and result.exit_status == 1
    assert not result.written and Accession.objects.count() == 0
    with open(report, encoding="utf-8") as fh:
        lines = list(csv.DictReader(fh))
    assert list(lines[0]) == ["row", "ACCENUMB", "field", "value", "severity", "message"]
    errors = {(line["row"], line["field"]) for line in lines if line["severity"] == "error"}
    assert errors == {("3", "SAMPSTAT"), ("3", "ACQDATE"), ("4", "GENUS"), ("5", "ACCENUMB")}
    warning = [line for line in lines if line["field"] == "ELEVATION"][0]
    assert (warning["row"], warning["ACCENUMB"], warning["value"], warning["severity"]) == (
        "6",
        "A5",
        "812.6",
        "warning",
    )


def test_dry_run_writes_nothing(db, mcpd_file):
    result = import_mcpd(mcpd_file([mcpd_row()]), dry_run=True)
    assert result.created == 1 and result.exit_status == 0 and not result.written
    assert Accession.objects.count() == 0 and Institute.objects.count() == 0


def test_skip_invalid_imports_the_valid_rows(genebank, mcpd_file):
    rows = [
        mcpd_row(ACCENUMB="A1"),
        mcpd_row(ACCENUMB="A2", ORIGCTY="XXX"),
        mcpd_row(ACCENUMB="A3"),
    ]
    result = import_mcpd(mcpd_file(rows), skip_invalid=True)
    assert (result.created, result.rejected, result.exit_status) == (2, 1, 1)
    assert sorted(Accession.objects.values_list("number", flat=True)) == ["A1", "A3"]


def test_importing_the_same_file_twice_changes_nothing(genebank, mcpd_file):
    path = mcpd_file([mcpd_row(ACCENUMB=f"A{i}") for i in range(5)])
    assert import_mcpd(path).created == 5
    counts = [m.objects.count() for m in (Accession, AccessionName, AccessionIdentifier)]
    history = Accession.history.count()
    again = import_mcpd(path)
    assert (again.created, again.updated, again.unchanged, again.exit_status) == (0, 0, 5, 0)
    assert [m.objects.count() for m in (Accession, AccessionName, AccessionIdentifier)] == counts
    assert Accession.history.count() == history


def test_different_data_for_an_existing_accession_is_an_error_without_update(genebank, mcpd_file):
    import_mcpd(mcpd_file([mcpd_row()]))
    changed = mcpd_file([mcpd_row(SAMPSTAT="500", ACCENAME="Hourani")])
    result = import_mcpd(changed)
    assert result.exit_status == 1
    assert {p.field for p in result.problems if p.severity == "error"} == {"ACCENAME", "SAMPSTAT"}
    assert Accession.objects.get().sample_status == 300


def test_update_applies_changes_with_the_import_as_reason(genebank, mcpd_file, curator):
    import_mcpd(mcpd_file([mcpd_row()]))
    changed = mcpd_file(
        [mcpd_row(SAMPSTAT="500", ACCENAME="Hourani", COLLSITE="Ajloun", DONORCODE="")],
        name="corrections.csv",
    )
    result = import_mcpd(changed, update=True, user=curator)
    assert (result.updated, result.exit_status) == (1, 0)
    accession = Accession.objects.get()
    assert accession.sample_status == 500
    assert accession.names == ["Hourani"]
    assert accession.collecting_event.site == "Ajloun"
    assert accession.acquisition.donor_institute is None
    latest = accession.history.first()
    assert latest.history_change_reason == "MCPD import corrections.csv"
    assert latest.history_user == curator
    assert import_mcpd(changed).unchanged == 1


def test_update_leaves_columns_the_file_does_not_have(genebank, mcpd_file):
    import_mcpd(mcpd_file([mcpd_row()]))
    columns = ["INSTCODE", "ACCENUMB", "GENUS", "REMARKS"]
    row = {
        "INSTCODE": "JOR015",
        "ACCENUMB": "JO-000001",
        "GENUS": "Triticum",
        "REMARKS": "ACCENAME:x",
    }
    result = import_mcpd(mcpd_file([row], columns=columns), update=True)
    assert result.updated == 1
    accession = Accession.objects.get()
    assert accession.remarks == "ACCENAME:x"
    assert accession.sample_status == 300 and accession.names == ["Hourani", "Haurani"]


def test_an_exception_mid_import_leaves_no_rows(genebank, mcpd_file, monkeypatch):
    patch_everywhere(monkeypatch, "BATCH", 3)
    path = mcpd_file([mcpd_row(ACCENUMB=f"A{i}", GENUS="Lens") for i in range(10)])

    def stop_after_first_batch(done):
        if done >= 3:
            raise ImportInterrupted

    with pytest.raises(ImportInterrupted):
        import_mcpd(path, on_batch=stop_after_first_batch)
    assert Accession.objects.count() == 0
    assert not Taxon.objects.filter(genus="Lens").exists()
    assert not Institute.objects.filter(code="SYR002").exists()
    assert Accession.history.count() == 0


def test_institute_option_fills_and_restricts_instcode(genebank, mcpd_file):
    rows = [mcpd_row(ACCENUMB="A1", INSTCODE=""), mcpd_row(ACCENUMB="A2", INSTCODE="SYR002")]
    result = import_mcpd(mcpd_file(rows), institute="JOR015", skip_invalid=True)
    assert result.created == 1 and result.rejected == 1
    assert Accession.objects.get().institute == genebank


def test_unknown_columns_are_warned_about_not_dropped_silently(genebank, tmp_path):
    path = tmp_path / "f.csv"
    path.write_text(" accenumb ,Instcode,Genus,Colour\nA1,JOR015,Lens,red\n", encoding="utf-8")
    result = import_mcpd(path)
    assert result.created == 1
    unknown = [p for p in result.problems if p.field == "Colour"]
    assert unknown and unknown[0].row == 1 and unknown[0].severity == "warning"


def test_xlsx_with_numbers_imports(genebank, tmp_path):
    path = write_xlsx(
        tmp_path / "f.xlsx",
        [
            ["INSTCODE", "ACCENUMB", "GENUS", "ACQDATE", "SAMPSTAT", "MLSSTAT", "ELEVATION"],
            ["JOR015", 1001, "Hordeum", 19851002, 300.0, 0, 812.0],
        ],
    )
    result = import_mcpd(path)
    assert result.exit_status == 0, result.problems
    accession = Accession.objects.get(number="1001")
    assert (accession.acquisition_date, accession.sample_status, accession.mls_status) == (
        "19851002",
        300,
        0,
    )


def test_germinate_plant_rows_are_left_out_with_a_warning(genebank, tmp_path):
    path = write_xlsx(
        tmp_path / "g.xlsx",
        [
            ["INSTCODE", "ACCENUMB", "GENUS", "Entity type", "Entity parent ACCENUMB"],
            ["JOR015", "A1", "Hordeum", "Accession", ""],
            ["", "A1-1", "", "Plant/Plot", "A1"],
        ],
    )
    result = import_mcpd(path)
    assert (result.created, result.left_out, result.exit_status) == (1, 1, 0)


def test_mapping_reads_a_non_mcpd_file(db, tmp_path):
    mapping = tmp_path / "map.yaml"
    mapping.write_text(
        """
columns:
  NationalID: ACCENUMB
  BotanicalName: TAXON
  OtherID1: OTHERNUMB
  OtherID2: OTHERNUMB
  BioStatus: SAMPSTAT
  SourceCountry: ORIGCTY
  TransferYear: ACQDATE
ignore: [CommonName]
constants:
  INSTCODE: IND001
values:
  SAMPSTAT:
    Landrace: 300
    Breeding Line: 410
  ORIGCTY:
    Unknown: ""
""",
        encoding="utf-8",
    )
    path = tmp_path / "gn.csv"
    path.write_text(
        "CommonName,BotanicalName,NationalID,OtherID1,OtherID2,BioStatus,SourceCountry,TransferYear\n"
        "Groundnut,Arachis hypogaea,EC100280,NCS,NC 5,landrace,United States of America,2004\n"
        "Groundnut,Arachis hypogaea,EC100281,,EC 100281;,Breeding Line,Unknown,2004\n",
        encoding="utf-8",
    )
    result = import_mcpd(path, mapping=load_mapping(mapping))
    assert result.exit_status == 0, [p for p in result.problems if p.severity == "error"]
    first = Accession.objects.get(number="EC100280")
    assert first.institute.code == "IND001"
    assert first.taxon.name == "Arachis hypogaea"
    assert first.sample_status == 300 and first.origin_country_id == "USA"
    assert first.acquisition_date == "2004----"
    assert [str(i) for i in first.other_numbers.all()] == [":NCS", ":NC 5"]
    second = Accession.objects.get(number="EC100281")
    assert second.sample_status == 410 and second.origin_country is None


def test_progress_is_reported_while_checking_and_writing(genebank, mcpd_file, monkeypatch):
    patch_everywhere(monkeypatch, "BATCH", 2)
    seen = []
    import_mcpd(
        mcpd_file([mcpd_row(ACCENUMB=f"A{i}") for i in range(5)]),
        on_progress=lambda stage, rows: seen.append((stage, rows)),
    )
    assert seen[0] == ("checked", 2)
    assert ("checked", 5) in seen
    assert seen[-1] == ("written", 5)


def test_update_of_the_genus_alone_keeps_the_species_and_finds_or_makes_the_taxon(
    genebank, mcpd_file
):
    import_mcpd(mcpd_file([mcpd_row()]))
    row = {"INSTCODE": "JOR015", "ACCENUMB": "JO-000001", "GENUS": "Aegilops"}
    result = import_mcpd(mcpd_file([row], columns=list(row)), update=True)
    assert (result.updated, result.exit_status) == (1, 0)
    taxon = Accession.objects.get().taxon
    assert (taxon.genus, taxon.species, taxon.species_author) == ("Aegilops", "durum", "Desf.")
    assert not Taxon.objects.filter(genus="Aegilops", species="").exists()


def test_update_that_empties_the_donor_keeps_what_mcpd_does_not_carry(genebank, mcpd_file):
    import_mcpd(mcpd_file([mcpd_row()]))
    Acquisition.objects.update(import_permit="IP-2024-17")
    result = import_mcpd(mcpd_file([mcpd_row(DONORCODE="", DONORNUMB="")]), update=True)
    assert result.updated == 1
    acquisition = Acquisition.objects.get()
    assert acquisition.import_permit == "IP-2024-17"
    assert acquisition.donor_institute is None and acquisition.donor_number == ""
    # Without such details the acquisition record goes.
    Acquisition.objects.update(import_permit="")
    import_mcpd(mcpd_file([mcpd_row(DONORCODE="SYR002")]), update=True)
    import_mcpd(mcpd_file([mcpd_row(DONORCODE="", DONORNUMB="")]), update=True)
    assert not Acquisition.objects.exists()


def test_history_of_an_import_holds_its_related_institutes(
    genebank, other_genebank, mcpd_file, curator
):
    from genebank.accessions.history import accession_history
    from genebank.accessions.services import PassportData, update_accession

    row = mcpd_row(ACCENUMB="A1", BREDCODE=other_genebank.code, COLLCODE="JOR015")
    assert import_mcpd(mcpd_file([row]), user=curator).created == 1
    accession = Accession.objects.get()
    created = {
        (entry.record, change.field): change.new
        for entry in accession_history(accession)
        for change in entry.changes
    }
    assert other_genebank.code in created[("Passport", "breeding institutes")]
    assert "JOR015" in created[("Collecting event", "collecting institutes")]

    # A later change shows what changed, not the institutes the import wrote.
    data = PassportData.from_accession(accession)
    data.remarks = "Seed checked"
    update_accession(accession, data, user=curator, reason="Checked")
    event = accession.collecting_event
    event.site = "Near the old well"
    event._history_user = curator
    event.save()
    changed = [entry for entry in accession_history(accession) if entry.action == "changed"]
    assert {c.field for e in changed for c in e.changes} == {"remarks", "collecting site"}
