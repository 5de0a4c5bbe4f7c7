"""MCPD exports too large to make while a page or a terminal waits, run as jobs.

The accession list's export (list_export) of more rows than settings.EXPORT_JOB_ROWS asks to
confirm, then queues a job whose result file (genebank.core.jobs) is the same file the page
would have sent: CSV safe for spreadsheets, or an Excel workbook. The selection is the list's
filters as the job runs them, among the accessions its user sees then, with the same rule for
sensitive sites. `genebank export mcpd -o FILE --background` queues export_mcpd itself.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from genebank.accessions.filters import AccessionFilter
from genebank.accessions.models import Accession
from genebank.accessions.queries import visible_accessions
from genebank.core.jobs import enqueue_job, job_progress, keep_result, result_file
from genebank.core.models import Job
from genebank.exchange.mcpd_export import csv_lines, export_mcpd, iter_mcpd_rows, write_xlsx

LIST_EXPORT = "export-mcpd"
FILE_EXPORT = "export-mcpd-file"
# How often an export job tells how far it got, in rows.
PROGRESS_EVERY = 2000


def list_export_name(public: bool, format: str) -> str:
    name = "accessions-mcpd-public" if public else "accessions-mcpd"
    return f"{name}.{'xlsx' if format == 'xlsx' else 'csv'}"


def export_as_job(request: HttpRequest, selection) -> HttpResponse | None:
    """For an export of more rows than settings.EXPORT_JOB_ROWS: a page that asks to confirm
    (GET), or the job queued and its page (POST); None for a smaller export, made at once."""
    public = request.GET.get("public") == "1"
    rows = selection.filter(is_public=True) if public else selection
    count = rows.count()
    if count <= settings.EXPORT_JOB_ROWS:
        return None
    if request.method != "POST":
        return render(
            request,
            "exchange/export_job.html",
            {
                "count": count,
                "query": request.GET.urlencode(),
                "name": list_export_name(public, request.GET.get("format", "csv")),
            },
        )
    job = queue_list_export(request.user, request.GET.urlencode(), count)
    return redirect("job_detail", job.pk)


def queue_list_export(user, query: str, count: int) -> Job:
    """Queue the accession list's MCPD export: query is the list's query string (its filters,
    format=csv|xlsx, public=1)."""
    return enqueue_job(
        LIST_EXPORT,
        user=user,
        total=count,
        message=_("%(count)s accessions to export") % {"count": count},
        query=query,
    )


def _counted(rows, report, total: int):
    done = 0
    for values in rows:
        yield values
        done += 1
        if done % PROGRESS_EVERY == 0:
            report(
                done,
                message=_("%(done)s of %(total)s accessions exported")
                % {"done": done, "total": total},
            )


def run_list_export(job, *, query: str) -> None:
    """The work of a list export job: the file, kept as the job's result."""
    if job.user is None:
        raise ValueError(_("The user who asked for this export is gone."))
    user = get_user_model().objects.get(pk=job.user_id)
    params = QueryDict(query)
    public = params.get("public") == "1"
    format = "xlsx" if params.get("format") == "xlsx" else "csv"
    filterset = AccessionFilter(params, queryset=visible_accessions(user))
    selection = Accession.objects.filter(pk__in=filterset.qs.values("pk"))
    if public:
        selection = selection.filter(is_public=True)
    name = list_export_name(public, format)
    path = result_file(job, name)
    with job_progress(job) as report:
        total = selection.count()
        report(0, total, stage="exported")
        rows = _counted(iter_mcpd_rows(selection, public_only=public, user=user), report, total)
        if format == "xlsx":
            done = write_xlsx(path, rows)
        else:
            done = 0
            with open(path, "w", encoding="utf-8", newline="") as fh:
                for line in csv_lines(rows):
                    fh.write(line)
                    done += 1
            done -= 1  # the header
        report(done, done, _("%(count)s accessions exported") % {"count": done})
    keep_result(job, path, name)


def queue_file_export(
    output: str | Path,
    *,
    format: str,
    institute: str | None = None,
    public_only: bool = False,
    user=None,
) -> Job:
    """Queue `genebank export mcpd` for a worker: it writes the file named (an absolute path)."""
    output = Path(output).resolve()
    return enqueue_job(
        FILE_EXPORT,
        user=user,
        message=str(output),
        output=str(output),
        format=format,
        institute=institute,
        public_only=public_only,
    )


def run_file_export(
    job, *, output: str, format: str, institute: str | None, public_only: bool
) -> None:
    """The work of a queued `genebank export mcpd`: export_mcpd, as the command would."""
    with job_progress(job) as report:
        result = export_mcpd(output, format=format, institute=institute, public_only=public_only)
        report(
            result.rows,
            result.rows,
            _("%(rows)s accessions written to %(path)s (%(format)s).")
            % {"rows": result.rows, "path": result.path, "format": result.format},
        )
