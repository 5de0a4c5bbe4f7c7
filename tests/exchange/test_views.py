"""The web import flow: upload, columns mapped automatically and editable, every problem, commit."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from genebank.accessions.models import Accession
from genebank.core.models import Job
from genebank.exchange.models import ImportSession
from tests.exchange.conftest import mcpd_row, write_csv

pytestmark = pytest.mark.django_db


def upload(client, path, **data):
    with open(path, "rb") as fh:
        content = fh.read()
    return client.post(
        reverse("exchange:import_start"),
        {"file": SimpleUploadedFile(path.name, content), **data},
    )


def test_viewers_may_not_import(client_for, viewer):
    client = client_for(viewer)
    assert client.get(reverse("exchange:import_start")).status_code == 403


def test_upload_map_check_and_import_valid_rows(client_for, curator, genebank, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    client = client_for(curator)
    assert client.get(reverse("exchange:import_start")).status_code == 200
    rows = [
        {"Number": "JO-000001", "genus": "Triticum", "SAMPSTAT": "300", "Colour": "red"},
        {"Number": "JO-000002", "genus": "Lens", "SAMPSTAT": "301", "Colour": "red"},
        {"Number": "JO-000003", "genus": "Cicer", "SAMPSTAT": "", "Colour": ""},
    ]
    path = write_csv(
        tmp_path / "passport.csv", rows, columns=["Number", "genus", "SAMPSTAT", "Colour"]
    )
    response = upload(client, path, institute=genebank.pk)
    session = ImportSession.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("exchange:import_columns", args=[session.pk])
    # MCPD names are recognised whatever their case; the rest waits for the user.
    assert session.column_map == {
        "Number": "",
        "genus": "GENUS",
        "SAMPSTAT": "SAMPSTAT",
        "Colour": "",
    }
    page = client.get(reverse("exchange:import_columns", args=[session.pk]))
    assert 'name="column-0"' in page.content.decode()

    response = client.post(
        reverse("exchange:import_columns", args=[session.pk]),
        {"column-0": "ACCENUMB", "column-1": "GENUS", "column-2": "SAMPSTAT", "column-3": ""},
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.status, session.rows, session.rejected, session.errors) == (
        "validated",
        3,
        1,
        1,
    )
    assert Accession.objects.count() == 0
    preview = client.get(reverse("exchange:import_preview", args=[session.pk]))
    html = preview.content.decode()
    assert "Import the 2 valid rows" in html and "SAMPSTAT" in html and "301" in html
    errors_only = client.get(
        reverse("exchange:import_preview", args=[session.pk]), {"severity": "error"}
    )
    assert [(p.row, p.field) for p in errors_only.context["page"]] == [(3, "SAMPSTAT")]

    report = client.get(reverse("exchange:import_problems_csv", args=[session.pk]))
    lines = report.content.decode().splitlines()
    assert lines[0] == "row,ACCENUMB,field,value,severity,message"
    assert any(line.startswith("3,JO-000002,SAMPSTAT,301,error,") for line in lines)

    response = client.post(reverse("exchange:import_commit", args=[session.pk]), {"rows": "valid"})
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.written and session.created == 2
    assert sorted(Accession.objects.values_list("number", flat=True)) == ["JO-000001", "JO-000003"]
    assert {a.institute for a in Accession.objects.all()} == {genebank}
    history = Accession.objects.get(number="JO-000001").history.get()
    assert history.history_user == curator
    assert history.history_change_reason == "MCPD import passport.csv"
    # An imported session cannot be imported twice.
    client.post(reverse("exchange:import_commit", args=[session.pk]), {"rows": "all"})
    assert Accession.objects.count() == 2


def test_all_rows_or_nothing(client_for, curator, genebank, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    client = client_for(curator)
    path = write_csv(
        tmp_path / "p.csv", [mcpd_row(ACCENUMB="A1"), mcpd_row(ACCENUMB="A2", ORIGCTY="XXX")]
    )
    upload(client, path, institute=genebank.pk)
    session = ImportSession.objects.get()
    client.post(
        reverse("exchange:import_columns", args=[session.pk]),
        {f"column-{i}": c for i, c in enumerate(session.columns)},
    )
    client.post(reverse("exchange:import_commit", args=[session.pk]), {"rows": "all"})
    session.refresh_from_db()
    assert not session.written and Accession.objects.count() == 0


def test_an_unreadable_file_is_reported_on_the_form(
    client_for, curator, genebank, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    client = client_for(curator)
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 not a workbook")
    response = upload(client, path, institute=genebank.pk)
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not ImportSession.objects.exists()


def test_sessions_belong_to_their_user(
    client_for, curator, technician, genebank, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    path = write_csv(tmp_path / "p.csv", [mcpd_row()])
    upload(client_for(curator), path, institute=genebank.pk)
    session = ImportSession.objects.get()
    other = client_for(technician)
    assert other.get(reverse("exchange:import_columns", args=[session.pk])).status_code == 404


def prepared_session(client, genebank, tmp_path, rows):
    path = write_csv(tmp_path / "p.csv", rows)
    upload(client, path, institute=genebank.pk)
    session = ImportSession.objects.get()
    mapping = {f"column-{i}": c for i, c in enumerate(session.columns)}
    return session, mapping


def test_large_files_are_checked_and_imported_as_queued_jobs(
    client_for, curator, genebank, tmp_path, settings, monkeypatch
):
    from genebank.exchange import import_sessions as services

    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr(services, "BACKGROUND_ROWS", 1)
    client = client_for(curator)
    session, mapping = prepared_session(
        client, genebank, tmp_path, [mcpd_row(ACCENUMB=f"A{i}") for i in range(3)]
    )
    client.post(reverse("exchange:import_columns", args=[session.pk]), mapping)
    session.refresh_from_db()
    assert (session.status, session.rows, session.task) == ("validated", 3, "")
    response = client.post(reverse("exchange:import_commit", args=[session.pk]), {"rows": "all"})
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.status == "imported" and session.created == 3
    assert Accession.objects.count() == 3
    # Run by the queue (at once in tests): the session points to its job, which says how it went.
    job = session.job
    assert (job.kind, job.status, job.user, job.params["task"]) == (
        "import",
        "done",
        curator,
        "commit",
    )
    assert (job.stage, job.progress, job.attempts) == ("written", 3, 1)
    assert Job.objects.filter(kind="import", status="done").count() == 2


def test_a_running_task_shows_its_progress_and_an_interrupted_one_says_so(
    client_for, curator, genebank, tmp_path, settings, monkeypatch
):
    from genebank.exchange import import_sessions as services

    settings.MEDIA_ROOT = tmp_path / "media"
    client = client_for(curator)
    session, _mapping = prepared_session(client, genebank, tmp_path, [mcpd_row()])
    # What a worker running the job has written so far.
    job = Job.objects.create(kind="import", status="running", stage="written", progress=250)
    ImportSession.objects.filter(pk=session.pk).update(
        status="running", task="commit", row_estimate=1000, job=job
    )
    page = client.get(reverse("exchange:import_preview", args=[session.pk]))
    html = page.content.decode()
    assert '<meta http-equiv="refresh" content="2">' in html
    assert 'aria-valuenow="25"' in html and "250 rows written" in html
    # Started twice: refused while it runs.
    session.refresh_from_db()
    with pytest.raises(ValueError):
        services.run_session_task(session, "commit", curator, skip_invalid=False)
    # Its worker died too often and the job failed for good: the user is told and can start again.
    Job.objects.filter(pk=job.pk).update(status="failed", message="Its worker stopped 3 times.")
    response = client.get(reverse("exchange:import_preview", args=[session.pk]))
    assert response["Location"] == reverse("exchange:import_columns", args=[session.pk])
    session.refresh_from_db()
    assert (session.status, session.task_error) == ("interrupted", "Its worker stopped 3 times.")


def test_a_failed_background_task_is_reported(
    client_for, curator, genebank, tmp_path, settings, monkeypatch
):
    from genebank.exchange import import_sessions as services

    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr(services, "BACKGROUND_ROWS", 1)
    client = client_for(curator)
    session, mapping = prepared_session(
        client, genebank, tmp_path, [mcpd_row(), mcpd_row(ACCENUMB="B")]
    )

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "import_mcpd", broken)
    client.post(reverse("exchange:import_columns", args=[session.pk]), mapping)
    session.refresh_from_db()
    assert (session.status, session.task_error) == ("uploaded", "disk full")
    page = client.get(reverse("exchange:import_columns", args=[session.pk]))
    assert "disk full" in page.content.decode()
    session.refresh_from_db()
    assert (session.job.status, session.job.message) == ("failed", "disk full")


def test_a_file_not_imported_can_be_discarded(
    client_for, curator, genebank, tmp_path, settings, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path / "media"
    client = client_for(curator)
    session, mapping = prepared_session(
        client, genebank, tmp_path, [mcpd_row(ACCENUMB="A1", SAMPSTAT="301")]
    )
    client.post(reverse("exchange:import_columns", args=[session.pk]), mapping)
    session.refresh_from_db()
    stored = session.file.path
    assert session.status == "validated" and session.problems.exists()
    preview = client.get(reverse("exchange:import_preview", args=[session.pk])).content.decode()
    assert 'id="discard-form"' in preview

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("exchange:import_discard", args=[session.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("exchange:import_start")
    session.refresh_from_db()
    assert (session.status, session.discarded_by, session.file.name) == ("discarded", curator, "")
    assert not session.problems.exists()
    assert not (tmp_path / "media").joinpath(stored).exists()
    page = client.get(reverse("exchange:import_preview", args=[session.pk])).content.decode()
    assert 'id="import-discarded"' in page and 'id="commit-form"' not in page
    assert "p.csv" in client.get(reverse("exchange:import_start")).content.decode()
    # Nothing can be done with it any more.
    columns = client.get(reverse("exchange:import_columns", args=[session.pk]))
    assert columns["Location"] == reverse("exchange:import_preview", args=[session.pk])
    client.post(reverse("exchange:import_commit", args=[session.pk]), {"rows": "valid"})
    assert Accession.objects.count() == 0


def test_an_imported_file_stays(client_for, curator, genebank, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    client = client_for(curator)
    session, mapping = prepared_session(client, genebank, tmp_path, [mcpd_row(ACCENUMB="A1")])
    client.post(reverse("exchange:import_columns", args=[session.pk]), mapping)
    client.post(reverse("exchange:import_commit", args=[session.pk]), {"rows": "all"})
    session.refresh_from_db()
    assert session.status == "imported"
    response = client.post(reverse("exchange:import_discard", args=[session.pk]), follow=True)
    assert "stays as the source of its records" in response.content.decode()
    session.refresh_from_db()
    assert session.status == "imported" and session.file.name
    assert (tmp_path / "media").joinpath(session.file.name).exists()


def test_a_file_can_be_discarded_before_its_columns_are_checked(
    client_for, curator, genebank, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    client = client_for(curator)
    session, _mapping = prepared_session(client, genebank, tmp_path, [mcpd_row(ACCENUMB="A1")])
    page = client.get(reverse("exchange:import_columns", args=[session.pk])).content.decode()
    assert 'id="discard-form"' in page
    client.post(reverse("exchange:import_discard", args=[session.pk]))
    session.refresh_from_db()
    assert session.status == "discarded" and not session.file
