"""The job page in a real browser: its script (no inline code) moves the bar as the job goes,
and once the job is done the page offers its file, which downloads."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from genebank.core import jobs
from genebank.core.models import Job


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path


def test_the_job_page_follows_its_job_then_offers_the_file(page_for, viewer):
    job = Job.objects.create(
        kind="labels", user=viewer, status="running", progress=3, total=10, message="3 drawn"
    )
    page = page_for(viewer)
    page.goto(f"/jobs/{job.pk}/")
    expect(page.locator("#job-bar")).to_have_text("30%")
    Job.objects.filter(pk=job.pk).update(progress=7, message="7 drawn")
    expect(page.locator("#job-bar")).to_have_text("70%", timeout=8000)
    expect(page.locator("#job-message")).to_have_text("7 drawn")
    expect(page.locator("#job-download")).to_have_count(0)

    path = jobs.result_file(job, "labels.pdf")
    path.write_bytes(b"%PDF-1.4 not really")
    Job.objects.filter(pk=job.pk).update(
        status="done",
        finished_at=timezone.now(),
        result_path=f"{job.pk}/labels.pdf",
        result_name="labels.pdf",
    )
    expect(page.locator("#job-download")).to_be_visible(timeout=8000)
    expect(page.locator("#job-status")).to_have_text("Done")
    with page.expect_download() as download:
        page.locator("#job-download").click()
    assert download.value.suggested_filename == "labels.pdf"
    with open(download.value.path(), "rb") as file:
        assert file.read() == b"%PDF-1.4 not really"
    page.locator("#job-list-link").click()
    expect(page.locator("#jobs-table")).to_contain_text("labels.pdf")
