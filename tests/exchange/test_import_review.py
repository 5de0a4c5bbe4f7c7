"""Review items 7-10 on the import side: formula-like values, interrupted sessions, checking
without the write lock, long values and unclosed quotes."""

import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from genebank.accessions.models import Accession, CollectingEvent
from genebank.core.models import Job
from genebank.exchange import import_sessions as services
from genebank.exchange.mcpd import (
    ERROR,
    MAX_LENGTH,
    TEXT_MAX_LENGTH,
    WARNING,
    RowReader,
    iter_raw_rows,
)
from genebank.exchange.mcpd_import import ErrorsCsv, import_mcpd
from genebank.exchange.models import ImportProblem, ImportSession
from genebank.exchange.readers import ReadError, read_table
from tests.exchange.conftest import mcpd_row, write_csv, write_xlsx


def problems_of(result, severity=None):
    return [
        (p.row, p.field, p.message)
        for p in result.problems
        if severity is None or p.severity == severity
    ]


# --- 7: values a spreadsheet program would take for formulas -----------------------------------


@pytest.mark.django_db
def test_formula_like_texts_are_kept_with_a_warning(genebank, tmp_path):
    row = mcpd_row(
        COLLSITE='=HYPERLINK("http://example.org","x")',
        ACCENAME="+Hourani",
        DONORNAME="@SUM(A1)",
        ANCEST="-cross",
        # Negative numbers are numbers: no warning.
        DECLATITUDE="-12.5",
        LATITUDE="123000S",
        DECLONGITUDE="-45.5",
        LONGITUDE="0453000W",
        ORIGCTY="BRA",
        ELEVATION="-20",
    )
    result = import_mcpd(write_csv(tmp_path / "f.csv", [row]), skip_invalid=True)
    formula = {p.field for p in result.problems if "formula" in p.message}
    assert formula == {"COLLSITE", "ACCENAME", "DONORNAME", "ANCEST"}
    assert all(p.severity == WARNING for p in result.problems if "formula" in p.message)
    assert result.written and result.created == 1
    # The bytes are kept: the exchange file is what it was.
    event = CollectingEvent.objects.get()
    assert event.site == '=HYPERLINK("http://example.org","x")' and event.elevation == -20


# --- 8: a session whose process died ------------------------------------------------------------


