"""The job pages: one job's progress and result file, and the list of a user's jobs.

Generic: any app's job (an export, a batch of labels) sends its user to `core:job_detail`; the
result file downloads from `core:job_download`. A job is its starter's: anyone else (but a
superuser) gets 404, as for a job that does not exist.
"""

from __future__ import annotations

import mimetypes

from django.core.paginator import Paginator
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache

from genebank.core.jobs import job_title, jobs_of, may_see_job, result_path, retention_days
from genebank.core.models import Job

PAGE_SIZE = 50


def _job(request, pk: int) -> Job:
    job = get_object_or_404(Job.objects.select_related("user"), pk=pk)
    if not may_see_job(request.user, job):
        raise Http404
    return job


def job_list(request):
    page = Paginator(jobs_of(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(job, job_title(job)) for job in page]
    return render(
        request,
        "core/job_list.html",
        {"page": page, "rows": rows, "retention_days": retention_days()},
    )


@never_cache
def job_detail(request, pk: int):
    job = _job(request, pk)
    return render(
        request,
        "core/job_detail.html",
        {"job": job, "title": job_title(job), "has_file": bool(result_path(job))},
    )


@never_cache
def job_status(request, pk: int):
    """The job's state for the job page's script (static/genebank/job.js)."""
    job = _job(request, pk)
    return JsonResponse(
        {
            "status": job.status,
            "status_display": job.get_status_display(),
            "active": job.active,
            "progress": job.progress,
            "total": job.total,
            "percent": job.percent,
            "message": job.message,
        }
    )


def job_download(request, pk: int):
    job = _job(request, pk)
    path = result_path(job)
    if path is None:
        raise Http404
    content_type = mimetypes.guess_type(job.result_name)[0] or "application/octet-stream"
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=job.result_name or path.name,
        content_type=content_type,
    )
