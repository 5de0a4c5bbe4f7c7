"""Import pages: upload a passport file, map its columns, see every problem, then import."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from genebank.accessions.models import Accession
from genebank.accessions.queries import visible_accessions
from genebank.core import permissions
from genebank.core.uploads import refused_upload
from genebank.exchange import import_sessions
from genebank.exchange.forms import UploadForm
from genebank.exchange.mcpd import FIELDS
from genebank.exchange.mcpd_import import ERRORS_CSV_COLUMNS, errors_csv_row
from genebank.exchange.models import ImportSession
from genebank.exchange.pdci import collection_pdci
from genebank.exchange.readers import ReadError

PAGE_SIZE = 50


def _require_importer(user) -> None:
    if not permissions.can(user, permissions.REGISTER):
        raise PermissionDenied(_("Your role does not allow importing accessions."))


def _session(request, pk: int) -> ImportSession:
    _require_importer(request.user)
    sessions = ImportSession.objects.select_related("institute")
    if not request.user.is_superuser:
        sessions = sessions.filter(user=request.user)
    session = get_object_or_404(sessions, pk=pk)
    # A task whose process is gone (the server stopped) shows as interrupted, never as running.
    if import_sessions.mark_if_interrupted(session):
        messages.warning(request, session.task_error)
    return session


def import_start(request):
    _require_importer(request.user)
    posted = request.method == "POST"
    form = UploadForm(
        # Bound even when empty: a refused upload leaves no field behind it in the body.
        request.POST if posted else None,
        request.FILES if posted else None,
        user=request.user,
        refused=refused_upload(request),
    )
    if request.method == "POST" and form.is_valid():
        try:
            session = import_sessions.start_import_session(
                request.user,
                form.cleaned_data["file"],
                sheet=form.cleaned_data["sheet"],
                institute=form.cleaned_data["institute"],
            )
        except ReadError as exc:
            form.add_error("file", str(exc))
        else:
            return redirect("exchange:import_columns", session.pk)
    sessions = ImportSession.objects.select_related("institute")
    if not request.user.is_superuser:
        sessions = sessions.filter(user=request.user)
    recent = list(sessions[:20])
    for session in recent:
        import_sessions.mark_if_interrupted(session)
    return render(request, "exchange/import_start.html", {"form": form, "sessions": recent})


def import_columns(request, pk: int):
    session = _session(request, pk)
    if session.status == ImportSession.Status.DISCARDED:
        return redirect("exchange:import_preview", session.pk)
    if session.status == ImportSession.Status.IMPORTED or import_sessions.session_progress(session):
        return redirect("exchange:import_preview", session.pk)
    columns = [c for c in session.columns if c]
    if request.method == "POST":
        column_map = {
            column: request.POST.get(f"column-{index}", "") for index, column in enumerate(columns)
        }
        try:
            import_sessions.set_column_map(session, column_map)
            import_sessions.run_session_task(session, "validate", request.user)
        except (ReadError, ValueError) as exc:
            messages.error(request, str(exc))
        else:
            return redirect("exchange:import_preview", session.pk)
    rows = [
        (index, column, session.column_map.get(column, "")) for index, column in enumerate(columns)
    ]
    return render(
        request,
        "exchange/import_columns.html",
        {"session": session, "rows": rows, "fields": FIELDS},
    )


def import_preview(request, pk: int):
    session = _session(request, pk)
    if session.status == ImportSession.Status.RUNNING:
        # Here, or in another process of the server (whose progress this one cannot see).
        stage, done = import_sessions.session_progress(session) or ("checked", 0)
        percent = min(100, round(100 * done / session.row_estimate)) if session.row_estimate else 0
        return render(
            request,
            "exchange/import_running.html",
            {"session": session, "stage": stage, "done": done, "percent": percent},
        )
    if session.status in (ImportSession.Status.UPLOADED, ImportSession.Status.INTERRUPTED):
        return redirect("exchange:import_columns", session.pk)
    problems = session.problems.all()
    severity = request.GET.get("severity", "")
    field = request.GET.get("field", "")
    if severity in ("error", "warning"):
        problems = problems.filter(severity=severity)
    if field:
        problems = problems.filter(field=field)
    fields = (
        session.problems.values("field").annotate(count=Count("pk")).order_by("-count", "field")
    )
    page = Paginator(problems, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "exchange/import_preview.html",
        {
            "session": session,
            "page": page,
            "fields": fields,
            "severity": severity,
            "field": field,
            "query_string": params.urlencode(),
            "importable": session.rows - session.rejected - session.unchanged,
        },
    )


def import_problems_csv(request, pk: int):
    session = _session(request, pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = session.original_name.rsplit(".", 1)[0]
    response["Content-Disposition"] = f'attachment; filename="{name}-problems.csv"'
    writer = csv.writer(response)
    writer.writerow(ERRORS_CSV_COLUMNS)
    for problem in session.problems.order_by("row", "pk").iterator(chunk_size=2000):
        writer.writerow(errors_csv_row(problem))
    return response


@require_POST
def import_commit(request, pk: int):
    session = _session(request, pk)
    skip_invalid = request.POST.get("rows") == "valid"
    update = request.POST.get("update") == "1"
    try:
        background = import_sessions.run_session_task(
            session, "commit", request.user, skip_invalid=skip_invalid, update=update
        )
    except (ValueError, ReadError) as exc:
        messages.error(request, str(exc))
    else:
        session.refresh_from_db()
        if background:
            messages.info(request, _("The import runs in the background; you may leave this page."))
        elif session.written:
            messages.success(
                request,
                _(
                    "Imported: %(created)s new, %(updated)s updated, %(unchanged)s unchanged, %(rejected)s rejected."
                )
                % {
                    "created": session.created,
                    "updated": session.updated,
                    "unchanged": session.unchanged,
                    "rejected": session.rejected,
                },
            )
        else:
            messages.error(request, _("Nothing was written: some rows have errors."))
    return redirect("exchange:import_preview", session.pk)


@require_POST
def import_discard(request, pk: int):
    session = _session(request, pk)
    try:
        import_sessions.discard_import_session(session, request.user)
    except ValueError as exc:
        messages.error(request, str(exc))
        return redirect("exchange:import_preview", session.pk)
    messages.success(
        request,
        _("%(file)s was discarded; nothing of it was imported.") % {"file": session.original_name},
    )
    return redirect("exchange:import_start")


def pdci_summary(request):
    """The passport data completeness of each collection the user may see (active accessions)."""
    accessions = visible_accessions(request.user).filter(status=Accession.Status.ACTIVE)
    return render(
        request, "exchange/pdci_summary.html", {"collections": collection_pdci(accessions)}
    )
