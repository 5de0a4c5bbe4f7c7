"""Jobs that make a file: kept in the data dir, offered on the job page to its starter only, and
pruned with their job once old; queued and running jobs are never pruned."""

import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from genebank.core import jobs
from genebank.core.models import Job

pytestmark = pytest.mark.django_db


@jobs.job_kind("test-report", title="Test report")
def report(job, *, text: str, fail: bool = False) -> None:
    path = jobs.result_file(job, "report.txt")
    path.write_text(text, encoding="utf-8")
    jobs.keep_result(job, path, "report.txt")
    if fail:
        raise RuntimeError("broke after writing")


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return tmp_path


def test_a_job_keeps_its_file_and_its_starter_downloads_it(client_for, curator, data_dir):
    job = jobs.enqueue_job("test-report", user=curator, text="Hordeum vulgare")
    assert (job.status, job.result_name) == ("done", "report.txt")
    stored = data_dir / "jobs" / str(job.pk) / "report.txt"
    assert stored.read_text() == "Hordeum vulgare"
    assert oct((data_dir / "jobs").stat().st_mode & 0o777) == "0o700"
    client = client_for(curator)
    page = client.get(reverse("job_detail", args=[job.pk]))
    assert page.status_code == 200
    assert b"Test report" in page.content
    assert reverse("job_download", args=[job.pk]).encode() in page.content
    assert reverse("job_list").encode() in page.content
    assert b"job.js" not in page.content  # ended: nothing to refresh
    download = client.get(reverse("job_download", args=[job.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"Hordeum vulgare"
    assert 'filename="report.txt"' in download["Content-Disposition"]


def test_only_the_starter_or_a_superuser_sees_a_job_and_its_file(
    client, curator, technician, superuser
):
    job = jobs.enqueue_job("test-report", user=curator, text="secret passport data")
    client.force_login(technician)
    for name in ("job_detail", "job_status", "job_download"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404
    listing = client.get(reverse("job_list"))
    assert reverse("job_detail", args=[job.pk]).encode() not in listing.content
    client.force_login(superuser)
    download = client.get(reverse("job_download", args=[job.pk]))
    assert b"".join(download.streaming_content) == b"secret passport data"
    assert reverse("job_detail", args=[job.pk]).encode() in client.get(reverse("job_list")).content
    client.logout()
    assert client.get(reverse("job_download", args=[job.pk])).status_code == 302  # to login


def test_a_failed_job_offers_no_file(client_for, curator, data_dir):
    job = jobs.enqueue_job("test-report", user=curator, text="half", fail=True)
    assert (job.status, job.result_path) == ("failed", "")
    assert not (data_dir / "jobs" / str(job.pk)).exists()
    assert client_for(curator).get(reverse("job_download", args=[job.pk])).status_code == 404


def test_a_running_job_page_refreshes_itself_through_its_script(client_for, curator):
    job = Job.objects.create(kind="test-report", user=curator, status="running", total=200)
    Job.objects.filter(pk=job.pk).update(progress=50, message="50 labels drawn")
    client = client_for(curator)
    page = client.get(reverse("job_detail", args=[job.pk])).content.decode()
    assert "genebank/job.js" in page and "<script>" not in page
    assert f'data-job-status-url="{reverse("job_status", args=[job.pk])}"' in page
    assert 'data-bar-width="25"' in page
    state = client.get(reverse("job_status", args=[job.pk])).json()
    assert state == {
        "status": "running",
        "status_display": "Running",
        "active": True,
        "progress": 50,
        "total": 200,
        "percent": 25,
        "message": "50 labels drawn",
    }
    assert client.get(reverse("job_download", args=[job.pk])).status_code == 404


def test_the_jobs_page_lists_the_users_own_jobs(client_for, curator, technician):
    mine = jobs.enqueue_job("test-report", user=curator, text="a")
    theirs = jobs.enqueue_job("test-report", user=technician, text="b")
    page = client_for(curator).get(reverse("job_list")).content.decode()
    assert reverse("job_detail", args=[mine.pk]) in page
    assert reverse("job_detail", args=[theirs.pk]) not in page
    assert reverse("job_download", args=[mine.pk]) in page


def aged(job: Job, days: float, status: str | None = None) -> Job:
    fields = {"finished_at": timezone.now() - dt.timedelta(days=days)}
    if status:
        fields["status"] = status
    if status in ("queued", "running"):
        fields["finished_at"] = None
        fields["created_at"] = timezone.now() - dt.timedelta(days=days)
    Job.objects.filter(pk=job.pk).update(**fields)
    return job


def test_pruning_deletes_old_finished_jobs_with_their_files_and_never_running_ones(
    settings, curator, data_dir
):
    settings.JOB_RETENTION_DAYS = 30
    old_done = aged(jobs.enqueue_job("test-report", user=curator, text="old"), 31)
    old_failed = aged(jobs.enqueue_job("test-report", text="x", fail=True), 45)
    recent = aged(jobs.enqueue_job("test-report", user=curator, text="new"), 29)
    old_running = aged(jobs.enqueue_job("test-report", text="r"), 90, status="running")
    old_queued = aged(jobs.enqueue_job("test-report", text="q"), 90, status="queued")
    orphan = data_dir / "jobs" / "999999"
    orphan.mkdir()
    (orphan / "left.txt").write_text("left behind")

    assert sorted(jobs.prune_jobs()) == sorted([old_done.pk, old_failed.pk])
    assert set(Job.objects.values_list("pk", flat=True)) == {
        recent.pk,
        old_running.pk,
        old_queued.pk,
    }
    assert not (data_dir / "jobs" / str(old_done.pk)).exists()
    assert (data_dir / "jobs" / str(recent.pk) / "report.txt").exists()
    # A running job's file (being written) stays, as does the job.
    assert (data_dir / "jobs" / str(old_running.pk) / "report.txt").exists()
    assert not orphan.exists()
    assert jobs.prune_jobs() == []
    # A shorter period, asked for once.
    assert jobs.prune_jobs(older_than=10) == [recent.pk]


def test_pruning_deletes_the_task_results_of_the_jobs_it_deletes(settings, data_dir):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    job = jobs.enqueue_job("test-report", text="x")
    DBTaskResult.objects.filter(id=job.task_id).update(status="SUCCESSFUL")
    Job.objects.filter(pk=job.pk).update(status="done")
    aged(job, 40)
    waiting = jobs.enqueue_job("test-report", text="y")
    assert jobs.prune_jobs() == [job.pk]
    assert not DBTaskResult.objects.filter(id=job.task_id).exists()
    assert DBTaskResult.objects.filter(id=waiting.task_id).exists()


def test_genebank_jobs_prune(settings, curator):
    settings.JOB_RETENTION_DAYS = 30
    old = aged(jobs.enqueue_job("test-report", user=curator, text="old"), 31)
    week = aged(jobs.enqueue_job("test-report", user=curator, text="week"), 7)
    running = aged(jobs.enqueue_job("test-report", text="r"), 90, status="running")
    out = io.StringIO()
    call_command("jobs", prune=True, json=True, stdout=out)
    assert json.loads(out.getvalue()) == {"deleted": [old.pk], "older_than_days": 30}
    out = io.StringIO()
    call_command("jobs", "--prune", "--older-than", "3", stdout=out)
    assert "1 finished jobs older than 3 days deleted." in out.getvalue()
    assert list(Job.objects.values_list("pk", flat=True)) == [running.pk]
    assert week.pk not in Job.objects.values_list("pk", flat=True)
    with pytest.raises(CommandError):
        call_command("jobs", "--older-than", "3")
    # The listing keeps its keys, and says which file a job made.
    out = io.StringIO()
    call_command("jobs", json=True, stdout=out)
    listed = json.loads(out.getvalue())
    assert {"id", "kind", "status", "progress", "message", "result"} <= set(listed[0])


def test_a_worker_prunes_when_it_starts(settings, monkeypatch):
    settings.JOB_RETENTION_DAYS = 30
    old = aged(jobs.enqueue_job("test-report", text="old"), 31)
    monkeypatch.setattr("django.core.management.call_command", lambda *a, **k: None)
    jobs.run_worker()
    assert not Job.objects.filter(pk=old.pk).exists()
