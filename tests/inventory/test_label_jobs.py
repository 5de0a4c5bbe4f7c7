"""Many labels are drawn by a job: the page asks to confirm, queues it and shows the job page,
whose download is the PDF, read back here; a few labels still come at once."""

import io

import pypdf
import pytest
from django.urls import reverse

from genebank.core.models import Job, Role
from genebank.inventory import services
from tests.factories import member


@pytest.fixture(autouse=True)
def small_threshold(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.LABEL_JOB_LABELS = 3


@pytest.fixture
def lots(make_accession, technician):
    return [services.receive(make_accession(), 100, "seeds", "base", technician) for _ in range(4)]


def pdf_text(content: bytes) -> str:
    return "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)


def downloaded(client, job: Job) -> bytes:
    response = client.get(reverse("job_download", args=[job.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return b"".join(response.streaming_content)


def test_a_large_print_is_confirmed_then_drawn_by_a_job(client_for, viewer, lots):
    client = client_for(viewer)
    params = {"source": "lots", "size": "a4-70x37", "language": "en"}
    confirm = client.get("/inventory/labels/", params)
    assert confirm.status_code == 200 and confirm["Content-Type"].startswith("text/html")
    assert "4 labels are many" in confirm.content.decode()
    assert not Job.objects.exists()  # a GET queues nothing
    response = client.post("/inventory/labels/?" + confirm.wsgi_request.GET.urlencode())
    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("job_detail", args=[job.pk])
    assert (job.kind, job.status, job.user, job.progress, job.total) == (
        "labels",
        "done",
        viewer,
        4,
        4,
    )
    page = client.get(response["Location"]).content.decode()
    assert "labels.pdf" in page
    text = pdf_text(downloaded(client, job))
    assert all(lot.number in text for lot in lots)
    # Another user of the same genebank does not get the file.
    client.force_login(member("tomas", viewer.memberships.get().institute, Role.CURATOR))
    assert client.get(reverse("job_download", args=[job.pk])).status_code == 404


def test_a_few_labels_still_come_at_once(client_for, viewer, lots, settings):
    settings.LABEL_JOB_LABELS = 4
    response = client_for(viewer).get("/inventory/labels/", {"source": "lots", "size": "62x29"})
    assert response["Content-Type"] == "application/pdf"
    assert len(pypdf.PdfReader(io.BytesIO(response.content)).pages) == 4
    assert not Job.objects.exists()


def test_copies_count_towards_the_threshold(client_for, viewer, lots):
    client = client_for(viewer)
    params = {"source": "lot", "pk": lots[0].pk, "size": "62x29", "copies": 4}
    assert b"4 labels are many" in client.get("/inventory/labels/", params).content
    client.post(f"/inventory/labels/?source=lot&pk={lots[0].pk}&size=62x29&copies=4")
    job = Job.objects.get()
    text = pdf_text(downloaded(client, job))
    assert text.count(lots[0].number) == 4 and "Container 4 of 4" in text


def test_the_bulk_action_queues_a_job_above_the_threshold(client_for, viewer, lots):
    client = client_for(viewer)
    response = client.post(
        "/inventory/",
        {
            "action": "print_labels",
            "selected": [lot.pk for lot in lots],
            "print_labels-size": "a4-70x37",
            "print_labels-language": "fr",
        },
    )
    job = Job.objects.get()
    assert response["Location"] == reverse("job_detail", args=[job.pk])
    assert job.params["language"] == "fr" and sorted(job.params["lots"]) == sorted(
        lot.pk for lot in lots
    )
    text = pdf_text(downloaded(client, job))
    assert all(lot.number in text for lot in lots) and "Collection de base" in text


def test_location_labels_as_a_job(client_for, curator, storage):
    client = client_for(curator)
    root = storage["site"]
    count = 1 + root.descendants().count()
    assert count > 3
    client.post(f"/inventory/labels/?source=location&pk={root.pk}&size=62x29")
    job = Job.objects.get()
    assert job.total == count
    assert root.code in pdf_text(downloaded(client, job))
