"""Large MCPD exports run as jobs: the accession list's export above settings.EXPORT_JOB_ROWS
asks to confirm, queues a job and offers the same file on the job page; `genebank export mcpd
--background` queues the command's export."""

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from genebank.core.models import Job, Role
from tests.factories import AccessionFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return tmp_path


@pytest.fixture
def collection(genebank):
    return [
        AccessionFactory(institute=genebank, number=f"JO-00000{n}", is_public=n != 3)
        for n in range(1, 5)
    ]


def content(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def exported_by_job(client, params) -> tuple[Job, bytes]:
    url = reverse("accessions:export")
    confirm = client.get(url, params)
    assert confirm["Content-Type"].startswith("text/html")
    assert not Job.objects.exists()  # a GET queues nothing
    response = client.post(f"{url}?{confirm.wsgi_request.GET.urlencode()}")
    job = Job.objects.latest("pk")
    assert response["Location"] == reverse("job_detail", args=[job.pk])
    download = client.get(reverse("job_download", args=[job.pk]))
    assert download.status_code == 200
    return job, content(download)


@pytest.mark.parametrize("params", [{"format": "csv"}, {"format": "csv", "public": "1"}])
def test_a_large_csv_export_is_a_job_giving_the_same_file(
    client_for, viewer, collection, settings, params
):
    client = client_for(viewer)
    settings.EXPORT_JOB_ROWS = 100
    at_once = content(client.get(reverse("accessions:export"), params))
    settings.EXPORT_JOB_ROWS = 2
    job, queued = exported_by_job(client, params)
    assert queued == at_once
    rows = list(csv.reader(io.StringIO(queued.decode("utf-8-sig"))))
    expected = 3 if params.get("public") else 4
    assert len(rows) == 1 + expected
    assert (job.kind, job.status, job.user, job.progress, job.total) == (
        "export-mcpd",
        "done",
        viewer,
        expected,
        expected,
    )
    name = "accessions-mcpd-public.csv" if params.get("public") else "accessions-mcpd.csv"
    assert job.result_name == name


def test_a_large_workbook_export_and_the_list_filters(client_for, viewer, collection, settings):
    settings.EXPORT_JOB_ROWS = 1
    client = client_for(viewer)
    job, queued = exported_by_job(client, {"format": "xlsx", "q": "JO-00000"})
    sheet = load_workbook(io.BytesIO(queued), read_only=True)["MCPD"]
    numbers = sorted(row[2] for row in sheet.iter_rows(min_row=2, values_only=True))
    assert numbers == [a.number for a in collection]
    assert job.result_name == "accessions-mcpd.xlsx"
    # Only its starter downloads it.
    client.force_login(member("carl", collection[0].institute, Role.CURATOR))
    assert client.get(reverse("job_download", args=[job.pk])).status_code == 404


def test_a_small_export_downloads_at_once(client_for, viewer, collection, settings):
    settings.EXPORT_JOB_ROWS = 4
    response = client_for(viewer).get(reverse("accessions:export"), {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert not Job.objects.exists()


def test_export_background_prints_the_job_and_writes_the_file(collection, tmp_path):
    out = io.StringIO()
    target = tmp_path / "out" / "mcpd.tsv"
    target.parent.mkdir()
    call_command("export", "mcpd", "-o", str(target), "--background", "--json", stdout=out)
    job = Job.objects.get(pk=json.loads(out.getvalue())["job"])
    assert (job.kind, job.status, job.progress) == ("export-mcpd-file", "done", 4)  # at once here
    assert job.params["output"] == str(target) and job.params["format"] == "tsv"
    lines = target.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 5 and "\t" in lines[0]
    with pytest.raises(CommandError):
        call_command("export", "mcpd", "-o", str(tmp_path / "nowhere" / "x.csv"), "--background")
    assert Job.objects.count() == 1


def test_a_background_export_is_run_by_a_worker_and_pruned_after(tmp_path):
    from tests.core.test_jobs import genebank, listed, stop, wait_for, worker
    from tests.exchange.conftest import mcpd_row, write_csv

    data = tmp_path / "data"
    path = write_csv(tmp_path / "p.csv", [mcpd_row(ACCENUMB=f"JO-{i:04d}") for i in range(30)])
    assert genebank("import", "mcpd", path, data_dir=data).returncode == 0
    out = tmp_path / "export.csv"
    queued = genebank("export", "mcpd", "-o", out, "--background", "--json", data_dir=data)
    assert queued.returncode == 0, queued.stderr
    job = json.loads(queued.stdout)["job"]
    assert listed(data)[job]["status"] == "queued" and not out.exists()
    process = worker(data)
    try:
        finished = wait_for(
            lambda: listed(data)[job]["status"] in ("done", "failed") and listed(data)
        )
    finally:
        stop(process)
    assert finished[job]["status"] == "done", finished[job]
    assert finished[job]["kind"] == "export-mcpd-file" and finished[job]["progress"] == 30
    assert len(out.read_text(encoding="utf-8").splitlines()) == 31
    # Finished: pruned when asked (a period of 0 days takes every finished job).
    pruned = genebank("jobs", "--prune", "--older-than", "0", "--json", data_dir=data)
    assert json.loads(pruned.stdout)["deleted"] == [job]
    assert job not in listed(data) and out.exists()  # the command's file is the user's