@pytest.mark.django_db
def test_a_running_session_whose_job_is_gone_is_interrupted_and_can_be_discarded(
    client_for, curator, genebank, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    client = client_for(curator)
    path = write_csv(tmp_path / "p.csv", [mcpd_row()])
    client.post(
        reverse("exchange:import_start"),
        {"file": SimpleUploadedFile(path.name, path.read_bytes()), "institute": genebank.pk},
    )
    session = ImportSession.objects.get()
    # Running, with no job left to finish it (a job is queued again when its worker dies, and
    # fails for good only when that happened too often).
    ImportSession.objects.filter(pk=session.pk).update(status="running", task="commit", job=None)
    page = client.get(reverse("exchange:import_start")).content.decode()
    assert "Interrupted" in page and "Running" not in page
    session.refresh_from_db()
    assert session.status == "interrupted" and "server stopped" in session.task_error
    response = client.get(reverse("exchange:import_preview", args=[session.pk]))
    assert response["Location"] == reverse("exchange:import_columns", args=[session.pk])
    response = client.post(reverse("exchange:import_discard", args=[session.pk]))
    assert response["Location"] == reverse("exchange:import_start")
    session.refresh_from_db()
    assert session.status == "discarded" and not session.file


@pytest.mark.django_db
def test_a_session_whose_job_is_queued_or_running_is_left_alone(curator, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    job = Job.objects.create(kind="import", status="queued")
    session = ImportSession.objects.create(
        user=curator, original_name="p.csv", status="running", task="validate", job=job
    )
    for status in ("queued", "running"):
        Job.objects.filter(pk=job.pk).update(status=status)
        assert not services.mark_if_interrupted(session)
        with pytest.raises(ValueError):
            services.discard_import_session(session, curator)
        with pytest.raises(ValueError):
            services.run_session_task(session, "validate", curator)
    Job.objects.filter(pk=job.pk).update(status="done")
    services.discard_import_session(session, curator)
    assert session.status == "discarded"


# --- 9: checking holds no write transaction -----------------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_checking_runs_outside_any_transaction(genebank, tmp_path):
    rows = [mcpd_row(ACCENUMB=f"A{i}") for i in range(5)]
    rows[1]["SAMPSTAT"] = "7"  # rejected: nothing will be written
    path = write_csv(tmp_path / "f.csv", rows)
    seen = []

    def progress(stage, done):
        seen.append((stage, connection.in_atomic_block))

    import_mcpd(path, dry_run=True, on_progress=progress)
    assert seen and all(not atomic for _stage, atomic in seen)
    # An import that cannot write leaves its transaction before checking the rest.
    seen.clear()
    result = import_mcpd(path, on_progress=progress)
    assert not result.written and seen and not any(atomic for _stage, atomic in seen)
    # One that writes holds it while writing, and only then.
    seen.clear()
    result = import_mcpd(write_csv(tmp_path / "g.csv", rows[2:]), on_progress=progress)
    assert result.written and ("written", True) in seen


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_another_connection_can_write_while_a_file_is_validated(
    genebank, curator, tmp_path, settings
):
    from genebank.core.models import Institute

    settings.MEDIA_ROOT = tmp_path / "media"
    path = write_csv(tmp_path / "f.csv", [mcpd_row(ACCENUMB=f"A{i}") for i in range(3)])
    session = services.start_import_session(
        curator, SimpleUploadedFile(path.name, path.read_bytes()), institute=genebank
    )
    errors = []

    def write_elsewhere(stage, done):
        # Another user's write, on its own connection, while the check is under way.
        def other():
            try:
                Institute.objects.create(code=f"KEN{done:03d}", name="x")
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(exc)
            finally:
                connection.close()

        thread = threading.Thread(target=other)
        thread.start()
        thread.join(timeout=30)

    services.validate_import_session(session, on_progress=write_elsewhere)
    assert not errors and Institute.objects.filter(code__startswith="KEN").exists()


# --- 10: long values, unclosed quotes, stored problem values --------------------------------------


def test_lengths_come_from_the_models():
    assert MAX_LENGTH["ACCENUMB"] == Accession._meta.get_field("number").max_length
    assert MAX_LENGTH["COLLSITE"] == CollectingEvent._meta.get_field("site").max_length
    assert MAX_LENGTH["REMARKS"] == TEXT_MAX_LENGTH


@pytest.mark.django_db
def test_a_value_longer_than_its_column_is_an_error_and_its_report_is_short(
    genebank, tmp_path, settings
):
    rows = [
        mcpd_row(ACCENUMB="A1", REMARKS="COLLSRC:" + "x" * 50_000),
        mcpd_row(ACCENUMB="A2", COLLSITE="y" * (MAX_LENGTH["COLLSITE"] + 1)),
        mcpd_row(ACCENUMB="A3"),
    ]
    path = write_csv(tmp_path / "f.csv", rows)
    report = tmp_path / "problems.csv"
    errors_csv = ErrorsCsv(report)
    result = import_mcpd(path, on_problem=errors_csv)
    errors_csv.close()
    assert not result.written and result.rejected == 2
    assert {(row, field) for row, field, _m in problems_of(result, ERROR)} == {
        (2, "REMARKS"),
        (3, "COLLSITE"),
    }
    assert Accession.objects.count() == 0
    long = next(p for p in result.problems if p.field == "REMARKS")
    assert len(long.value) < 250 and "(50008 characters)" in long.value
    assert report.stat().st_size < 2000
    # With skip_invalid the valid row alone is written.
    result = import_mcpd(path, skip_invalid=True)
    assert list(Accession.objects.values_list("number", flat=True)) == ["A3"]


@pytest.mark.django_db
def test_a_session_stores_short_problem_values(curator, genebank, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    path = write_csv(tmp_path / "f.csv", [mcpd_row(REMARKS="x" * 100_000)])
    session = services.start_import_session(
        curator, SimpleUploadedFile(path.name, path.read_bytes()), institute=genebank
    )
    services.validate_import_session(session)
    values = list(ImportProblem.objects.values_list("value", flat=True))
    assert values and max(map(len, values)) < 250


@pytest.mark.django_db
def test_an_unclosed_quote_is_an_error_naming_the_line_it_opened_on(genebank, tmp_path):
    path = tmp_path / "quote.csv"
    lines = [
        "INSTCODE,ACCENUMB,GENUS,COLLSITE",
        "JOR015,A1,Lens,Irbid",
        'JOR015,A2,Lens,"Irbid north',  # the quote opens on line 3 and never closes
        "JOR015,A3,Lens,Mafraq",
        "JOR015,A4,Lens,Jerash",
    ]
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    result = import_mcpd(path, dry_run=True)
    assert result.rejected == 1
    (problem,) = [p for p in result.problems if p.severity == ERROR]
    assert problem.field == "COLLSITE" and problem.row == 3
    assert "line 3" in problem.message
    # A huge one is a read error, not a value in memory.
    path.write_text(lines[0] + '\r\nJOR015,A1,Lens,"' + "x" * 2_000_000, encoding="utf-8")
    with pytest.raises(ReadError, match="line 2"):
        import_mcpd(path, dry_run=True)


@pytest.mark.django_db
def test_remarks_may_break_lines_in_a_workbook_cell_only(genebank, tmp_path):
    header = ["INSTCODE", "ACCENUMB", "GENUS", "REMARKS", "COLLSITE"]
    path = write_xlsx(
        tmp_path / "f.xlsx",
        [
            header,
            ["JOR015", "A1", "Lens", "COLLSRC:farm\nstore", "Irbid"],
            ["JOR015", "A2", "Lens", "", "Irbid\nnorth"],
        ],
    )
    result = import_mcpd(path, dry_run=True)
    assert [(p.row, p.field) for p in result.problems if p.severity == ERROR] == [(3, "COLLSITE")]


ONE_LINE_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=30,
)


@settings(max_examples=80, deadline=None)
@given(sites=st.lists(ONE_LINE_TEXT, min_size=1, max_size=6))
def test_a_csv_reads_back_its_values_and_flags_only_line_breaks(sites, tmp_path_factory):
    """Whatever a CSV writer quotes, the reader gives it back; a line break alone is an error."""
    path = tmp_path_factory.mktemp("csv") / "f.csv"
    rows = [{"ACCENUMB": f"A{i}", "COLLSITE": site} for i, site in enumerate(sites)]
    write_csv(path, rows, columns=["ACCENUMB", "COLLSITE"])
    table = read_table(path)
    read = list(iter_raw_rows(table))[1:]
    assert len(read) == len(rows)
    for row, (_number, raw, problems) in zip(rows, read, strict=True):
        breaks = "\n" in row["COLLSITE"] or "\r" in row["COLLSITE"]
        assert bool(problems) == breaks
        assert raw["COLLSITE"] == ("" if breaks else row["COLLSITE"])


@settings(max_examples=80, deadline=None)
@given(text=st.text(max_size=40))
def test_the_row_reader_never_keeps_a_value_longer_than_its_column(text):
    reader = RowReader(["JOR"])
    for name in ("COLLSITE", "REMARKS", "DONORNAME", "ACCENUMB"):
        value, _problems = reader.read_value(name, text * 400)
        assert len(value) <= MAX_LENGTH[name]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_upload_is_read_outside_any_transaction(
    genebank, curator, tmp_path, settings, monkeypatch
):
    settings.MEDIA_ROOT = tmp_path / "media"
    path = write_csv(tmp_path / "f.csv", [mcpd_row()])
    atomic = []
    original = services.read_table

    def spy(*args, **kwargs):
        atomic.append(connection.in_atomic_block)
        return original(*args, **kwargs)

    monkeypatch.setattr(services, "read_table", spy)
    session = services.start_import_session(
        curator, SimpleUploadedFile(path.name, path.read_bytes()), institute=genebank
    )
    assert atomic == [False] and session.pk and session.columns
